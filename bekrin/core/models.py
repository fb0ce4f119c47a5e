"""The tenant and the building blocks every other model shares."""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "organization"
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantModel(models.Model):
    """A row that belongs to one school; NULL is the single default tenant (docs/DECISIONS.md, decision 6)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    def deleted(self) -> "SoftDeleteQuerySet":
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """The default manager: soft-deleted rows do not exist for normal lists and lookups."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    objects = AliveManager()
    all_objects = models.Manager.from_queryset(SoftDeleteQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def mark_deleted(self) -> None:
        self.deleted_at = timezone.now()

    def mark_restored(self) -> None:
        self.deleted_at = None


# Every soft-deletable model is also a TimeStampedModel (a check the type checker cannot make on the bound).
_SOFT_DELETE_FIELDS = ["deleted_at", "updated_at"]


def _set_deleted[S: SoftDeleteModel](
    model: type[S],
    pk: int,
    *,
    delete: bool,
    lock: Callable[[int], S] | None,
    then: Callable[[S, datetime], None] | None,
) -> S:
    with transaction.atomic():
        row = lock(pk) if lock is not None else cast(S, model.all_objects.select_for_update().get(pk=pk))
        if row.is_deleted == delete:
            return row
        if delete:
            row.mark_deleted()
        at = row.deleted_at
        if not delete:
            row.mark_restored()
        row.save(update_fields=_SOFT_DELETE_FIELDS)
        if then is not None:
            assert at is not None
            then(row, at)
    return row


def soft_delete[S: SoftDeleteModel](
    model: type[S],
    pk: int,
    *,
    lock: Callable[[int], S] | None = None,
    then: Callable[[S, datetime], None] | None = None,
) -> S:
    """The one soft delete: mark the row deleted and answer it, read again under a row lock (`lock`, by default
    `SELECT … FOR UPDATE`) so that the locked row is saved, not a caller's stale copy. Deleting a deleted row
    changes nothing. `then(row, deleted_at)` is the service's own extra work (tokens, memberships, a balance),
    run in the same transaction and only when the row changed.
    """
    return _set_deleted(model, pk, delete=True, lock=lock, then=then)


def restore[S: SoftDeleteModel](
    model: type[S],
    pk: int,
    *,
    lock: Callable[[int], S] | None = None,
    then: Callable[[S, datetime], None] | None = None,
) -> S:
    """Undo `soft_delete` under the same lock; restoring a row that is not deleted changes nothing. `then` gets
    the deletion time being undone (a student's memberships ended at that moment come back)."""
    return _set_deleted(model, pk, delete=False, lock=lock, then=then)


def apply_changes(row: models.Model, changes: Mapping[str, Any], *, save: bool = True) -> list[str]:
    """Set each field of `changes` whose value differs from the row's and answer their names; with `save`, write
    only those columns (and `updated_at`), so a concurrent change of another column survives.

    A foreign key is compared by id (`teacher_id`), so a change costs no query for the related row.
    """
    changed = []
    for name, value in changes.items():
        field = row._meta.get_field(name)
        if field.many_to_one:
            differs = getattr(row, field.attname) != getattr(value, "pk", None)  # type: ignore[union-attr]
        else:
            differs = getattr(row, name) != value
        if differs:
            setattr(row, name, value)
            changed.append(name)
    if save and changed:
        row.save(update_fields=[*changed, "updated_at"])
    return changed


def enum_check(field: str, values: Iterable[str]) -> models.CheckConstraint:
    """The CHECK constraint that makes a varchar column an enum (docs/DECISIONS.md, decision 4)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": list(values)}),
        name=f"%(class)s_{field}_valid",
    )
