"""Deterministic factories (sequences, no random values). Tenant stays consistent: a row takes the organization
of the user or group it hangs on, the rows a factory makes for it are made in that school, and a row given rows of
two schools is refused (SchoolRowFactory)."""

from datetime import time
from decimal import Decimal
from typing import Any, ClassVar

import factory
from django.contrib.auth.hashers import make_password

from bekrin.accounts.models import TeacherProfile, User
from bekrin.core.models import Organization
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile

PASSWORD = "correct-horse-battery-9"  # noqa: S105 - test-only


class SchoolRowFactory(factory.django.DjangoModelFactory):
    """A row of a school that hangs on other rows of a school (`school_links`, the names of those fields): it is
    only created when each of them that is set belongs to the row's own organization, so no test can build a
    membership, a parent link or an attempt across two schools by accident. Each factory derives `organization`
    from its first link and makes its other links' defaults in that school."""

    class Meta:
        abstract = True

    _school_links: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        organization = kwargs.get("organization")
        school = getattr(organization, "pk", organization)
        for name in cls._school_links:
            row = kwargs.get(name)
            if row is not None and row.organization_id != school:
                raise ValueError(
                    f"{cls.__name__}: {name} belongs to organization {row.organization_id}, the row to {school}"
                )
        return super()._create(model_class, *args, **kwargs)


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
    # The preferred hasher of the moment: the tests' fast one (conftest.py), Argon2 under `production_hashers`.
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


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


class ParentLinkFactory(SchoolRowFactory):
    class Meta:
        model = ParentStudent

    _school_links = ("student", "parent")
    student = factory.SubFactory(StudentFactory)
    organization = factory.LazyAttribute(lambda link: link.student.organization)
    parent = factory.SubFactory(ParentFactory, organization=factory.SelfAttribute("..organization"))
    relation = "ana"


class GroupFactory(SchoolRowFactory):
    class Meta:
        model = StudyGroup

    _school_links = ("teacher",)
    teacher = factory.SubFactory(TeacherFactory)
    organization = factory.LazyAttribute(lambda group: group.teacher.organization)
    name = factory.Sequence(lambda n: f"Qrup {n}")
    code = factory.Sequence(lambda n: f"Q{n}")
    days_of_week = factory.LazyFunction(lambda: [1, 4])
    start_time = time(11, 0)


class MembershipFactory(SchoolRowFactory):
    class Meta:
        model = GroupMembership

    _school_links = ("group", "student")
    group = factory.SubFactory(GroupFactory)
    organization = factory.LazyAttribute(lambda membership: membership.group.organization)
    student = factory.SubFactory(StudentFactory, organization=factory.SelfAttribute("..organization"))
