from django.contrib import admin

from bekrin.core.admin import SoftDeleteAdmin
from bekrin.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(SoftDeleteAdmin):
    list_display = ("receipt_no", "payment_date", "student", "group", "amount", "method", "status", "is_deleted")
    list_filter = ("status", "method", "group", ("payment_date", admin.DateFieldListFilter))
    search_fields = ("receipt_no", "student__full_name", "student__email", "title")
    date_hierarchy = "payment_date"
    list_select_related = ("student", "group")
    raw_id_fields = ("student", "group", "created_by")
