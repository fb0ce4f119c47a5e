"""Payments in AZN; every write keeps the student's balance true (docs/DECISIONS.md, decision 9)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import SoftDeleteModel, TenantModel, TimeStampedModel, enum_check
from bekrin.groups.models import StudyGroup


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Nağd")
    CARD = "card", _("Kart")
    BANK = "bank", _("Bank köçürməsi")
    OTHER = "other", _("Digər")


class PaymentStatus(models.TextChoices):
    PAID = "paid", _("Ödənilib")
    UNPAID = "unpaid", _("Ödənilməyib")
    PARTIAL = "partial", _("Qismən")
    CANCELLED = "cancelled", _("Ləğv edilib")


# Statuses whose amount counts towards the balance (docs/DECISIONS.md, decision 9).
BALANCE_STATUSES = (PaymentStatus.PAID, PaymentStatus.PARTIAL)


class Payment(TenantModel, SoftDeleteModel, TimeStampedModel):
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payments")
    group = models.ForeignKey(StudyGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments")
    payment_date = models.DateField(_("payment date"), db_index=True)
    title = models.CharField(_("title"), max_length=200, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices)
    note = models.TextField(_("note"), null=True, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=40, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "payment"
        ordering = ["-payment_date", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            enum_check("method", PaymentMethod.values),
            enum_check("status", PaymentStatus.values),
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="payment_amount_positive"),
        ]
        indexes = [
            # The teacher's list walks a school's newest payments in this order and stops at the page; by
            # payment_date alone it read (and joined) every payment of the top date, in every school.
            models.Index(
                F("organization"),
                F("payment_date").desc(),
                F("id").desc(),
                condition=Q(deleted_at__isnull=True),
                name="payment_tenant_date_order",
            ),
            # IS NULL is no equality to the planner, so the school without an organization walks its own index.
            models.Index(
                F("payment_date").desc(),
                F("id").desc(),
                condition=Q(organization__isnull=True, deleted_at__isnull=True),
                name="payment_date_order_no_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} · {self.amount} AZN"
