"""Student and parent profiles and the parent–student link."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import SoftDeleteModel, TenantModel, TimeStampedModel


class StudentProfile(SoftDeleteModel, TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="student_profile"
    )
    grade = models.CharField(_("grade"), max_length=20)
    # Derived: the sum of paid/partial, not deleted payments (docs/DECISIONS.md, decision 9); written only by payment
    # services.
    balance = models.DecimalField(_("balance"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    notes = models.TextField(_("notes"), null=True, blank=True)

    class Meta:
        db_table = "student_profile"
        ordering = ["user__full_name"]
        verbose_name = _("student")
        verbose_name_plural = _("students")

    def __str__(self) -> str:
        return str(self.user.full_name)


class ParentProfile(SoftDeleteModel, TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="parent_profile"
    )

    class Meta:
        db_table = "parent_profile"
        ordering = ["user__full_name"]
        verbose_name = _("parent")
        verbose_name_plural = _("parents")

    def __str__(self) -> str:
        return str(self.user.full_name)


class ParentStudent(TenantModel):
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="child_links")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parent_links")
    relation = models.CharField(_("relation"), max_length=40, null=True, blank=True)  # "ana", "ata", …
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "parent_student"
        verbose_name = _("parent–student link")
        verbose_name_plural = _("parent–student links")
        constraints = [models.UniqueConstraint(fields=["parent", "student"], name="parent_student_unique")]

    def __str__(self) -> str:
        return f"{self.parent.full_name} → {self.student.full_name}"
