"""Checks shared by every app's permission tests."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet


def assert_visibility_agrees(
    visible: Callable[[Any], QuerySet],
    can_view: Callable[[Any, Any], bool],
    users: Iterable[Any],
    rows: Iterable[Model],
) -> None:
    """For every user and row: the row is in visible(user) exactly when can_view(user, row) says so."""
    rows = list(rows)
    for user in users:
        seen = set(visible(user).filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))
        for row in rows:
            assert (row.pk in seen) == can_view(user, row), (
                f"{user} / {row!r}: visible()={row.pk in seen} but can_view()={can_view(user, row)}"
            )
