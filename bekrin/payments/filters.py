"""The queries of the payments lists (bekrin/core/filters.py says what every list takes)."""

from collections.abc import Sequence
from functools import partial
from typing import ClassVar

from django.db.models import F
from django_filters import rest_framework as filters

from bekrin.accounts.people import students_visible_to
from bekrin.core.filters import (
    BooleanOption,
    DeletedFilter,
    ListFilterSet,
    ListOrdering,
    ScopedIdFilter,
    add_date_range,
)
from bekrin.groups.permissions import groups_visible_to
from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus

PAYMENT_ORDERING = {
    "payment_date": F("payment_date"),
    "amount": F("amount"),
    "receipt_no": F("receipt_no"),
    "created_at": F("created_at"),
}
NEWEST_FIRST = "Default: newest payment_date first."


class OwnPaymentFilters(ListFilterSet):
    """A student's own payments (for the student and for their parent)."""

    search_fields: ClassVar[Sequence[str]] = ("title", "receipt_no", "note")

    status = filters.ChoiceFilter(choices=PaymentStatus.choices)
    method = filters.ChoiceFilter(choices=PaymentMethod.choices)
    ordering = ListOrdering(PAYMENT_ORDERING, default=NEWEST_FIRST)

    class Meta:
        model = Payment
        fields: list[str] = []


add_date_range(OwnPaymentFilters, "payment_date", "payment_date")


class PaymentFilters(OwnPaymentFilters):
    """The staff list: every payment of the school; deleted groups and students still have payments to look up."""

    search_fields = ("student__full_name", "title", "receipt_no", "note")

    group_id = ScopedIdFilter(
        visible=partial(groups_visible_to, include_deleted=True), help_text="Payments of this group (also `groupId`)."
    )
    student_id = ScopedIdFilter(
        visible=partial(students_visible_to, include_deleted=True),
        help_text="Payments of this student (also `studentId`).",
    )
    deleted = DeletedFilter()
    totals = BooleanOption(help_text="true: the answer adds `totals` over the whole filter (one more aggregate).")
    ordering = ListOrdering({**PAYMENT_ORDERING, "student": F("student__full_name")}, default=NEWEST_FIRST)

    class Meta(OwnPaymentFilters.Meta):
        pass
