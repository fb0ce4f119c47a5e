"""Reads for the parent dashboard, each a fixed number of queries whatever the number of children and records.

The children page comes from `student_rows` (children with profile and active groups); then one query each for
attendance counts, recent payments, coding progress and recent test results, for all children of the page at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from bekrin.accounts.models import User
from bekrin.assessments.selectors import student_recent_results
from bekrin.attendance.models import AttendanceRecord
from bekrin.attendance.permissions import attendance_records_visible_to
from bekrin.attendance.selectors import STATUSES, DateRange, attendance_rate
from bekrin.coding.models import CodingProgress, ProgressStatus
from bekrin.payments.models import Payment
from bekrin.payments.permissions import payments_visible_to
from bekrin.payments.selectors import recent_payments

RECENT = 5  # payments and test results shown per child on the dashboard


@dataclass(frozen=True)
class ChildSummary:
    child: User  # from `student_rows`: student_profile and active_memberships loaded
    attendance: dict[str, dict[str, Any]]
    recent_payments: list[Payment]
    coding: dict[str, int]
    recent_tests: list[dict[str, Any]]


def dashboard_periods(today: date) -> dict[str, DateRange]:
    """The calendar month so far and the last 30 days, both ending today (Asia/Baku)."""
    return {
        "month": DateRange(today.replace(day=1), today),
        "last_30_days": DateRange(today - timedelta(days=29), today),
    }


def attendance_summaries(
    visible: QuerySet[AttendanceRecord], student_ids: Iterable[int], periods: dict[str, DateRange]
) -> dict[int, dict[str, dict[str, Any]]]:
    """Per student and period: `{from, to, summary: {present, late, absent, excused}, attendance_rate}`, with
    every count of every period from one grouped query."""
    ids = list(student_ids)
    counts = {
        f"{name}_{status}": Count("pk", filter=Q(status=status, lesson_date__range=(period.start, period.end)))
        for name, period in periods.items()
        for status in STATUSES
    }
    earliest = min(period.start for period in periods.values())
    latest = max(period.end for period in periods.values())
    rows: dict[int, dict[str, Any]] = {
        row["student_id"]: dict(row)
        for row in visible.filter(student_id__in=ids, lesson_date__range=(earliest, latest))
        .order_by()
        .values("student_id")
        .annotate(**counts)
    }
    summaries: dict[int, dict[str, dict[str, Any]]] = {}
    for student_id in ids:
        row = rows.get(student_id, {})
        summaries[student_id] = {}
        for name, period in periods.items():
            summary = {status: row.get(f"{name}_{status}", 0) for status in STATUSES}
            summaries[student_id][name] = {
                "from": period.start,
                "to": period.end,
                "summary": summary,
                "attendance_rate": attendance_rate(summary),
            }
    return summaries


def coding_summaries(student_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Solved tasks and the sum of their points per student, from coding_progress; tasks deleted since do not
    count, like everywhere else a deleted task is gone."""
    ids = list(student_ids)
    rows = (
        CodingProgress.objects.filter(
            student_profile_id__in=ids, status=ProgressStatus.SOLVED, exercise__deleted_at__isnull=True
        )
        .order_by()
        .values("student_profile_id")
        .annotate(solved_count=Count("pk"), total_points=Coalesce(Sum("exercise__points"), 0))
        .values_list("student_profile_id", "solved_count", "total_points")
    )
    found = {student_id: {"solved_count": count, "total_points": points} for student_id, count, points in rows}
    return {student_id: found.get(student_id, {"solved_count": 0, "total_points": 0}) for student_id in ids}


def children_dashboard(*, viewer: User, children: list[User], today: date) -> list[ChildSummary]:
    """The dashboard card of each child of the page, as `viewer` (their parent, or a student for themself) may
    see it: four queries for all of them together."""
    ids = [child.pk for child in children]
    attendance = attendance_summaries(attendance_records_visible_to(viewer), ids, dashboard_periods(today))
    payments = recent_payments(payments_visible_to(viewer), ids, limit=RECENT)
    coding = coding_summaries(ids)
    tests = student_recent_results(ids, limit=RECENT)
    return [
        ChildSummary(
            child=child,
            attendance=attendance[child.pk],
            recent_payments=payments[child.pk],
            coding=coding[child.pk],
            recent_tests=tests[child.pk],
        )
        for child in children
    ]
