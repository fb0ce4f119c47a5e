"""Reads of payments, always starting from the caller's visible rows (bekrin.payments.permissions)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from bekrin.payments.models import Payment, PaymentStatus
from bekrin.students.models import StudentProfile

ZERO = Decimal("0.00")


def payment_rows(visible: QuerySet[Payment]) -> QuerySet[Payment]:
    """Rows with what the payment serializer shows, newest first: one query whatever the page length."""
    return visible.select_related("student", "group").order_by("-payment_date", "-id")


def payment_totals(rows: QuerySet[Payment]) -> dict[str, Decimal]:
    """Sum of amount per status over every row of the filter (not just the page), in one query."""
    sums = dict(rows.order_by().values("status").annotate(total=Sum("amount")).values_list("status", "total"))
    return {status: sums.get(status, ZERO) for status in PaymentStatus.values}


def student_balance(student_id: int) -> Decimal:
    """The stored balance, which every payment write keeps equal to the sum of counted payments (docs/DECISIONS.md,
    decision 9)."""
    balance = StudentProfile.all_objects.filter(pk=student_id).values_list("balance", flat=True).order_by("pk").first()
    return ZERO if balance is None else balance


def recent_payments(visible: QuerySet[Payment], student_ids: Iterable[int], limit: int = 5) -> dict[int, list[Payment]]:
    """Each student's latest `limit` payments in one query (a window function ranks them per student)."""
    ids = list(student_ids)
    ranked = payment_rows(visible.filter(student_id__in=ids, deleted_at__isnull=True)).annotate(
        rank=Window(RowNumber(), partition_by=F("student_id"), order_by=[F("payment_date").desc(), F("id").desc()])
    )
    recent: dict[int, list[Payment]] = {student_id: [] for student_id in ids}
    for payment in ranked.filter(rank__lte=limit):
        recent[payment.student_id].append(payment)
    return recent
