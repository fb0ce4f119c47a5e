"""The query of the groups list (bekrin/core/filters.py says what every list takes)."""

from django.db.models import F

from bekrin.core.filters import BooleanFilter, DeletedFilter, ListFilterSet, ListOrdering, StatusAliasFilter
from bekrin.core.search import AzSortKey
from bekrin.groups.models import StudyGroup


class GroupFilters(ListFilterSet):
    search_fields = ("display_name", "name", "code")

    deleted = DeletedFilter(alias="status")
    status = StatusAliasFilter()
    is_active = BooleanFilter(help_text="Only groups marked active (true) or inactive (false).")
    ordering = ListOrdering(
        {
            "sort_order": F("sort_order"),
            "display_name": AzSortKey("display_name"),
            "member_count": F("member_count"),
            "created_at": F("created_at"),
        },
        default="Default: sort_order (empty last), then display_name in Azerbaijani order.",
    )

    class Meta:
        model = StudyGroup
        fields: list[str] = []
