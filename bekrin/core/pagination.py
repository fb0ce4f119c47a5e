"""The one page envelope of every list: `{count, next, previous, results}`, plus the extra top-level keys some
lists declare (`page_extras`: the payments' totals, a balance). The schema of each list's 200 is built from
get_paginated_response_schema by bekrin.core.list_schema.ListSchema, so the envelope is declared here only.

A page costs the same on a school of 100 students and one of 10,000: no exact COUNT(*) over the whole filter.
The page is read with one row more than it shows (that row says whether there is a next page), and `count` counts
at most COUNT_LIMIT + 1 rows, so it is exact up to COUNT_LIMIT and null above."""

from collections.abc import Sequence
from typing import Any, Protocol

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

COUNT_LIMIT = 1000


class CountedRows(Protocol):
    """Rows a list reads by itself rather than through a queryset (the coding ranking): a slice of them, and their
    number counted no further than a limit."""

    def __getitem__(self, part: slice) -> list[Any]: ...

    def count_at_most(self, limit: int) -> int: ...


def bounded_count(rows: QuerySet | CountedRows | Sequence[Any]) -> int | None:
    """The number of rows when at most COUNT_LIMIT, else None: of a queryset a count over a LIMIT COUNT_LIMIT + 1
    subquery (without its order: the order changes no count, and may cost a sort); of CountedRows their count at
    most COUNT_LIMIT + 1; of a sequence its length."""
    if isinstance(rows, QuerySet):
        found = rows.order_by()[: COUNT_LIMIT + 1].count()
    elif isinstance(rows, Sequence):
        found = len(rows)
    else:
        found = rows.count_at_most(COUNT_LIMIT + 1)
    return found if found <= COUNT_LIMIT else None


def page_rows(rows: QuerySet | CountedRows | Sequence[Any], number: int, size: int) -> tuple[list[Any], bool]:
    """Page `number` (from 1) of `size` rows, and whether a next page has any: read with one row more than shown."""
    start = (number - 1) * size
    found = list(rows[start : start + size + 1])
    return found[:size], len(found) > size


class StandardPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500), answering `{count, next, previous, results}`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # Set by ListSchema while documenting a list with `page_extras`: their schemas, and which of them are always
    # there.
    extra_schema: dict[str, Any] | None = None
    extra_required: Sequence[str] = ()

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        size = self.get_page_size(request) or self.page_size
        number = self._page_number(request)
        rows, self.has_next = page_rows(queryset, number, size)
        if number > 1 and not rows:
            raise NotFound(self.invalid_page_message)  # past the end, as DRF answers it
        self.url, self.number = request.build_absolute_uri(), number
        self.count = bounded_count(queryset)
        return rows

    def _page_number(self, request: Request) -> int:
        raw = request.query_params.get(self.page_query_param) or "1"
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise NotFound(self.invalid_page_message)
        return number

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return replace_query_param(self.url, self.page_query_param, self.number + 1)

    def get_previous_link(self) -> str | None:
        if self.number == 1:
            return None
        if self.number == 2:
            return remove_query_param(self.url, self.page_query_param)
        return replace_query_param(self.url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": f"The number of rows of the filter when at most {COUNT_LIMIT:,}; null when there are "
            "more (follow `next` to the end, or narrow the filter).",
        }
        if self.extra_schema:
            envelope["properties"].update(self.extra_schema)
            envelope["required"] = [*envelope.get("required", []), *self.extra_required]
        return envelope
