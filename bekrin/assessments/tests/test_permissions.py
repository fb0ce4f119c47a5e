"""Each `<things>_visible_to` queryset agrees with its `can_view_<thing>` check for every persona and row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bekrin.assessments import permissions  # a module: its test_* functions would be collected as tests
from bekrin.assessments.tests.factories import AssignmentFactory, AttemptFactory, TestFactory
from bekrin.testing.access import assert_visibility_agrees
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(personas, classroom):
    """Tests reaching the student in every way, and some that must not."""
    now = timezone.now()
    upcoming = TestFactory(created_by=personas.teacher)
    AssignmentFactory(test=upcoming, student=personas.student, available_from=now + timedelta(days=1))
    inactive = TestFactory(created_by=personas.teacher, is_active=False)
    AssignmentFactory(test=inactive, student=personas.student)
    deleted = TestFactory(created_by=personas.teacher, deleted_at=now)
    AssignmentFactory(test=deleted, student=personas.student)
    left_group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=left_group, student=personas.student, is_active=False)
    via_left_group = TestFactory(created_by=personas.teacher)
    AssignmentFactory(test=via_left_group, group=left_group)
    others = TestFactory(created_by=personas.teacher)
    AssignmentFactory(test=others, student=personas.other_student)
    foreign = TestFactory(created_by=personas.other_teacher)
    foreign_student = StudentFactory(organization=foreign.organization)
    AssignmentFactory(test=foreign, student=foreign_student)
    tests = [classroom.test, upcoming, inactive, deleted, via_left_group, others, foreign]
    attempts = [AttemptFactory(test=test, student=personas.student) for test in tests if test is not foreign]
    attempts.append(AttemptFactory(test=others, student=personas.other_student))
    attempts.append(AttemptFactory(test=foreign, student=foreign_student))
    assignments = [assignment for test in tests for assignment in test.assignments.all()]
    return tests, attempts, assignments


def users(personas):
    return [user for user in personas.as_dict().values() if user is not None]


def test_tests_visible_to_agrees_with_can_view_test(personas, rows):
    assert_visibility_agrees(permissions.tests_visible_to, permissions.can_view_test, users(personas), rows[0])


def test_papers_visible_to_agrees_with_can_view_paper(personas, rows):
    assert_visibility_agrees(
        permissions.test_papers_visible_to, permissions.can_view_test_paper, users(personas), rows[0]
    )


def test_attempts_visible_to_agrees_with_can_view_attempt(personas, rows):
    assert_visibility_agrees(permissions.attempts_visible_to, permissions.can_view_attempt, users(personas), rows[1])


def test_assignments_visible_to_agrees_with_can_view_assignment(personas, rows):
    assert_visibility_agrees(
        permissions.assignments_visible_to, permissions.can_view_assignment, users(personas), rows[2]
    )


def test_the_student_sees_exactly_the_tests_that_reach_them(personas, classroom, rows):
    tests = rows[0]
    upcoming = tests[1]
    assert set(permissions.tests_visible_to(personas.student)) == {classroom.test, upcoming}
    assert set(permissions.test_papers_visible_to(personas.student)) == {classroom.test}
    assert set(permissions.tests_visible_to(personas.parent)) == {classroom.test, upcoming}
    assert set(permissions.tests_visible_to(personas.other_parent)) == {tests[5]}
    assert set(permissions.tests_visible_to(personas.other_teacher)) == {tests[6]}
