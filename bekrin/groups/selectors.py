"""Reads of groups, always starting from the caller's visible rows (bekrin.groups.permissions)."""

from django.db.models import OuterRef, Prefetch, QuerySet

from bekrin.core.search import AzSortKey
from bekrin.core.subqueries import count_per_row
from bekrin.groups.models import GROUP_ORDER, GroupMembership, StudyGroup


def group_rows(visible: QuerySet[StudyGroup]) -> QuerySet[StudyGroup]:
    """Groups with their teacher and `member_count` (active members, counted for the page's rows only), ordered by
    sort_order then display_name."""
    return (
        visible.select_related("teacher")
        .annotate(
            member_count=count_per_row(GroupMembership.objects.filter(group=OuterRef("pk"), is_active=True), "group")
        )
        .order_by(*GROUP_ORDER)
    )


def group_detail_rows(visible: QuerySet[StudyGroup]) -> QuerySet[StudyGroup]:
    """As group_rows, plus the active members (with their user) in `active_memberships`: two queries a group."""
    return group_rows(visible).prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.filter(is_active=True)
            .select_related("student")
            .order_by(AzSortKey("student__full_name"), "student_id"),
            to_attr="active_memberships",
        )
    )
