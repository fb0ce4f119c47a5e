"""The services bulk import reuses per row: creating students and parents, finding them, linking, updating."""

from functools import partial

import pytest

from bekrin.accounts.models import User
from bekrin.core.errors import DomainError, NotFound
from bekrin.groups.models import GroupMembership
from bekrin.students.models import ParentStudent
from bekrin.students.services import (
    ParentInput,
    parent_get_or_create,
    parent_link,
    student_create,
    student_update,
)
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.factories import GroupFactory, OrganizationFactory, ParentFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_student_create_with_groups_and_a_new_parent_reports_both_generated_passwords(personas):
    group = GroupFactory(teacher=personas.teacher)
    created = student_create(
        actor=personas.teacher,
        full_name="Fərid Məmmədli",
        email="Ferid@Bekrin.test",
        grade="6",
        groups=[group],
        parent=ParentInput(full_name="Ülviyyə Məmmədli", email="ulviyye@bekrin.test", relation="ana"),
    )
    assert created.student.email == "ferid@bekrin.test"
    assert created.parent is not None and created.parent.created
    assert [p.email for p in created.passwords] == ["ferid@bekrin.test", "ulviyye@bekrin.test"]
    assert GroupMembership.objects.filter(group=group, student=created.student, is_active=True).exists()
    assert ParentStudent.objects.get(student=created.student).relation == "ana"


def test_parent_get_or_create_twice_finds_the_same_parent(personas):
    first = parent_get_or_create(actor=personas.teacher, full_name="Ana", email="ana@bekrin.test")
    second = parent_get_or_create(actor=personas.teacher, full_name="Başqa ad", email=" ANA@bekrin.test")
    assert (first.created, second.created) == (True, False)
    assert first.parent.pk == second.parent.pk
    assert second.password is None
    assert User.objects.get(pk=first.parent.pk).full_name == "Ana"


def test_parent_get_or_create_refuses_an_email_of_another_school_or_role(personas):
    with pytest.raises(DomainError) as error:
        parent_get_or_create(actor=personas.other_teacher, full_name="X", email=personas.parent.email)
    assert error.value.code == "email_taken"
    with pytest.raises(DomainError):
        parent_get_or_create(actor=personas.teacher, full_name="X", email=personas.student.email)


def test_parent_link_is_idempotent_and_refuses_another_school(personas):
    link, created = parent_link(actor=personas.teacher, parent=personas.parent, student=personas.student)
    assert created is False
    assert link.relation == "ana"
    with pytest.raises(NotFound):
        parent_link(actor=personas.other_teacher, parent=personas.parent, student=personas.student)


def _stamps(student: User) -> tuple[object, object]:
    fresh = User.objects.select_related("student_profile").get(pk=student.pk)
    return fresh.updated_at, fresh.student_profile.updated_at


def test_student_update_writes_what_changed_and_nothing_the_second_time(personas):
    changes = {"full_name": " Əli Həsənli ", "grade": "10", "phone": "+994 1", "password": "Yeni-parol-2026"}
    before = _stamps(personas.student)
    student = student_update(student=personas.student, changes=changes)
    fresh = User.objects.select_related("student_profile").get(pk=student.pk)
    assert (fresh.full_name, fresh.phone, fresh.student_profile.grade) == ("Əli Həsənli", "+994 1", "10")
    assert fresh.check_password("Yeni-parol-2026")
    changed = _stamps(student)
    assert changed[0] != before[0] and changed[1] != before[1]
    student_update(student=fresh, changes=changes)
    assert _stamps(student) == changed


def test_memberships_follow_the_given_groups_only_in_the_students_school(personas):
    foreign = GroupFactory(teacher=TeacherFactory(organization=OrganizationFactory(slug="x")))
    with pytest.raises(NotFound):
        student_update(student=personas.student, changes={"groups": [foreign]})
    assert not GroupMembership.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_teachers_creating_the_same_email_at_once_get_one_student_and_one_email_taken():
    teachers = [TeacherFactory(), TeacherFactory()]

    def create(teacher: User) -> str:
        try:
            student_create(actor=teacher, full_name="Eyni", email="eyni@bekrin.test", grade="9", password=None)
        except DomainError as error:
            return error.code
        return "created"

    outcomes = run_in_parallel([partial(create, teacher) for teacher in teachers])
    assert sorted(outcomes) == ["created", "email_taken"]
    assert User.objects.filter(email="eyni@bekrin.test").count() == 1


def test_a_parent_found_by_email_keeps_its_own_profile(personas):
    parent = ParentFactory(email="p@bekrin.test")
    found = parent_get_or_create(actor=personas.teacher, full_name="P", email="p@bekrin.test")
    assert found.parent.pk == parent.pk
