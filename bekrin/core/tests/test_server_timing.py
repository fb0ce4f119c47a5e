"""The Server-Timing header (SERVER_TIMING, bekrin.core.middleware.ServerTimingMiddleware) that bench/api.py reads."""

import re

import pytest
from django.test import Client, override_settings

from bekrin.testing.factories import StudentFactory, TeacherFactory
from conftest import client_for

HEADER = re.compile(r'^db;dur=(?P<db>[0-9.]+);desc="(?P<queries>[0-9]+) queries", app;dur=(?P<app>[0-9.]+)$')


def timing(response) -> dict[str, float]:
    match = HEADER.match(response["Server-Timing"])
    assert match, response["Server-Timing"]
    return {key: float(value) for key, value in match.groupdict().items()}


@pytest.mark.django_db
@override_settings(SERVER_TIMING=True, DEBUG=False)
def test_each_response_counts_the_queries_it_ran_and_their_time():
    teacher = TeacherFactory()
    StudentFactory.create_batch(3)
    api = client_for(teacher)
    listed = timing(api.get("/api/teacher/students"))
    # The token, its user, the page's rows and its count: a list runs queries, and the time of them is part of
    # the request's.
    assert listed["queries"] >= 3
    assert 0 < listed["db"] <= listed["app"]
    # A request without a database query says so: the count is this request's, not the connection's so far.
    assert timing(api.get("/api/health/live"))["queries"] == 0


@pytest.mark.django_db
@override_settings(SERVER_TIMING=False)
def test_the_header_is_absent_by_default():
    assert "Server-Timing" not in Client().get("/api/health/live")
