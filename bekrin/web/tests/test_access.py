"""Walks the URL configuration outside /api/ and /admin/: every page of the web app declares who may open it
(`bekrin/web/access.py`), and each persona gets what it declares: an allowed role an answer (never 403/405), an
anonymous visitor the login page, another role 403.
"""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bekrin.testing.web import client_of


def web_routes() -> Iterator[tuple[str, object]]:
    def walk(patterns, prefix: str) -> Iterator[tuple[str, object]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern.callback

    for route, view in walk(get_resolver().url_patterns, "/"):
        if not route.startswith(("/api/", "/admin/", "/static/")):
            yield route, view


ROUTES = sorted(web_routes(), key=lambda item: item[0])
MISSING_ID = "987654321"


def concrete_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", MISSING_ID, route)


def rule_of(view: object) -> str:
    if getattr(view, "public", False):
        return "public"
    return "roles" if getattr(view, "allowed_roles", None) else "undeclared"


def test_the_walk_finds_the_web_app():
    assert {"/", "/teacher/attendance", "/account/password"} <= {route for route, _view in ROUTES}


@pytest.mark.parametrize(("route", "view"), ROUTES, ids=[route for route, _view in ROUTES])
def test_every_page_declares_who_may_open_it(route, view):
    assert rule_of(view) in ("public", "roles"), f"{route}: wrap the view in for_roles(...) or public"


def answer(client: Client, path: str):
    """GET, or POST for a page that takes only POST (the grid's save, logout, the language switch)."""
    response = client.get(path)
    return client.post(path, {}) if response.status_code == 405 else response


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "view"), ROUTES, ids=[route for route, _view in ROUTES])
def test_each_persona_gets_what_the_page_declares(route, view, personas):
    for name, user in personas.as_dict().items():
        response = answer(client_of(user), concrete_path(route))
        where = f"{route} as {name}: {response.status_code}"
        assert response.status_code < 500, where
        if rule_of(view) == "public" or (user is not None and user.role in view.allowed_roles):
            assert response.status_code not in (401, 403, 405), where
        elif user is None:
            assert response.status_code == 302, where
            assert response["Location"].startswith("/?next="), where
        else:
            assert response.status_code == 403, where
