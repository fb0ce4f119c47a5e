"""Every write to payments; the balance rule of docs/DECISIONS.md, decision 9, is kept here and nowhere else.

Locks are always taken in one order, so two writers can never wait on each other in a cycle:
1. the student's profile row (`SELECT … FOR UPDATE`): every payment write for one student queues here, so the
   balance recomputed at the end of one write already sees the rows of the write before it;
2. the receipt sequence of (organization, year), a transaction-scoped advisory lock, only when a number is generated;
3. the payment row itself, for updates and deletes.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Max, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.core.errors import Conflict, DomainError, ErrorCode
from bekrin.core.models import apply_changes, restore, soft_delete
from bekrin.groups.models import StudyGroup
from bekrin.payments.models import BALANCE_STATUSES, Payment, PaymentMethod, PaymentStatus
from bekrin.students.models import StudentProfile

# A generated number is retried when a concurrent writer took it between our max() and our insert.
_RECEIPT_ATTEMPTS = 5
# Generated numbers are `<prefix>` + exactly this many digits, and only numbers of that shape move the sequence.
# A school would need a million receipts in one year to outgrow it (its next creates then answer 409 receipt_busy).
_SEQUENCE_DIGITS = 6
# The generated shape of any school and year (`2026-000123`, `7-2026-000123`) is the generator's alone: a client
# that typed `2026-999999` would end the year's sequence for everyone, so such numbers are refused.
_GENERATED_SHAPE = re.compile(rf"(?:[0-9]+-)?[0-9]{{4}}-[0-9]{{{_SEQUENCE_DIGITS}}}")


class PaymentChanges(TypedDict, total=False):
    """The fields a PATCH may change; a key that is absent stays as it is."""

    payment_date: date
    title: str | None
    amount: Decimal
    method: str
    status: str
    note: str | None


# The balance column is numeric(12,2) like each amount, so a few large payments can sum past what it holds.
MAX_BALANCE = Decimal("9999999999.99")


def student_balance_recompute(*, student_id: int) -> Decimal:
    """Set the student's balance to the sum of their counted payments; call inside the writing transaction.

    A sum the balance column cannot hold is refused (400 on `amount`): the write that caused it rolls back.
    """
    with transaction.atomic():
        profile = StudentProfile.all_objects.select_for_update().get(pk=student_id)
        total = Payment.objects.filter(student_id=student_id, status__in=BALANCE_STATUSES).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0.00")
        if total > MAX_BALANCE:
            problem = _("The student's balance would exceed %(max)s.") % {"max": MAX_BALANCE}
            raise DomainError(problem, code=ErrorCode.BALANCE_TOO_LARGE, fields={"amount": [problem]})
        if profile.balance != total:
            profile.balance = total
            profile.save(update_fields=["balance", "updated_at"])
        return total


def receipt_prefix(*, organization_id: int | None, year: int) -> str:
    """`2026-` for the default school; another organization's numbers carry its id (`7-2026-`), because the
    column is unique across all schools while each school counts from 1 (docs/DECISIONS.md, decision 10)."""
    return f"{year}-" if organization_id is None else f"{organization_id}-{year}-"


def receipt_next(*, organization_id: int | None, year: int) -> str:
    """The next free number of (organization, year); call inside a transaction, which then holds the sequence.

    The advisory lock serializes generators of one sequence until they commit, so max()+1 is never handed out
    twice. Numbers taken by rolled-back transactions are simply skipped over: gaps are allowed, duplicates not.
    Only numbers of the generated shape count, and clients may not type that shape, so no hand-typed number (however
    long) moves the sequence.
    """
    prefix = receipt_prefix(organization_id=organization_id, year=year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"payment.receipt_no:{prefix}"])
    pattern = rf"^{re.escape(prefix)}[0-9]{{{_SEQUENCE_DIGITS}}}$"
    last = (
        Payment.all_objects.filter(receipt_no__regex=pattern)
        .annotate(sequence=Cast(Substr("receipt_no", len(prefix) + 1), BigIntegerField()))
        .aggregate(last=Max("sequence"))["last"]
    )
    return f"{prefix}{(last or 0) + 1:0{_SEQUENCE_DIGITS}d}"


def _lock_student(student_id: int) -> StudentProfile:
    # Ordered by pk, not the model's default (the user's name), so only the profile row is locked.
    profile = StudentProfile.all_objects.select_for_update().filter(pk=student_id).order_by("pk").first()
    if profile is None:
        raise DomainError(_("This user is not a student."), fields={"student_id": [_("Not a student.")]})
    return profile


def _check_amount(amount: Decimal) -> None:
    if amount <= 0:
        raise DomainError(_("The amount must be greater than zero."), fields={"amount": [_("Must be > 0.")]})


def _receipt_taken(receipt_no: str) -> Conflict:
    return Conflict(
        _("Receipt number %(number)s is already used.") % {"number": receipt_no},
        code=ErrorCode.DUPLICATE_RECEIPT_NO,
        fields={"receipt_no": [_("Already used.")]},
    )


def _check_given_receipt_no(receipt_no: str) -> None:
    if _GENERATED_SHAPE.fullmatch(receipt_no):
        problem = _("Numbers like 2026-000123 are given automatically: leave the field empty or use another form.")
        raise DomainError(problem, code=ErrorCode.RECEIPT_NO_RESERVED, fields={"receipt_no": [problem]})


def _insert(payment: Payment) -> bool:
    """Insert in a savepoint; False when the receipt number turned out to be taken by a concurrent writer."""
    try:
        with transaction.atomic():
            payment.save(force_insert=True)
    except IntegrityError:
        # After the savepoint rolls back, a committed row with this number is the only cause we can act on.
        if Payment.all_objects.filter(receipt_no=payment.receipt_no).exists():
            return False
        raise
    return True


def payment_create(
    *,
    actor: User,
    student: User,
    payment_date: date,
    amount: Decimal,
    method: str,
    status: str,
    group: StudyGroup | None = None,
    title: str | None = None,
    note: str | None = None,
    receipt_no: str | None = None,
) -> Payment:
    """Record a payment and update the student's balance in the same transaction.

    A receipt number given by the client must be unused (else Conflict, 409) and not of the generated shape (400);
    without one, the next number of the organization's sequence for the current year is generated.
    """
    _check_amount(amount)
    if method not in PaymentMethod.values or status not in PaymentStatus.values:
        raise DomainError(_("Unknown payment method or status."))
    if group is not None and group.organization_id != student.organization_id:
        raise DomainError(_("The group belongs to another school."), fields={"group_id": [_("Not found.")]})
    given = (receipt_no or "").strip() or None
    if given is not None:
        _check_given_receipt_no(given)
    with transaction.atomic():
        _lock_student(student.pk)
        payment = Payment(
            organization_id=student.organization_id,
            student=student,
            group=group,
            payment_date=payment_date,
            title=title or None,
            amount=amount,
            method=method,
            status=status,
            note=note or None,
            created_by=actor,
        )
        if given is not None:
            if Payment.all_objects.filter(receipt_no=given).exists():
                raise _receipt_taken(given)
            payment.receipt_no = given
            if not _insert(payment):
                raise _receipt_taken(given)
        else:
            year = timezone.localdate().year
            for _attempt in range(_RECEIPT_ATTEMPTS):
                payment.receipt_no = receipt_next(organization_id=student.organization_id, year=year)
                if _insert(payment):
                    break
            else:
                raise Conflict(_("Could not allocate a receipt number; try again."), code=ErrorCode.RECEIPT_BUSY)
        student_balance_recompute(student_id=student.pk)
    return payment


def _lock_payment(payment: Payment) -> Callable[[int], Payment]:
    """The payment's row lock, taken after its student's (the fixed order of the module's docstring)."""

    def lock(pk: int) -> Payment:
        _lock_student(payment.student_id)
        return Payment.all_objects.select_for_update().get(pk=pk)

    return lock


def _balance_follows(payment: Payment, _at: datetime) -> None:
    student_balance_recompute(student_id=payment.student_id)


def payment_update(*, payment: Payment, changes: PaymentChanges) -> Payment:
    """Change the editable fields of a payment that is not deleted; the balance follows."""
    if "amount" in changes:
        _check_amount(changes["amount"])
    values: dict[str, Any] = dict(changes)
    for optional_text in ("title", "note"):  # an empty text is no text
        if optional_text in values:
            values[optional_text] = values[optional_text] or None
    with transaction.atomic():
        current = _lock_payment(payment)(payment.pk)
        if current.deleted_at is not None:
            raise Conflict(_("A deleted payment cannot be changed."), code=ErrorCode.PAYMENT_DELETED)
        if apply_changes(current, values):
            student_balance_recompute(student_id=current.student_id)
    return current


def payment_delete(*, payment: Payment, reason: str | None = None) -> Payment:
    """Soft delete: the row stays for the "deleted" tab and keeps its receipt number; the balance follows. A
    `reason` is added to the payment's note (dated), in the same transaction, so the deleted tab says why."""
    reason = (reason or "").strip()

    def then(current: Payment, at: datetime) -> None:
        if reason:
            said = _("Deleted on %(date)s: %(reason)s") % {"date": timezone.localtime(at).date().isoformat(),
                                                           "reason": reason}  # fmt: skip
            current.note = f"{current.note}\n{said}" if current.note else said
            Payment.all_objects.filter(pk=current.pk).update(note=current.note)
        _balance_follows(current, at)

    return soft_delete(Payment, payment.pk, lock=_lock_payment(payment), then=then)


def payment_restore(*, payment: Payment) -> Payment:
    """Undo a soft delete; the balance counts the payment again."""
    return restore(Payment, payment.pk, lock=_lock_payment(payment), then=_balance_follows)
