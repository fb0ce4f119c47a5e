"""Reads of students and parents, always starting from the caller's visible rows (bekrin.accounts.people).

Lists cost a fixed number of queries: the page (user + profile joined), then one query for the page's active
memberships with their groups and one for the parent links with the parents.
"""

from collections import Counter

from django.db import router
from django.db.models import F, Prefetch, ProtectedError, QuerySet, RestrictedError
from django.db.models.deletion import Collector

from bekrin.accounts.models import User, name_sort_key
from bekrin.core.search import AzSortKey
from bekrin.groups.models import GroupMembership
from bekrin.students.models import ParentStudent


def by_name(rows: QuerySet[User]) -> QuerySet[User]:
    """Users in Azerbaijani alphabetical order of full name (docs/DECISIONS.md, decision 12)."""
    return rows.order_by(name_sort_key(), "id")


def student_rows(visible: QuerySet[User]) -> QuerySet[User]:
    """Students with their profile, active groups (`active_memberships`) and parent links (`parent_list`)."""
    return by_name(
        visible.select_related("student_profile").prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(is_active=True, group__deleted_at__isnull=True)
                .select_related("group")
                .order_by(F("group__sort_order").asc(nulls_last=True), AzSortKey("group__display_name"), "group_id"),
                to_attr="active_memberships",
            ),
            Prefetch(
                "parent_links",
                queryset=ParentStudent.objects.select_related("parent").order_by(AzSortKey("parent__full_name")),
                to_attr="parent_list",
            ),
        )
    )


def parent_rows(visible: QuerySet[User]) -> QuerySet[User]:
    """Parents with their links to children who are not soft-deleted (`children_links`)."""
    return by_name(
        visible.prefetch_related(
            Prefetch(
                "child_links",
                queryset=ParentStudent.objects.filter(student__student_profile__deleted_at__isnull=True)
                .select_related("student")
                .order_by(AzSortKey("student__full_name")),
                to_attr="children_links",
            )
        )
    )


def students_in_debt(visible: QuerySet[User], *, limit: int) -> list[User]:
    """The students whose balance is below zero, the largest debt first (a teacher's home)."""
    return list(
        visible.filter(student_profile__balance__lt=0)
        .select_related("student_profile")
        .order_by("student_profile__balance", "id")[:limit]
    )


def hard_delete_preview(student: User) -> dict[str, int] | None:
    """What deleting the student for good would remove, by the plural name of each kind of row (the user too), as
    the deletion itself would collect it; None when a protected row (a payment they recorded, say) forbids it."""
    collector = Collector(using=router.db_for_write(User), origin=student)
    try:
        collector.collect([student])
    except (ProtectedError, RestrictedError):
        return None
    counts: Counter[str] = Counter()
    for model, instances in collector.data.items():
        counts[str(model._meta.verbose_name_plural)] += len(instances)
    for rows in collector.fast_deletes:  # querysets the deletion runs without loading their rows
        counts[str(rows.model._meta.verbose_name_plural)] += rows.count()
    return {name: count for name, count in sorted(counts.items()) if count}
