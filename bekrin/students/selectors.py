"""Reads of students and parents, always starting from the caller's visible rows (bekrin.accounts.people).

Lists cost a fixed number of queries: the page (user + profile joined), then one query for the page's active
memberships with their groups and one for the parent links with the parents.
"""

from django.db.models import F, Prefetch, QuerySet

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
