"""The one page envelope of every list: `{count, next, previous, results}`, plus the extra top-level keys some
lists declare (`page_extras`: the payments' totals, a balance). The schema of each list's 200 is built from
get_paginated_response_schema by bekrin.core.list_schema.ListSchema, so the envelope is declared here only."""

from typing import Any

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500), answering `{count, next, previous, results}`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # Set by ListSchema while documenting a list with `page_extras`: their schemas, by key.
    extra_schema: dict[str, Any] | None = None

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope = super().get_paginated_response_schema(schema)
        if self.extra_schema:
            envelope["properties"].update(self.extra_schema)
            envelope["required"] = [*envelope.get("required", []), *self.extra_schema]
        return envelope
