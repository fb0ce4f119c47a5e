"""Attendance: the teacher's grid and cell updates, and a student's own attendance."""

import calendar
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.people import students_visible_to
from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.attendance.permissions import attendance_records_visible_to
from bekrin.attendance.selectors import DateRange, attendance_grid, student_attendance
from bekrin.attendance.services import MAX_CELLS, CellInput, attendance_mark
from bekrin.core.api_base import MAX_ID, ApiView, DateRangeQuery, ScopedIdField, flat_errors, query_params, validated
from bekrin.core.openapi import body_as_given
from bekrin.core.roles import STAFF, STUDENTS
from bekrin.core.serializers import BoundedDateField, GroupRefOut
from bekrin.groups.permissions import groups_visible_to

MAX_DAYS = 366


def _month_range(month: str) -> DateRange:
    year, number = (int(part) for part in month.split("-"))
    # monthrange, not "first of the next month minus a day": December 9999 has no next month.
    return DateRange(date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1]))


class AttendancePeriodIn(DateRangeQuery):
    """`month=YYYY-MM`, or `from` and `to` (dates, at most 366 days); validates to `period`."""

    month = serializers.RegexField(
        r"^[1-9]\d{3}-(0[1-9]|1[0-2])$",  # year 0 does not exist in the calendar
        required=False,
        help_text="YYYY-MM",
        error_messages={"invalid": gettext_lazy("A month is written YYYY-MM.")},
    )
    period_required = True

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        month, start, end = attrs.pop("month", None), attrs.pop("from", None), attrs.pop("to", None)
        if month is not None and (start is not None or end is not None):
            raise serializers.ValidationError({"month": [_("Give either a month or from and to, not both.")]})
        if month is not None:
            return {**attrs, "period": _month_range(month)}
        if start is None and end is None and not self.period_required:
            return {**attrs, "period": _month_range(timezone.localdate().strftime("%Y-%m"))}
        if start is None or end is None:
            missing = "to" if start is not None else "from" if end is not None else "month"
            raise serializers.ValidationError({missing: [_("Give a month, or both from and to.")]})
        if start > end:
            raise serializers.ValidationError({"to": [_("The end date is before the start date.")]})
        if (end - start).days + 1 > MAX_DAYS:
            message = _("A range is at most %(days)d days.") % {"days": MAX_DAYS}
            raise serializers.ValidationError({"to": [message]})
        return {**attrs, "period": DateRange(start, end)}


class AttendanceGridQueryIn(AttendancePeriodIn):
    group_id = ScopedIdField(visible=groups_visible_to, source="group", help_text="Also groupId")


class StudentAttendanceQueryIn(AttendancePeriodIn):
    group_id = ScopedIdField(visible=groups_visible_to, source="group", required=False, help_text="Also groupId")
    period_required = False


QUERY_NAMES = ("group_id", "month", "from", "to")


class AttendanceCountsOut(serializers.Serializer):
    present = serializers.IntegerField()
    late = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()


class AttendanceCellOut(serializers.Serializer):
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    note = serializers.CharField(allow_null=True)


class AttendanceGridGroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    days_of_week = serializers.ListField(child=serializers.IntegerField())
    start_time = serializers.CharField(allow_null=True, help_text="HH:MM")


class AttendanceGridStudentOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    records = serializers.DictField(
        child=AttendanceCellOut(), help_text="By lesson date (YYYY-MM-DD); unmarked dates absent"
    )
    summary = AttendanceCountsOut()


class _AttendanceRangeOut(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class AttendanceGridOut(_AttendanceRangeOut):
    group = AttendanceGridGroupOut()
    dates = serializers.ListField(
        child=serializers.DateField(), help_text="Scheduled lesson dates in the range plus every date with a record"
    )
    students = AttendanceGridStudentOut(
        many=True, help_text="Members during the range, or with a record in it; alphabetical"
    )
    totals = serializers.DictField(child=AttendanceCountsOut(), help_text="Per date of `dates`")


class AttendanceCellIn(serializers.Serializer):
    group_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    student_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    lesson_date = BoundedDateField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices, allow_null=True, help_text="null clears")
    note = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=2000, help_text="Omitted: the stored note stays"
    )


class AttendanceCellsIn(serializers.Serializer):
    items: serializers.ListSerializer = serializers.ListSerializer(
        child=AttendanceCellIn(), allow_empty=False, max_length=MAX_CELLS
    )


class AttendanceStoredCellOut(serializers.Serializer):
    group_id = serializers.IntegerField()
    student_id = serializers.IntegerField()
    lesson_date = serializers.DateField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices, allow_null=True, help_text="null: cleared")
    note = serializers.CharField(allow_null=True)
    marked_by_id = serializers.IntegerField(allow_null=True)
    marked_at = serializers.DateTimeField(allow_null=True)


class AttendanceStoredCellsOut(serializers.Serializer):
    items = AttendanceStoredCellOut(many=True)


class StudentAttendanceRecordOut(serializers.Serializer):
    group_id = serializers.IntegerField()
    lesson_date = serializers.DateField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    note = serializers.CharField(allow_null=True)


class StudentAttendanceGroupOut(serializers.Serializer):
    group = GroupRefOut()
    summary = AttendanceCountsOut()
    attendance_rate = serializers.FloatField(
        allow_null=True, help_text="% of present+late among present+late+absent (excused left out); null: none"
    )


class StudentAttendanceOut(_AttendanceRangeOut):
    records = StudentAttendanceRecordOut(many=True)
    groups = StudentAttendanceGroupOut(many=True)


CELLS_REQUEST = PolymorphicProxySerializer(
    component_name="AttendanceCellsRequest",
    serializers=[AttendanceCellIn, AttendanceCellsIn],
    resource_type_field_name=None,
)


def _cells(request: Request) -> list[CellInput]:
    body = request.data
    many = isinstance(body, dict) and "items" in body
    serializer = AttendanceCellsIn(data=body) if many else AttendanceCellIn(data=body)
    if not serializer.is_valid():
        raise serializers.ValidationError(flat_errors(serializer.errors))
    items = serializer.validated_data["items"] if many else [serializer.validated_data]
    return [
        CellInput(
            group_id=item["group_id"],
            student_id=item["student_id"],
            lesson_date=item["lesson_date"],
            status=item["status"],
            note=item.get("note") or None,
            note_given="note" in item,
            ref=f"items[{index}]" if many else "",
        )
        for index, item in enumerate(items)
    ]


class TeacherAttendanceView(ApiView):
    """The attendance grid of a group for a month or a range; save one cell or up to 1,000 at once."""

    allowed_roles = STAFF

    def visible(self, user: Any) -> QuerySet[AttendanceRecord]:
        return attendance_records_visible_to(user)

    @extend_schema(
        tags=["teacher: attendance"],
        parameters=[AttendanceGridQueryIn],
        responses={200: AttendanceGridOut},
        summary="The grid: dates × students with each cell, a summary per student and totals per date",
    )
    def get(self, request: Request) -> Response:
        query = validated(self, AttendanceGridQueryIn, query_params(request, QUERY_NAMES))
        return Response(
            attendance_grid(
                group=query["group"],
                period=query["period"],
                visible_students=students_visible_to(self.actor),
                visible_records=self.get_queryset(),
            )
        )

    @extend_schema(
        tags=["teacher: attendance"],
        request=CELLS_REQUEST,
        responses={200: AttendanceStoredCellsOut},
        summary="Save cells (one, or `items` up to 1,000): all or nothing; status null clears a cell",
    )
    @body_as_given
    def patch(self, request: Request) -> Response:
        stored = attendance_mark(actor=self.actor, cells=_cells(request))
        return Response(AttendanceStoredCellsOut({"items": stored}).data)

    @extend_schema(
        tags=["teacher: attendance"],
        request=CELLS_REQUEST,
        responses={200: AttendanceStoredCellsOut},
        summary="Same as PATCH",
    )
    def put(self, request: Request) -> Response:
        return self.patch(request)


class StudentAttendanceView(ApiView):
    """The student's own attendance in a month or range (default: this month), with a summary per group."""

    allowed_roles = STUDENTS

    def visible(self, user: Any) -> QuerySet[AttendanceRecord]:
        return attendance_records_visible_to(user)

    @extend_schema(
        tags=["student: attendance"],
        parameters=[StudentAttendanceQueryIn],
        responses={200: StudentAttendanceOut},
        summary="Own attendance records and, per group, the counts and the attendance rate",
    )
    def get(self, request: Request) -> Response:
        query = validated(self, StudentAttendanceQueryIn, query_params(request, QUERY_NAMES))
        return Response(
            student_attendance(
                student=self.actor,
                period=query["period"],
                visible_records=self.get_queryset(),
                visible_groups=groups_visible_to(self.actor),
                group=query.get("group"),
            )
        )
