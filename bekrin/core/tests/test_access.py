"""Walks the URL configuration: every /api/ route declares who may call it, and each persona gets what it says.

A route without a declaration fails here, so an endpoint cannot ship without an access rule. Ids in the URL are
filled with one that exists nowhere, so an allowed role gets a 2xx, 400 or 404 (never 401/403), another role 403,
and an anonymous caller 401.
"""

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import client_for

MISSING_ID = "987654321"
# Answers 503 when a part of the deployment is down (no judge worker runs here): an answer, not a failure.
REPORTS_THE_DEPLOYMENT = {"/api/health"}


def api_routes() -> Iterator[tuple[str, type]]:
    def walk(patterns, prefix: str) -> Iterator[tuple[str, object]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern.callback

    for route, callback in walk(get_resolver().url_patterns, "/"):
        if route.startswith("/api/"):
            yield route, getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def concrete_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", MISSING_ID, route)


def http_methods(view_class: type) -> list[str]:
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]


def declared_rule(view_class: type | None) -> str:
    if view_class is None:
        return "not a class-based view"
    if getattr(view_class, "public", False):
        return "public"
    if getattr(view_class, "allowed_roles", None):
        return "roles"
    return "undeclared"


ROUTES = sorted(api_routes())


def test_the_walk_finds_the_api():
    assert len(ROUTES) >= 6
    assert "/api/auth/me" in {route for route, _ in ROUTES}


@pytest.mark.parametrize(("route", "view_class"), ROUTES, ids=[r for r, _ in ROUTES])
def test_every_api_route_declares_who_may_call_it(route, view_class):
    assert declared_rule(view_class) in ("public", "roles"), (
        f"{route} ({view_class}) declares no access rule: subclass ApiView with allowed_roles, "
        "or PublicApiView for an endpoint anyone may call"
    )


def test_a_route_without_a_rule_is_reported():
    class Forgetful:
        def get(self):  # pragma: no cover - never called
            return None

    assert declared_rule(Forgetful) == "undeclared"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "view_class"), ROUTES, ids=[r for r, _ in ROUTES])
def test_each_persona_gets_what_the_route_declares(route, view_class, personas):
    path = concrete_path(route)
    public = declared_rule(view_class) == "public"
    for method in http_methods(view_class):
        if route == "/api/auth/logout" and method == "post":
            continue  # would revoke the token under test; covered by the auth tests
        for name, user in personas.as_dict().items():
            response = getattr(client_for(user), method)(path, {}, format="json")
            allowed = public or (user is not None and user.role in view_class.allowed_roles)
            where = f"{method.upper()} {path} as {name}: {response.status_code}"
            if allowed:
                reported_down = route in REPORTS_THE_DEPLOYMENT and response.status_code == 503
                assert response.status_code not in (401, 403, 405), where
                assert response.status_code < 500 or reported_down, where
            elif user is None:
                assert response.status_code == 401, where
            else:
                assert response.status_code == 403, where
