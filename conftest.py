"""Personas shared by every test (each endpoint is checked against all of them), the tests' password hasher, the
`worker` marker and the verdict listener stopped after each test."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.accounts.models import User
from bekrin.coding.verdicts import listener_stop
from bekrin.testing.factories import (
    AdminFactory,
    OrganizationFactory,
    ParentFactory,
    ParentLinkFactory,
    StudentFactory,
    TeacherFactory,
)

# Fixtures that start a judge worker process (bekrin/coding/tests/conftest.py): a test using one is a `worker` test.
WORKER_FIXTURES = {"judge_worker", "start_worker"}
PRODUCTION_HASHERS = list(settings.PASSWORD_HASHERS)
# MD5 first, so every password a test sets or logs in with costs microseconds instead of Argon2's ~0.15 s; the
# production hashers stay after it, so hashes made with them (generated initial passwords) still verify.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_HASHERS]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if WORKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.worker)


@pytest.fixture(autouse=True)
def verdict_listener_stopped():
    """A test that waited for a verdict started this process's listener (bekrin/coding/verdicts.py); its connection
    must not outlive the test, or the next one's flush and the test database's drop would wait on it."""
    yield
    listener_stop()


@pytest.fixture(autouse=True)
def password_hashers(request):
    """The fast hasher for every test; a test of the hashers themselves (which one is preferred, what a login
    re-hashes to, what a wrong password costs) is marked `production_hashers` and runs with config/settings.py's."""
    production = request.node.get_closest_marker("production_hashers") is not None
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS if production else FAST_HASHERS):
        yield


@dataclass
class Personas:
    """The main school is the default tenant (organization NULL); `other_teacher` works for another school."""

    admin: User
    teacher: User
    other_teacher: User
    student: User
    other_student: User
    parent: User
    other_parent: User

    def as_dict(self) -> dict[str, User | None]:
        return {**self.__dict__, "anonymous": None}


@pytest.fixture
def personas(db) -> Personas:
    other_school = OrganizationFactory(name="Digər məktəb", slug="diger")
    student = StudentFactory(full_name="Əli Həsənov")
    other_student = StudentFactory(full_name="Leyla Quliyeva")
    parent = ParentFactory(full_name="Gülnarə Həsənova")
    ParentLinkFactory(parent=parent, student=student)
    other_parent = ParentFactory(full_name="Rauf Quliyev")
    ParentLinkFactory(parent=other_parent, student=other_student)
    return Personas(
        admin=AdminFactory(),
        teacher=TeacherFactory(full_name="Rəşad Əliyev"),
        other_teacher=TeacherFactory(full_name="Kamran Babayev", organization=other_school),
        student=student,
        other_student=other_student,
        parent=parent,
        other_parent=other_parent,
    )


def client_for(user: User | None) -> APIClient:
    """An API client logged in with a real bearer token (or anonymous for None)."""
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api_client_for():
    return client_for
