"""Figures of each row of a page, read by a correlated subquery: computed for the rows the page keeps, where a
JOIN with GROUP BY would aggregate every related row of the whole filter before LIMIT (docs/API.md#conventions)."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_per_row(related: QuerySet, key: str) -> Coalesce:
    """The number of `related` rows (filtered on `key=OuterRef("pk")` by the caller) of each outer row; 0 for none.
    COUNT(*), not of a column: the index on `key` then answers alone (an index-only scan), without reading each
    row (bench/api's teacher: tests, ten tests of 1,000 attempts each: 1.3 ms instead of 3.1)."""
    counted = related.order_by().values(key).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
