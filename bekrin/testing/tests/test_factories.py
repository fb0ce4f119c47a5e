"""The factories keep every row in one school: the rows they make follow the rows a test gives, and rows of two
schools given together are refused instead of making a row no service could make."""

import pytest

from bekrin.assessments.tests.factories import AssignmentFactory, AttemptFactory, TestFactory
from bekrin.attendance.tests.factories import AttendanceRecordFactory
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory
from bekrin.payments.tests.factories import PaymentFactory
from bekrin.testing.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    ParentFactory,
    ParentLinkFactory,
    StudentFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_school():
    return OrganizationFactory(slug="other")


def test_a_membership_of_another_schools_group_gets_a_student_of_that_school(other_school):
    membership = MembershipFactory(group=GroupFactory(teacher=TeacherFactory(organization=other_school)))
    assert membership.organization == membership.student.organization == other_school


def test_a_parent_link_of_another_schools_student_gets_a_parent_of_that_school(other_school):
    link = ParentLinkFactory(student=StudentFactory(organization=other_school))
    assert link.organization == link.parent.organization == other_school


def test_an_attempt_at_another_schools_test_gets_a_student_of_that_school(other_school):
    attempt = AttemptFactory(test=TestFactory(created_by=TeacherFactory(organization=other_school)))
    assert attempt.organization == attempt.student.organization == other_school


def student_of(school):
    return StudentFactory(organization=school)


@pytest.mark.parametrize(
    ("make", "links"),
    [
        (MembershipFactory, lambda school: {"group": GroupFactory(), "student": student_of(school)}),
        (MembershipFactory, lambda school: {"student": student_of(school)}),
        (ParentLinkFactory, lambda school: {"student": StudentFactory(), "parent": ParentFactory(organization=school)}),
        (AttemptFactory, lambda school: {"test": TestFactory(), "student": student_of(school)}),
        (AttemptFactory, lambda school: {"student": student_of(school)}),
        (AssignmentFactory, lambda school: {"test": TestFactory(), "student": student_of(school)}),
        (AttendanceRecordFactory, lambda school: {"group": GroupFactory(), "student": student_of(school)}),
        (
            PaymentFactory,
            lambda school: {"student": StudentFactory(), "created_by": TeacherFactory(organization=school)},
        ),
        (SubmissionFactory, lambda school: {"task": TaskFactory(), "student": student_of(school)}),
        (GroupFactory, lambda school: {"teacher": TeacherFactory(), "organization": school}),
    ],
    ids=[
        "membership",
        "membership in a default group",
        "parent link",
        "attempt",
        "attempt at a default test",
        "assignment",
        "attendance record",
        "payment",
        "submission",
        "group",
    ],
)
def test_rows_of_two_schools_given_together_make_no_row(other_school, make, links):
    given = links(other_school)
    model = make._meta.model
    before = model.objects.count()
    with pytest.raises(ValueError, match="belongs to organization"):
        make(**given)
    assert model.objects.count() == before
