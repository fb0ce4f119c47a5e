"""Reads of attendance: the teacher's month grid and a student's own records with a summary per group.

The grid costs two queries whatever its size (the students, then the records), and builds plain JSON-ready data
in one pass: a year for 40 students is 14,600 cells, too many to push through DRF field objects one by one.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from bekrin.accounts.models import User, name_sort_key
from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.groups.selectors import GROUP_ORDER

STATUSES = tuple(AttendanceStatus.values)
# Excused lessons neither help nor hurt the rate: attended (present or late) over attended plus absent.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    def days(self) -> Iterable[date]:
        for offset in range((self.end - self.start).days + 1):
            yield self.start + timedelta(days=offset)


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """`{present, late, absent, excused}` counts, zeros included."""
    counted = Counter(statuses)
    return {status: counted[status] for status in STATUSES}


def attendance_rate(counts: dict[str, int]) -> float | None:
    """Percentage (one decimal) of attended lessons among attended and absent ones; None when there are none."""
    attended = sum(counts[status] for status in ATTENDED)
    considered = attended + counts[AttendanceStatus.ABSENT]
    return round(100 * attended / considered, 1) if considered else None


def scheduled_dates(days_of_week: Iterable[int], period: DateRange) -> list[date]:
    """The dates in the period whose ISO weekday is one of the group's days: the schedule is the source of truth."""
    weekdays = set(days_of_week)
    return [day for day in period.days() if day.isoweekday() in weekdays]


def _membership_overlaps(period: DateRange) -> Q:
    """A membership that was active on at least one day of the period (dates local to Asia/Baku)."""
    return Q(joined_at__date__lte=period.end) & (Q(left_at__isnull=True) | Q(left_at__date__gte=period.start))


def attendance_grid(
    *,
    group: StudyGroup,
    period: DateRange,
    visible_students: QuerySet[User],
    visible_records: QuerySet[AttendanceRecord],
) -> dict[str, Any]:
    """The month (or range) grid of one group; see docs/API.md#attendance for the shape.

    Rows are the students whose membership overlaps the period or who have a record in it; columns are the
    scheduled dates plus every date that has a record (a make-up lesson, or one before a schedule change).
    """
    records_in_period = visible_records.filter(group=group, lesson_date__range=(period.start, period.end))
    # The candidates come from the group's memberships and records (a few dozen ids) rather than testing every
    # student of the school against them, which a large school pays for row by row.
    members = GroupMembership.objects.filter(_membership_overlaps(period), group=group).values("student_id")
    students = list(
        visible_students.filter(pk__in=members.union(records_in_period.values("student_id")))
        .order_by(name_sort_key(), "id")
        .values_list("id", "full_name")
    )
    shown = {student_id for student_id, _name in students}
    cells: dict[int, dict[str, dict[str, str | None]]] = defaultdict(dict)
    by_date: dict[str, list[str]] = defaultdict(list)
    by_student: dict[int, list[str]] = defaultdict(list)
    record_dates: set[date] = set()
    for student_id, lesson_date, status, note in records_in_period.values_list(
        "student_id", "lesson_date", "status", "note"
    ):
        if student_id not in shown:
            continue
        day = lesson_date.isoformat()
        cells[student_id][day] = {"status": status, "note": note}
        by_date[day].append(status)
        by_student[student_id].append(status)
        record_dates.add(lesson_date)
    dates = [day.isoformat() for day in sorted(set(scheduled_dates(group.days_of_week, period)) | record_dates)]
    return {
        "group": {
            "id": group.pk,
            "display_name": group.display_name,
            "days_of_week": group.days_of_week,
            "start_time": group.start_time.strftime("%H:%M") if group.start_time else None,
        },
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "dates": dates,
        "students": [
            {
                "id": student_id,
                "full_name": full_name,
                "records": dict(sorted(cells[student_id].items())),
                "summary": status_counts(by_student[student_id]),
            }
            for student_id, full_name in students
        ],
        "totals": {day: status_counts(by_date[day]) for day in dates},
    }


def student_attendance(
    *,
    student: User,
    period: DateRange,
    visible_records: QuerySet[AttendanceRecord],
    visible_groups: QuerySet[StudyGroup],
    group: StudyGroup | None = None,
) -> dict[str, Any]:
    """A student's own records in the period and, per group they were in (or have records in), the counts and
    the attendance rate; only one group's when `group` is given. Two queries."""
    if group is not None:
        visible_records = visible_records.filter(group=group)
        visible_groups = visible_groups.filter(pk=group.pk)
    records = list(
        visible_records.filter(student=student, lesson_date__range=(period.start, period.end))
        .order_by("lesson_date", "group_id")
        .values_list("group_id", "lesson_date", "status", "note")
    )
    with_records = {group_id for group_id, *_rest in records}
    groups = visible_groups.filter(
        Q(pk__in=with_records)
        | Exists(GroupMembership.objects.filter(_membership_overlaps(period), group=OuterRef("pk"), student=student))
    ).order_by(*GROUP_ORDER)
    statuses: dict[int, list[str]] = defaultdict(list)
    for group_id, _day, status, _note in records:
        statuses[group_id].append(status)
    summaries = []
    shown = set()
    for group in groups:
        shown.add(group.pk)
        counts = status_counts(statuses[group.pk])
        summaries.append(
            {
                "group": {"id": group.pk, "display_name": group.display_name},
                "summary": counts,
                "attendance_rate": attendance_rate(counts),
            }
        )
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "records": [
            {"group_id": group_id, "lesson_date": day.isoformat(), "status": status, "note": note}
            for group_id, day, status, note in records
            if group_id in shown
        ],
        "groups": summaries,
    }
