"""The web app's lists: the rows, filters, search and order of the API's list of the same rows (its FilterSet, one
definition of "which rows, in what order" for both), read a page at a time as the API pages them
(bekrin/core/pagination.py).

A query the FilterSet refuses (`?ordering=password`) is shown on the page as a 400, as the API answers it; an id
out of the user's reach and a page past the end are 404s.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

from bekrin.core.api_base import flat_errors
from bekrin.core.errors import NotFound
from bekrin.core.filters import ListFilterSet
from bekrin.core.pagination import bounded_count, page_rows

PAGE_SIZE = 25


@dataclass
class ListPage:
    rows: list[Any]
    number: int
    has_next: bool
    count: int | None  # None above bounded_count's limit
    query: dict[str, str]  # the filters as asked (for the form and the page links)
    errors: dict[str, list[str]] = field(default_factory=dict)
    matching: QuerySet | None = None  # every row of the filter, not only the page's (for totals over them)

    @property
    def deleted_tab(self) -> bool:
        """The list asks for soft-deleted rows (`status=deleted` or `deleted=true`, as DeletedFilter reads them)."""
        return self.query.get("status") == "deleted" or self.query.get("deleted") == "true"

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


def list_page(request: HttpRequest, rows: QuerySet, filterset_class: type[ListFilterSet]) -> ListPage:
    """One page of `rows` (already the caller's visible rows, with what the page shows selected) as the query
    narrows and orders them."""
    query = filterset_class.query_data(Request(request))
    filterset = filterset_class(data=query, queryset=rows, request=request)
    try:
        number = int(request.GET.get("page") or "1")
    except ValueError:
        number = 0
    if number < 1:
        raise Http404(_("Invalid page."))
    try:
        if not filterset.is_valid():
            return ListPage([], 1, False, 0, query, flat_errors(filterset.errors))
        found, has_next = page_rows(filterset.qs, number, PAGE_SIZE)
    except NotFound as error:  # an id the user may not see (`?group_id=` of another school), as in the API
        raise Http404(error.message) from error
    except serializers.ValidationError as error:  # filters that contradict each other (`?status=deleted&deleted=false`)
        return ListPage([], 1, False, 0, query, flat_errors(error.detail))
    if number > 1 and not found:
        raise Http404(_("Invalid page."))
    return ListPage(found, number, has_next, bounded_count(filterset.qs), query, matching=filterset.qs)
