from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekrin.core.admin import SoftDeleteAdmin, changed_values
from bekrin.payments.models import Payment
from bekrin.payments.services import payment_delete, payment_restore, payment_update


@admin.register(Payment)
class PaymentAdmin(SoftDeleteAdmin):
    """Payments are taken through the API, which numbers receipts and keeps balances; here the office reads them,
    corrects the fields that do not touch money, and deletes or restores them through the same services."""

    list_display = ("receipt_no", "payment_date", "student", "group", "amount", "method", "status", "is_deleted")
    list_filter = ("status", "method", "group", ("payment_date", admin.DateFieldListFilter))
    search_fields = ("receipt_no", "student__full_name", "student__email", "title")
    date_hierarchy = "payment_date"
    list_select_related = ("student", "group")
    readonly_fields = ("student", "group", "amount", "status", "receipt_no", "created_by", "organization")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        payment_update(payment=obj, changes=changed_values(form, ("payment_date", "title", "method", "note")))

    def soft_delete(self, obj: Any) -> None:
        payment_delete(payment=obj)

    def restore(self, obj: Any) -> None:
        payment_restore(payment=obj)
