import pytest

from bekrin.accounts.people import (
    can_view_parent,
    can_view_student,
    parents_visible_to,
    students_visible_to,
)
from bekrin.testing.access import assert_visibility_agrees
from bekrin.testing.factories import ParentFactory, ParentLinkFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(personas):
    return [u for u in personas.as_dict().values() if u is not None]


@pytest.fixture
def deleted_child(personas):
    child = StudentFactory(full_name="Silinmiş")
    ParentLinkFactory(parent=personas.parent, student=child)
    profile = child.student_profile
    profile.mark_deleted()
    profile.save()
    return child


def test_student_visibility_and_the_per_object_check_agree(personas, users, deleted_child):
    foreign = StudentFactory(organization=personas.other_teacher.organization)
    rows = [personas.student, personas.other_student, deleted_child, foreign, personas.parent, personas.teacher]
    assert_visibility_agrees(students_visible_to, can_view_student, users, rows)

    def with_deleted(user):
        return students_visible_to(user, include_deleted=True)

    def can_with_deleted(user, student):
        return can_view_student(user, student, include_deleted=True)

    assert_visibility_agrees(with_deleted, can_with_deleted, users, rows)


def test_who_sees_which_student(personas, deleted_child):
    assert set(students_visible_to(personas.teacher)) == {personas.student, personas.other_student}
    assert deleted_child in set(students_visible_to(personas.admin, include_deleted=True))
    assert set(students_visible_to(personas.other_teacher)) == set()
    assert set(students_visible_to(personas.student)) == {personas.student}
    assert set(students_visible_to(personas.parent, include_deleted=True)) == {personas.student}
    assert set(students_visible_to(personas.other_parent)) == {personas.other_student}


def test_parent_visibility_and_the_per_object_check_agree(personas, users):
    foreign = ParentFactory(organization=personas.other_teacher.organization)
    rows = [personas.parent, personas.other_parent, foreign, personas.student]
    assert_visibility_agrees(parents_visible_to, can_view_parent, users, rows)
    assert set(parents_visible_to(personas.student)) == {personas.parent}
    assert set(parents_visible_to(personas.parent)) == {personas.parent}
    assert set(parents_visible_to(personas.teacher)) == {personas.parent, personas.other_parent}
