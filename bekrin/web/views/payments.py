"""The teacher's (and the office's) payment pages: the list filtered by group, student, dates and status with the
totals of the whole filter; recording a payment for a student (found by search), its receipt number generated;
the printable receipt; deleting with a reason, and restoring.

Input is checked by the API's serializers for the same writes (bekrin/payments/api.py), rows are read through the
payments' selectors and written by their services.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bekrin.accounts.people import students_visible_to
from bekrin.core.errors import DomainError
from bekrin.core.roles import STAFF
from bekrin.groups.permissions import groups_visible_to
from bekrin.groups.selectors import group_rows
from bekrin.payments.api import PaymentCreateIn
from bekrin.payments.filters import PaymentFilters
from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus
from bekrin.payments.permissions import payments_visible_to
from bekrin.payments.selectors import payment_rows, payment_totals
from bekrin.payments.services import payment_create, payment_delete, payment_restore
from bekrin.students.filters import StudentFilters
from bekrin.students.selectors import by_name
from bekrin.web.access import for_roles, signed_in_user
from bekrin.web.forms import checked_input, refusal_errors
from bekrin.web.lists import list_page

PAYMENT_FIELDS = ("payment_date", "amount", "method", "status", "title", "note", "group_id")


def _labelled(totals: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(label), totals[status]) for status, label in PaymentStatus.choices]


def _choices() -> dict[str, Any]:
    return {"methods": PaymentMethod.choices, "statuses": PaymentStatus.choices}


@for_roles(STAFF)
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    """Payments of the school as the API's PaymentFilters select them, with each status's total over every row
    of the filter (not only the page)."""
    user = signed_in_user(request)
    page = list_page(request, payment_rows(payments_visible_to(user)), PaymentFilters)
    context = {
        "page": page,
        "totals": None if page.matching is None else _labelled(payment_totals(page.matching)),
        "deleted": page.deleted_tab,
        "groups": list(group_rows(groups_visible_to(user, include_deleted=True))),
        **_choices(),
    }
    return render(request, "web/teacher/payments/list.html", context, status=page.status)


@for_roles(STAFF)
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest) -> HttpResponse:
    """Without `student_id`: find the student. With it: the payment's form; saved, the receipt is shown."""
    user = signed_in_user(request)
    raw_student = request.POST.get("student_id") or request.GET.get("student_id")
    if not raw_student or not raw_student.isdigit():
        candidates = list_page(request, by_name(students_visible_to(user)), StudentFilters)
        return render(request, "web/teacher/payments/pick_student.html", {"candidates": candidates})
    student = get_object_or_404(students_visible_to(user).select_related("student_profile"), pk=int(raw_student))
    values: dict[str, Any] = {"payment_date": timezone.localdate().isoformat(), "method": PaymentMethod.CASH,
                              "status": PaymentStatus.PAID, "group_id": request.GET.get("group_id", "")}  # fmt: skip
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in PAYMENT_FIELDS}
        data, errors = checked_input(
            PaymentCreateIn, {**{k: v for k, v in values.items() if v != ""}, "student_id": student.pk}, request
        )
        if data is not None:
            try:
                payment = payment_create(actor=user, **data)
            except DomainError as error:
                errors = refusal_errors(error)
            else:
                messages.success(request, _("The payment is saved: receipt %(receipt)s.") % {
                    "receipt": payment.receipt_no})  # fmt: skip
                return redirect("web:payment-receipt", pk=payment.pk)
    groups = [membership.group for membership in student.memberships.filter(is_active=True).select_related("group")]
    context = {"student": student, "values": values, "errors": errors, "groups": groups, **_choices()}
    return render(request, "web/teacher/payments/form.html", context, status=400 if errors else 200)


@for_roles(STAFF)
@require_GET
def payment_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable receipt (a print stylesheet leaves out the navigation)."""
    rows = payment_rows(payments_visible_to(signed_in_user(request))).select_related("created_by", "organization")
    payment = get_object_or_404(rows, pk=pk)
    return render(request, "web/teacher/payments/receipt.html", {"payment": payment})


def _payment(request: HttpRequest, pk: int) -> Payment:
    return get_object_or_404(payments_visible_to(signed_in_user(request)), pk=pk)


@for_roles(STAFF)
@require_POST
def payment_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say why the payment is deleted."))
        return redirect("web:payment-receipt", pk=pk)
    payment = payment_delete(payment=_payment(request, pk), reason=reason[:500])
    messages.success(request, _("Receipt %(receipt)s is deleted; the balance no longer counts it.") % {
        "receipt": payment.receipt_no})  # fmt: skip
    return redirect("web:payments")


@for_roles(STAFF)
@require_POST
def payment_restore_page(request: HttpRequest, pk: int) -> HttpResponse:
    payment = payment_restore(payment=_payment(request, pk))
    messages.success(request, _("Receipt %(receipt)s is restored.") % {"receipt": payment.receipt_no})
    return redirect("web:payment-receipt", pk=payment.pk)
