"""Every paginated list of the API declares its paging, ordering and search in the published schema, and answers
the one page envelope (bekrin/core/pagination.py, bekrin/core/filters.py)."""

import inspect

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from bekrin.core.api_base import ApiView
from bekrin.core.filters import ListView

pytestmark = pytest.mark.django_db

LIST_PARAMETERS = {"page", "page_size", "ordering", "search"}
# Lists whose order is what they answer (the ranking): pages only when asked, never searched or reordered.
PAGED_ON_REQUEST = {"/api/teacher/coding/ranking": {"page", "page_size"}}
ENVELOPE = {"count", "next", "previous", "results"}


def _schema() -> dict:
    return APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()


def _paginated_operations(schema: dict) -> list[tuple[str, dict]]:
    """GET operations whose 200 is a page: an object with `count` and `results`."""
    schemas = schema["components"]["schemas"]
    found = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if not operation:
            continue
        content = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        body = content.get("schema", {})
        # A list that pages on request answers its bare list or the page: the page is the object of the two.
        body = next((choice for choice in body.get("oneOf", []) if "$ref" in choice), body)
        if "$ref" in body:
            body = schemas[body["$ref"].rsplit("/", 1)[-1]]
        properties = set(body.get("properties", {}))
        if {"count", "results"} & properties or "page" in {p["name"] for p in operation.get("parameters", [])}:
            found.append((path, operation | {"_body": body}))
    return found


def _list_views() -> set[str]:
    """Names of the URL patterns whose view lists (a ListView), walked from the URL configuration."""
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif issubclass(getattr(pattern.callback, "cls", object), ListView):
                names.add(pattern.callback.cls.__name__)

    walk(get_resolver().url_patterns)
    return names


def test_every_paginated_list_declares_page_page_size_ordering_and_search():
    operations = _paginated_operations(_schema())
    assert len(operations) == 19 + len(PAGED_ON_REQUEST)  # every list of bekrin/*/api*.py
    missing = {
        path: sorted(
            PAGED_ON_REQUEST.get(path, LIST_PARAMETERS)
            - {parameter["name"] for parameter in operation.get("parameters", [])}
        )
        for path, operation in operations
    }
    assert {path: names for path, names in missing.items() if names} == {}


def test_every_paginated_list_answers_the_one_envelope():
    for path, operation in _paginated_operations(_schema()):
        body = operation["_body"]
        assert set(body["properties"]) >= ENVELOPE, path
        assert body["properties"]["results"]["type"] == "array", path
        assert body["properties"]["count"]["type"] == "integer", path


def test_every_view_that_pages_is_a_list_view_in_the_schema():
    # A view that calls paginate_queryset without being a ListView would list without declared filters, unless it
    # declares its query itself and pages only when asked (`optionally_paginated`, the ranking).
    listed = _list_views()
    paging: set[str] = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            if view is None or not issubclass(view, ApiView) or getattr(view, "optionally_paginated", False):
                continue
            if "paginate_queryset" in inspect.getsource(view):
                paging.add(view.__name__)

    walk(get_resolver().url_patterns)
    assert paging - listed == set()
    assert len(listed) == 19


def test_ordering_offers_only_its_whitelist():
    schema = _schema()
    students = schema["paths"]["/api/teacher/students"]["get"]
    ordering = next(parameter for parameter in students["parameters"] if parameter["name"] == "ordering")
    assert set(ordering["schema"]["items"]["enum"]) == {
        key for name in ("full_name", "email", "created_at", "grade", "balance") for key in (name, f"-{name}")
    }


def test_every_page_declares_count_nullable_above_the_limit():
    for path, operation in _paginated_operations(_schema()):
        count = operation["_body"]["properties"]["count"]
        assert count.get("nullable") is True, path
        assert "1,000" in count["description"], path


def test_the_payments_list_declares_totals_as_an_optional_boolean_choice():
    operation = _schema()["paths"]["/api/teacher/payments"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["totals"]["schema"]["type"] == "boolean"
    body = dict(_paginated_operations(_schema()))["/api/teacher/payments"]["_body"]
    assert "totals" in body["properties"]
    assert "totals" not in body["required"]
