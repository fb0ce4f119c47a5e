"""Study groups with their weekly schedule, and membership that keeps history."""

from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import SoftDeleteModel, TenantModel, TimeStampedModel
from bekrin.core.search import AzSortKey

ISO_WEEKDAYS = list(range(1, 8))  # 1 = Monday … 7 = Sunday (docs/DECISIONS.md, decision 7)


def compose_display_name(*, code: str | None, name: str, days_of_week: list[int], start_time: time | None) -> str:
    """`<code or name>: <days joined by "-"> <HH:MM>`, leaving out the parts that are not set (docs/DECISIONS.md,
    decision 7)."""
    schedule = []
    if days_of_week:
        schedule.append("-".join(str(day) for day in days_of_week))
    if start_time is not None:
        schedule.append(start_time.strftime("%H:%M"))
    label = code or name
    return f"{label}: {' '.join(schedule)}" if schedule else label


# Meta.ordering, with display_name in Azerbaijani alphabetical order (docs/DECISIONS.md, decision 12). The lists
# order by it and the indexes group_order and group_order_no_org hold it; the planner uses an index only for
# exactly the same expressions, so both take them from here.
GROUP_ORDER = (F("sort_order").asc(nulls_last=True), AzSortKey("display_name"), F("id"))


class StudyGroup(TenantModel, SoftDeleteModel, TimeStampedModel):
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="taught_groups")
    code = models.CharField(_("code"), max_length=50, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    days_of_week = ArrayField(models.IntegerField(), default=list, blank=True, verbose_name=_("days of week"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=300, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(_("sort order"), null=True, blank=True)

    class Meta:
        db_table = "group"
        ordering = [models.F("sort_order").asc(nulls_last=True), "display_name", "id"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.CheckConstraint(condition=Q(days_of_week__contained_by=ISO_WEEKDAYS), name="group_days_of_week_iso"),
        ]
        indexes = [
            # A page of the list is the first entries of the school's index, not a sort of all its groups; IS NULL
            # is no equality to the planner, so the school without an organization has an index of its own.
            models.Index(F("organization"), *GROUP_ORDER, condition=Q(deleted_at__isnull=True), name="group_order"),
            models.Index(
                *GROUP_ORDER, condition=Q(organization__isnull=True, deleted_at__isnull=True), name="group_order_no_org"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        # display_name is a cache of the schedule, so it is derived on every save (docs/DECISIONS.md, decision 7).
        self.days_of_week = sorted(set(self.days_of_week or []))
        self.display_name = compose_display_name(
            code=self.code, name=self.name, days_of_week=self.days_of_week, start_time=self.start_time
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "display_name", "days_of_week"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class GroupMembership(TenantModel):
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "group_membership"
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "student"], name="group_membership_unique"),
        ]
        indexes = [
            # member_count (bekrin.groups.selectors.group_rows) counts a group's active members from this index alone.
            models.Index(F("group"), F("id"), condition=Q(is_active=True), name="group_membership_active"),
        ]

    def __str__(self) -> str:
        return f"{self.student.full_name} @ {self.group.display_name}"
