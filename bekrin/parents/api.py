"""The parent dashboard: the linked children with a summary card each, and each child's attendance, payments and
test results. A child who is not linked to the caller answers 404 exactly like a missing one."""

from django.db.models import F, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User, name_sort_key
from bekrin.accounts.people import students_visible_to
from bekrin.assessments.models import TestResult
from bekrin.assessments.selectors import student_results
from bekrin.attendance.api import QUERY_NAMES, AttendanceCountsOut, StudentAttendanceOut, StudentAttendanceQueryIn
from bekrin.attendance.permissions import attendance_records_visible_to
from bekrin.attendance.selectors import student_attendance
from bekrin.core.api_base import ApiView, query_params, validated
from bekrin.core.filters import ListFilterSet, ListOrdering, ListView
from bekrin.core.roles import PARENTS
from bekrin.groups.permissions import groups_visible_to
from bekrin.parents.selectors import children_dashboard
from bekrin.payments.api import BALANCE, PaymentOut, money_field, student_payments_response
from bekrin.payments.filters import OwnPaymentFilters
from bekrin.payments.permissions import payments_visible_to
from bekrin.students.api import MembershipGroupOut
from bekrin.students.selectors import student_rows


class PeriodAttendanceOut(serializers.Serializer):
    summary = AttendanceCountsOut()
    attendance_rate = serializers.FloatField(
        allow_null=True, help_text="Percent of present or late among present, late and absent; null without any."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class DashboardAttendanceOut(serializers.Serializer):
    month = PeriodAttendanceOut(help_text="The calendar month so far.")
    last_30_days = PeriodAttendanceOut()


class ChildCodingOut(serializers.Serializer):
    solved_count = serializers.IntegerField()
    total_points = serializers.IntegerField()


class ChildTestResultOut(serializers.Serializer):
    test_id = serializers.IntegerField(allow_null=True)
    attempt_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    submitted_at = serializers.DateTimeField(allow_null=True)
    date = serializers.DateField()


class ChildCardOut(serializers.Serializer):
    id = serializers.IntegerField(source="child.pk")
    full_name = serializers.CharField(source="child.full_name")
    grade = serializers.CharField(source="child.student_profile.grade")
    groups = MembershipGroupOut(many=True, source="child.active_memberships")
    balance = money_field(source="child.student_profile.balance")
    attendance = DashboardAttendanceOut()
    recent_payments = PaymentOut(many=True)
    coding = ChildCodingOut()
    recent_tests = ChildTestResultOut(many=True)


class ChildrenFilters(ListFilterSet):
    search_fields = ("full_name",)

    ordering = ListOrdering({"full_name": name_sort_key()}, default="Default: full_name in Azerbaijani order.")

    class Meta:
        model = User
        fields: list[str] = []


class ChildTestFilters(ListFilterSet):
    search_fields = ("test_name",)

    ordering = ListOrdering(
        {"submitted_at": F("attempt__submitted_at"), "date": F("date"), "score": F("score"), "title": F("test_name")},
        default="Default: newest submitted_at first.",
    )

    class Meta:
        model = TestResult
        fields: list[str] = []


class ChildView(ApiView):
    """Base of the per-child endpoints: `get_object()` finds only a child linked to the calling parent."""

    allowed_roles = PARENTS

    def visible(self, user: User) -> QuerySet[User]:
        return students_visible_to(user)


CHILD_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The child's user id.")


class ParentChildrenView(ListView, ChildView):
    """The calling parent's linked children, each with groups, balance, attendance, payments, coding and tests."""

    filterset_class = ChildrenFilters

    @extend_schema(operation_id="parent_children_list", responses={200: ChildCardOut(many=True)}, summary="Children")
    def get(self, request: Request) -> Response:
        children = self.paginate_queryset(self.filter_list(student_rows(self.get_queryset())))
        assert children is not None  # pagination is on for every list (settings.REST_FRAMEWORK)
        cards = children_dashboard(viewer=self.actor, children=children, today=timezone.localdate())
        return self.get_paginated_response(ChildCardOut(cards, many=True).data)


class ParentChildAttendanceView(ChildView):
    """One linked child's attendance records in a month or range, with counts and the rate per group."""

    @extend_schema(
        parameters=[CHILD_ID, StudentAttendanceQueryIn],
        responses={200: StudentAttendanceOut},
        summary="A child's attendance records and, per group, the counts and the attendance rate",
    )
    def get(self, request: Request, pk: int) -> Response:
        child = self.get_object()
        parent = self.actor
        query = validated(self, StudentAttendanceQueryIn, query_params(request, QUERY_NAMES))
        return Response(
            student_attendance(
                student=child,
                period=query["period"],
                visible_records=attendance_records_visible_to(parent),
                visible_groups=groups_visible_to(parent),
                group=query.get("group"),
            )
        )


class ParentChildPaymentsView(ListView, ChildView):
    """One linked child's payments, newest first, and their balance."""

    filterset_class = OwnPaymentFilters
    page_extras = BALANCE

    @extend_schema(parameters=[CHILD_ID], responses={200: PaymentOut(many=True)}, summary="A child's payments")
    def get(self, request: Request, pk: int) -> Response:
        child = self.get_object()
        return student_payments_response(self, payments_visible_to(self.actor), child.pk)


class ParentChildTestsView(ListView, ChildView):
    """One linked child's graded test results, newest first."""

    filterset_class = ChildTestFilters

    @extend_schema(
        parameters=[CHILD_ID], responses={200: ChildTestResultOut(many=True)}, summary="A child's test results"
    )
    def get(self, request: Request, pk: int) -> Response:
        child = self.get_object()
        page = self.paginate_queryset(self.filter_list(student_results([child.pk])))
        assert page is not None  # pagination is on for every list (settings.REST_FRAMEWORK)
        rows = [
            {
                "test_id": result.attempt.test_id if result.attempt else None,
                "attempt_id": result.attempt_id,
                "title": result.test_name,
                "score": result.score,
                "max_score": result.max_score,
                "submitted_at": result.attempt.submitted_at if result.attempt else None,
                "date": result.date,
            }
            for result in page
        ]
        return self.get_paginated_response(ChildTestResultOut(rows, many=True).data)
