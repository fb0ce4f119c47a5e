"""The teacher's (and the office's) pages: the home and the attendance grid.

Each page reads through the apps' selectors from the caller's visible rows and writes through their services, as
the API does (bekrin/attendance/api.py answers the same grid as JSON)."""

import json
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.assessments.permissions import tests_visible_to
from bekrin.assessments.selectors import tests_waiting_for_marks
from bekrin.attendance.api import AttendanceCellIn, AttendanceGridQueryIn, AttendancePeriodIn
from bekrin.attendance.models import AttendanceStatus
from bekrin.attendance.permissions import attendance_records_visible_to
from bekrin.attendance.selectors import ATTENDED, DateRange, attendance_grid, attendance_rate
from bekrin.attendance.services import CellInput, attendance_mark
from bekrin.coding.permissions import submissions_visible_to
from bekrin.coding.selectors import submission_list
from bekrin.core.api_base import flat_errors
from bekrin.core.errors import DomainError, ErrorCode, error_body
from bekrin.core.roles import STAFF
from bekrin.groups.models import StudyGroup
from bekrin.groups.permissions import groups_visible_to
from bekrin.groups.selectors import group_rows
from bekrin.students.selectors import students_in_debt
from bekrin.web.access import for_roles
from bekrin.web.forms import checked_input

HOME_ROWS = 10


@for_roles(STAFF)
@require_GET
def teacher_home(request: HttpRequest) -> HttpResponse:
    """Today's lessons from the groups' weekly schedules, the students in debt, the latest submissions and the
    tests waiting for written marks."""
    user: User = request.user  # type: ignore[assignment]  # for_roles let only a staff user in
    today = timezone.localdate()
    lessons = group_rows(groups_visible_to(user)).filter(days_of_week__contains=[today.isoweekday()])
    context = {
        "today": today,
        "lessons": sorted(lessons, key=lambda group: (group.start_time is None, group.start_time or 0)),
        "in_debt": students_in_debt(students_visible_to(user), limit=HOME_ROWS),
        "submissions": list(submission_list(submissions_visible_to(user))[:HOME_ROWS]),
        "to_mark": tests_waiting_for_marks(tests_visible_to(user), limit=HOME_ROWS),
        "month": today.strftime("%Y-%m"),
    }
    return render(request, "web/teacher/home.html", context)


# The mark a cell shows for each status, and the key that sets it (the first letter of the Azerbaijani word; the
# digits 1-4 and Delete work in every language). Shown in the legend, so a teacher need not remember them.
STATUS_MARKS = {
    AttendanceStatus.PRESENT: ("+", "i"),
    AttendanceStatus.LATE: ("G", "g"),
    AttendanceStatus.ABSENT: ("−", "q"),
    AttendanceStatus.EXCUSED: ("Ü", "ü"),
}


def _counts(summary: dict[str, int]) -> dict[str, Any]:
    attended = sum(summary[status] for status in ATTENDED)
    rate = attendance_rate(summary)
    return {
        "attended": attended,
        "marked": sum(summary.values()),
        "rate": "—" if rate is None else f"{number_format(rate, 1)}%",
    }


def _grid_view(grid: dict[str, Any]) -> dict[str, Any]:
    """The selector's grid as the page shows it: each date's labels and totals, each cell's status, mark and
    accessible name ("çərşənbə, 3 dekabr, Aysel Məmmədova: Gecikib"), each row's totals."""
    labels = dict(AttendanceStatus.choices)
    unmarked = _("Not marked")
    dates = []
    for iso in grid["dates"]:
        lesson_day = date.fromisoformat(iso)
        long = date_format(lesson_day, "l, j F")
        dates.append(
            {"iso": iso, "label": date_format(lesson_day, "j M"), "long": long, "totals": _counts(grid["totals"][iso])}
        )
    rows = []
    for student in grid["students"]:
        cells = []
        for day in dates:
            status = (student["records"].get(day["iso"]) or {}).get("status")
            label = str(labels[status]) if status else unmarked
            cells.append(
                {
                    "iso": day["iso"],
                    "status": status,
                    "mark": STATUS_MARKS[status][0] if status else "",
                    "label": f"{day['long']}, {student['full_name']}: {label}",
                }
            )
        rows.append(
            {
                "id": student["id"],
                "full_name": student["full_name"],
                "cells": cells,
                "totals": _counts(student["summary"]),
            }
        )
    return {"dates": dates, "rows": rows}


def _grid_of(user: User, group: StudyGroup, period: DateRange) -> dict[str, Any]:
    return attendance_grid(
        group=group,
        period=period,
        visible_students=students_visible_to(user),
        visible_records=attendance_records_visible_to(user),
    )


@for_roles(STAFF)
@require_GET
def attendance_page(request: HttpRequest) -> HttpResponse:
    """The month grid (or a range) of one group: students × lesson dates from the schedule."""
    user: User = request.user  # type: ignore[assignment]
    groups = list(group_rows(groups_visible_to(user)))
    query = {name: request.GET[name] for name in ("group_id", "month", "from", "to") if request.GET.get(name)}
    if "month" not in query and "from" not in query and "to" not in query:
        query["month"] = timezone.localdate().strftime("%Y-%m")
    context: dict[str, Any] = {"groups": groups, "query": query, "marks": _marks(), "errors": {}}
    if "group_id" in query:
        data, context["errors"] = checked_input(AttendanceGridQueryIn, query, request)
        if data:
            group, period = data["group"], data["period"]
            context.update(
                group=group, period=period, grid=_grid_view(_grid_of(user, group, period)), today=timezone.localdate()
            )
    return render(request, "web/teacher/attendance.html", context, status=400 if context["errors"] else 200)


def _marks() -> list[dict[str, str]]:
    labels = dict(AttendanceStatus.choices)
    return [
        {"status": status, "label": str(labels[status]), "mark": mark, "key": key, "digit": str(index)}
        for index, (status, (mark, key)) in enumerate(STATUS_MARKS.items(), start=1)
    ]


class _SaveIn(AttendancePeriodIn):
    """The web grid's save: one group, the grid's period (to answer its totals), and the cells."""

    group_id = serializers.IntegerField(min_value=1)
    items = AttendanceCellIn(many=True, allow_empty=False)


@for_roles(STAFF)
@require_POST
def attendance_save(request: HttpRequest) -> JsonResponse:
    """Saves cells with the intended status (never a toggle: a repeated request changes nothing) and answers the
    grid's cells and totals as stored, other teachers' saves included."""
    user: User = request.user  # type: ignore[assignment]
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse(error_body(ErrorCode.INVALID, _("The body is not a JSON object.")), status=400)
    items = body.get("items")
    if isinstance(items, list):
        body["items"] = [
            {**item, "group_id": body.get("group_id")} if isinstance(item, dict) else item for item in items
        ]
    checked = _SaveIn(data=body)
    if not checked.is_valid():
        fields = flat_errors(checked.errors)
        return JsonResponse(error_body(ErrorCode.INVALID, _("Some cells are not valid."), fields), status=400)
    data = checked.validated_data
    cells = [
        CellInput(
            group_id=data["group_id"],
            student_id=item["student_id"],
            lesson_date=item["lesson_date"],
            status=item["status"],
            ref=f"items[{index}]",
        )
        for index, item in enumerate(data["items"])
    ]
    try:
        attendance_mark(actor=user, cells=cells)
    except DomainError as error:
        return JsonResponse(error_body(error.code, error.message, error.fields), status=error.status_code)
    group = groups_visible_to(user).get(pk=data["group_id"])
    grid = _grid_view(_grid_of(user, group, data["period"]))
    return JsonResponse(
        {
            "cells": {
                row["id"]: {cell["iso"]: [cell["status"], cell["mark"], cell["label"]] for cell in row["cells"]}
                for row in grid["rows"]
            },
            "rows": {row["id"]: row["totals"] for row in grid["rows"]},
            "columns": {day["iso"]: day["totals"] for day in grid["dates"]},
            "message": _("Saved."),
        }
    )
