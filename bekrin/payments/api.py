"""Payments over HTTP: the staff list with totals, create, change, soft delete and restore; a student's own list."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.core.api_base import ApiView, ScopedIdField, validated
from bekrin.core.filters import ListView
from bekrin.core.roles import STAFF, STUDENTS
from bekrin.core.serializers import BoundedDateField, GroupRefOut, PersonRefOut
from bekrin.groups.permissions import groups_visible_to
from bekrin.payments.filters import OwnPaymentFilters, PaymentFilters
from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus
from bekrin.payments.permissions import payments_visible_to
from bekrin.payments.selectors import payment_rows, payment_totals, student_balance
from bekrin.payments.services import payment_create, payment_delete, payment_restore, payment_update


def money_field(**options: Any) -> serializers.DecimalField:
    """An amount in AZN: numeric(12,2), sent as a decimal string ("120.00")."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, **options)


def total_field(**options: Any) -> serializers.DecimalField:
    # Totals over a whole school can pass the 12 digits of one amount.
    return serializers.DecimalField(max_digits=16, decimal_places=2, **options)


class PaymentOut(serializers.ModelSerializer):
    student = PersonRefOut()
    group = GroupRefOut(allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "student_id",
            "student",
            "group_id",
            "group",
            "payment_date",
            "title",
            "amount",
            "method",
            "status",
            "note",
            "receipt_no",
            "created_by_id",
            "created_at",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = fields


class PaymentTotalsOut(serializers.Serializer):
    """`{paid, unpaid, partial, cancelled}`: one amount per status (declared here, as `partial` names a serializer
    attribute)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {status: total_field() for status in PaymentStatus.values}


def payments_page(view: ListView, rows: QuerySet[Payment], **extra: Any) -> Response:
    """One page of payments plus the extra top-level keys (`page_extras`: totals, balance) of the endpoint."""
    page = view.paginate_queryset(rows)
    response = view.get_paginated_response(PaymentOut(page, many=True).data)
    response.data.update(extra)
    return response


BALANCE = {"balance": money_field(help_text="Sum of paid and partial payments that are not deleted.")}


def student_payments_response(view: ListView, visible: QuerySet[Payment], student_id: int) -> Response:
    """A student's payments (among those the caller may see, narrowed by the view's filters) and balance: for the
    student and for their parent."""
    rows = view.filter_list(payment_rows(visible.filter(student_id=student_id)))
    balance = money_field().to_representation(student_balance(student_id))
    return payments_page(view, rows, balance=balance)


class PaymentCreateIn(serializers.Serializer):
    student_id = ScopedIdField(
        visible=students_visible_to, source="student", help_text="A student of the school; others are a 404."
    )
    group_id = ScopedIdField(visible=groups_visible_to, source="group", required=False, allow_null=True)
    payment_date = BoundedDateField()
    title = serializers.CharField(max_length=200, required=False, allow_null=True, allow_blank=True)
    amount = money_field(min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    receipt_no = serializers.CharField(
        max_length=40, required=False, allow_null=True, help_text="Generated (`2026-000001`) when absent."
    )


class PaymentUpdateIn(serializers.Serializer):
    payment_date = BoundedDateField(required=False)
    title = serializers.CharField(max_length=200, required=False, allow_null=True, allow_blank=True)
    amount = money_field(min_value=Decimal("0.01"), required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True)


PAYMENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class PaymentListView(ListView, ApiView):
    """Payments of the caller's school, filtered, with totals per status over the whole filter when asked
    (`?totals=true`: an aggregate over every row of the filter, which a page alone does not need); or record one."""

    allowed_roles = STAFF
    filterset_class = PaymentFilters
    page_extras = {
        "totals": PaymentTotalsOut(
            required=False,
            help_text="With `?totals=true` only: sum of amount per status over every row of the filter, not just "
            "the page.",
        )
    }

    def visible(self, user: User) -> QuerySet[Payment]:
        return payments_visible_to(user)  # PaymentFilters chooses deleted or not

    @extend_schema(
        operation_id="teacher_payments_list", responses={200: PaymentOut(many=True)}, summary="List payments"
    )
    def get(self, request: Request) -> Response:
        rows = self.filter_list(payment_rows(self.get_queryset()))
        if not self.list_query.get("totals"):
            return payments_page(self, rows)
        return payments_page(self, rows, totals=PaymentTotalsOut(payment_totals(rows)).data)

    @extend_schema(
        request=PaymentCreateIn,
        responses={201: PaymentOut, 409: OpenApiResponse(description="The given receipt number is already used")},
        summary="Record a payment; the balance is updated in the same transaction",
        description="`409` with code `duplicate_receipt_no` when the given receipt number is already used.",
    )
    def post(self, request: Request) -> Response:
        payment = payment_create(actor=self.actor, **validated(self, PaymentCreateIn))
        return Response(PaymentOut(payment).data, status=status.HTTP_201_CREATED)


class PaymentDetailView(ApiView):
    """One payment that is not deleted: read, change (the balance follows) or soft delete."""

    allowed_roles = STAFF

    def visible(self, user: User) -> QuerySet[Payment]:
        return payment_rows(payments_visible_to(user).filter(deleted_at__isnull=True))

    @extend_schema(parameters=[PAYMENT_ID], responses={200: PaymentOut}, summary="A payment")
    def get(self, request: Request, pk: int) -> Response:
        return Response(PaymentOut(self.get_object()).data)

    @extend_schema(
        parameters=[PAYMENT_ID],
        request=PaymentUpdateIn,
        responses={200: PaymentOut},
        summary="Change status, amount, method, title, note or payment_date; the balance follows",
    )
    def patch(self, request: Request, pk: int) -> Response:
        payment = self.get_object()
        payment = payment_update(payment=payment, changes=validated(self, PaymentUpdateIn))
        return Response(PaymentOut(self.get_queryset().get(pk=payment.pk)).data)

    @extend_schema(parameters=[PAYMENT_ID], responses={204: None}, summary="Soft delete; the balance follows")
    def delete(self, request: Request, pk: int) -> Response:
        payment_delete(payment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PaymentRestoreView(ApiView):
    """Undo the soft delete of a payment; the balance counts it again."""

    allowed_roles = STAFF

    def visible(self, user: User) -> QuerySet[Payment]:
        return payment_rows(payments_visible_to(user).filter(deleted_at__isnull=False))

    @extend_schema(parameters=[PAYMENT_ID], request=None, responses={200: PaymentOut}, summary="Restore a payment")
    def post(self, request: Request, pk: int) -> Response:
        payment = payment_restore(payment=self.get_object())
        return Response(PaymentOut(payment).data)


class StudentPaymentListView(ListView, ApiView):
    """The logged-in student's own payments, newest first, and their balance."""

    allowed_roles = STUDENTS
    filterset_class = OwnPaymentFilters
    page_extras = BALANCE

    def visible(self, user: User) -> QuerySet[Payment]:
        return payments_visible_to(user)

    @extend_schema(
        operation_id="student_payments_list",
        responses={200: PaymentOut(many=True)},
        summary="Own payments and balance",
    )
    def get(self, request: Request) -> Response:
        return student_payments_response(self, self.get_queryset(), self.actor.pk)
