"""The query of the audit trail (bekrin/core/filters.py says what every list takes)."""

from typing import Any

from django.db.models import F, QuerySet
from django_filters import rest_framework as filters

from bekrin.audit.permissions import AUDITED_MODELS
from bekrin.core.filters import IdFilter, ListFilterSet, ListOrdering


class ModelFilter(filters.ChoiceFilter):
    """`model` picks the event table (AuditListView.visible); as a filter it only checks the name."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


class AuditFilters(ListFilterSet):
    search_fields = ("actor_name", "path")

    model = ModelFilter(
        choices=[(name, name) for name in sorted(AUDITED_MODELS)], required=True, help_text="What was changed"
    )
    object_id = IdFilter(field_name="pgh_obj_id", help_text="Only the events of this row (also `objectId`).")
    ordering = ListOrdering({"at": F("pgh_created_at")}, default="Default: newest first.")
