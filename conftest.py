"""Personas shared by every test: each endpoint is checked against all of them."""

from dataclasses import dataclass

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.accounts.models import User
from bekrin.testing.factories import (
    AdminFactory,
    OrganizationFactory,
    ParentFactory,
    ParentLinkFactory,
    StudentFactory,
    TeacherFactory,
)


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
