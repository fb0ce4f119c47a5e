"""Assigning a test to a group or a student, in an optional window."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.assessments.models import Test, TestAssignment
from bekrin.core.errors import DomainError
from bekrin.groups.models import GroupMembership, StudyGroup

# A window is bounded to years that are plausible for a lesson: a date like 0001-01-01 in Asia/Baku is before year 1
# in UTC, which PostgreSQL stores (as BC) but Python cannot read back, breaking every later read of the assignment.
FIRST_WINDOW_YEAR = 2000
LAST_WINDOW_YEAR = 2100


def window_years_problem() -> str:
    return _("Must be a moment in the years %(first)s to %(last)s.") % {
        "first": FIRST_WINDOW_YEAR,
        "last": LAST_WINDOW_YEAR,
    }


def _check_window_bound(name: str, moment: datetime | None) -> None:
    if moment is None:
        return
    zone = timezone.get_default_timezone()
    # Compared as aware datetimes: converting an extreme moment to another zone could itself overflow.
    if not datetime(FIRST_WINDOW_YEAR, 1, 1, tzinfo=zone) <= moment < datetime(LAST_WINDOW_YEAR + 1, 1, 1, tzinfo=zone):
        problem = window_years_problem()
        raise DomainError(problem, fields={name: [problem]})


def assignment_create(
    *,
    test: Test,
    group: StudyGroup | None = None,
    student: User | None = None,
    available_from: datetime | None = None,
    available_to: datetime | None = None,
) -> TestAssignment:
    """Assigns the test to a group (its active members at any moment) or to one student, in an optional window."""
    if group is None and student is None:
        problem = _("Give a group_id, a student_id, or both.")
        raise DomainError(problem, fields={"group_id": [problem], "student_id": [problem]})
    _check_window_bound("available_from", available_from)
    _check_window_bound("available_to", available_to)
    if available_from is not None and available_to is not None and available_from >= available_to:
        problem = _("The window must end after it starts.")
        raise DomainError(problem, fields={"available_to": [problem]})
    if (
        group is not None
        and student is not None
        and not GroupMembership.objects.filter(group=group, student=student, is_active=True).exists()
    ):
        problem = _("The student is not an active member of this group.")
        raise DomainError(problem, fields={"student_id": [problem]})
    return TestAssignment.objects.create(
        organization_id=test.organization_id,
        test=test,
        group=group,
        student=student,
        available_from=available_from,
        available_to=available_to,
    )


def assignment_delete(*, assignment: TestAssignment) -> None:
    assignment.delete()
