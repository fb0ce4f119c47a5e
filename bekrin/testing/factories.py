"""Deterministic factories (sequences, no random values). Tenant stays consistent: a row takes the organization
of the user or group it hangs on."""

from datetime import time
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password

from bekrin.accounts.models import TeacherProfile, User
from bekrin.core.models import Organization
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile

PASSWORD = "correct-horse-battery-9"  # noqa: S105 - test-only
# Hashing once keeps factories fast: Argon2 costs ~0.2 s a password on two cores.
_PASSWORD_HASH = make_password(PASSWORD, hasher="pbkdf2_sha256")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Məktəb {n}")
    slug = factory.Sequence(lambda n: f"mekteb-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@bekrin.test")
    full_name = factory.Sequence(lambda n: f"İstifadəçi {n}")
    role = Role.STUDENT
    organization = None
    password = _PASSWORD_HASH


class TeacherFactory(UserFactory):
    role = Role.TEACHER
    full_name = factory.Sequence(lambda n: f"Müəllim {n}")
    profile = factory.RelatedFactory("bekrin.testing.factories.TeacherProfileFactory", factory_related_name="user")


class TeacherProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeacherProfile

    user = factory.SubFactory(UserFactory, role=Role.TEACHER)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    full_name = factory.Sequence(lambda n: f"Admin {n}")


class StudentFactory(UserFactory):
    role = Role.STUDENT
    full_name = factory.Sequence(lambda n: f"Şagird {n}")
    profile = factory.RelatedFactory("bekrin.testing.factories.StudentProfileFactory", factory_related_name="user")


class StudentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentProfile

    user = factory.SubFactory(UserFactory, role=Role.STUDENT)
    grade = "9"
    balance = Decimal("0.00")


class ParentFactory(UserFactory):
    role = Role.PARENT
    full_name = factory.Sequence(lambda n: f"Valideyn {n}")
    profile = factory.RelatedFactory("bekrin.testing.factories.ParentProfileFactory", factory_related_name="user")


class ParentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentProfile

    user = factory.SubFactory(UserFactory, role=Role.PARENT)


class ParentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentStudent

    parent = factory.SubFactory(ParentFactory)
    student = factory.SubFactory(StudentFactory)
    organization = factory.LazyAttribute(lambda link: link.student.organization)
    relation = "ana"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyGroup

    teacher = factory.SubFactory(TeacherFactory)
    organization = factory.LazyAttribute(lambda group: group.teacher.organization)
    name = factory.Sequence(lambda n: f"Qrup {n}")
    code = factory.Sequence(lambda n: f"Q{n}")
    days_of_week = factory.LazyFunction(lambda: [1, 4])
    start_time = time(11, 0)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    student = factory.SubFactory(StudentFactory)
    organization = factory.LazyAttribute(lambda membership: membership.group.organization)
