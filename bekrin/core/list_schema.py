"""The schema class of every API view (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS): drf-spectacular's, told which
operations are lists. It lives apart from bekrin.core.pagination because drf-spectacular's AutoSchema imports DRF's
generic views, which import the pagination class."""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, get_list_serializer, is_list_serializer
from rest_framework import serializers

from bekrin.core.pagination import StandardPagination


class ListSchema(AutoSchema):
    """drf-spectacular's AutoSchema, told which operations are lists: a GET of a view with a `filterset_class`.
    Those declare their filters and paging, and their 200 is the page envelope (StandardPagination) around the
    declared item serializer, plus the view's `page_extras` (the payments' totals, a balance)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        if self.method == "GET" and getattr(self.view, "filterset_class", None) is not None:
            return True
        return bool(super()._is_list_view(serializer))

    def get_filter_backends(self) -> list[Any]:
        if self.method == "GET" and getattr(self.view, "filterset_class", None) is not None:
            from bekrin.core.filters import ListFilterBackend  # imports the views, which import this module

            return [ListFilterBackend]
        return list(super().get_filter_backends())

    def _get_paginator(self) -> Any:
        paginator = super()._get_paginator()
        extras: Mapping[str, serializers.Field] = getattr(self.view, "page_extras", {})
        if isinstance(paginator, StandardPagination) and extras:
            paginator.extra_schema = {
                name: self._map_serializer_field(field, "response") for name, field in extras.items()
            }
            paginator.extra_required = [name for name, field in extras.items() if field.required]
        return paginator

    def _get_response_for_code(self, serializer: Any, status_code: str, *args: Any, **kwargs: Any) -> Any:
        """A view that pages only when asked (`optionally_paginated`: the ranking) answers its bare list or the page
        envelope: its 200 is one of the two."""
        response = super()._get_response_for_code(serializer, status_code, *args, **kwargs)
        optional = getattr(self.view, "optionally_paginated", False)
        if optional and status_code == "200" and is_list_serializer(serializer):
            item = self.resolve_serializer(get_list_serializer(serializer).child, "response").ref
            for media in response.get("content", {}).values():
                media["schema"] = {"oneOf": [build_array_type(item), media["schema"]]}
        return response

    def get_paginated_name(self, serializer_name: str) -> str:
        extras = getattr(self.view, "page_extras", {})
        return f"Paginated{serializer_name}List" + "".join(name.title() for name in extras)
