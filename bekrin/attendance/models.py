"""One attendance cell per (group, student, lesson date)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import TenantModel, TimeStampedModel, enum_check
from bekrin.groups.models import StudyGroup


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("İştirak edib")
    LATE = "late", _("Gecikib")
    ABSENT = "absent", _("İştirak etməyib")
    EXCUSED = "excused", _("Üzrlü")


class AttendanceRecord(TenantModel, TimeStampedModel):
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="attendance_records")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_records")
    lesson_date = models.DateField(_("lesson date"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=AttendanceStatus.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    note = models.TextField(_("note"), null=True, blank=True)

    class Meta:
        db_table = "attendance_record"
        ordering = ["lesson_date", "id"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.UniqueConstraint(fields=["group", "student", "lesson_date"], name="attendance_cell_unique"),
            enum_check("status", AttendanceStatus.values),
        ]
        indexes = [
            models.Index(fields=["group", "lesson_date"], name="attendance_group_date_idx"),
            models.Index(fields=["student", "lesson_date"], name="attendance_student_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_date} {self.student.full_name}: {self.get_status_display()}"
