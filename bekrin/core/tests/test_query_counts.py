"""Every endpoint and page bench/api.py measures runs as many queries for a big school as for a small one: a list that
loads a relation per row (N+1) runs more queries on the school with more rows and fails here.

Both schools are made by bench/generate.py's own SQL, in this test's database, at two sizes; each is asked
through the API as its teacher, its first student and its first parent.
"""

import random
import sys
from datetime import date

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.accounts.models import User
from bekrin.assessments.models import Test
from bekrin.groups.models import StudyGroup
from bekrin.testing.server import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from api import ENDPOINTS, Endpoint, School
from generate import Size, school

SMALL = Size(students=25, groups=1, tasks=5, tests=1)
BIG = Size(students=120, groups=4, tasks=8, tests=2)  # more of every row a page shows than SMALL


def populated(slug: str, size: Size) -> tuple[School, dict[str, User]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.13)")  # as bench/generate.py does: the same rows on every run
        school(cursor.cursor, random.Random(13), slug, slug, size, make_password("bench-pass-1"))
    teacher = User.objects.get(email=f"teacher@{slug}.bench")
    student = User.objects.get(email=f"student1@{slug}.bench")
    parent = User.objects.get(email=f"parent1@{slug}.bench")
    org = teacher.organization_id
    ids: dict[str, object] = {
        "group": StudyGroup.objects.filter(organization_id=org).order_by("pk")[0].pk,
        "student": student.pk,
        "child": student.pk,  # parent k's first child is student k (bench/generate.py)
        "test": Test.objects.filter(organization_id=org).order_by("pk")[0].pk,
        "month": date.today().strftime("%Y-%m"),  # as bench/api.py asks
    }
    users = {"teacher": teacher, "student": student, "parent": parent}
    tokens = {role: AuthToken.objects.create(user=user)[1] for role, user in users.items()}
    return School(slug, tokens, {}, ids), users


def client_of(school_: School, users: dict[str, User], endpoint: Endpoint) -> Client:
    """An API client with the role's token, or for a page of the web app a browser's client with its session."""
    if endpoint.page:
        browser = Client()
        if endpoint.role:
            browser.force_login(users[endpoint.role])
        return browser
    api = APIClient()
    if endpoint.role:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {school_.tokens[endpoint.role]}")
    return api


def queries(populated_school: tuple[School, dict[str, User]], endpoint: Endpoint) -> int:
    school_, users = populated_school
    client = client_of(school_, users, endpoint)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(school_.path(endpoint))
    assert response.status_code == 200, (school_.label, endpoint.path, response.content[:300])
    return len(captured)


@pytest.fixture
def schools(db) -> tuple[tuple[School, dict[str, User]], tuple[School, dict[str, User]]]:
    return populated("small", SMALL), populated("big", BIG)


# The health endpoints read no school's rows (and answer 503 without a judge worker, which these tests do not run).
SCHOOL_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.role]


@pytest.mark.parametrize("endpoint", SCHOOL_ENDPOINTS, ids=[endpoint.name for endpoint in SCHOOL_ENDPOINTS])
def test_an_endpoint_runs_as_many_queries_for_a_big_school_as_for_a_small_one(schools, endpoint):
    small, big = schools
    assert queries(big, endpoint) == queries(small, endpoint)
