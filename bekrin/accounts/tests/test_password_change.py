"""POST /api/auth/password: a person changes their own password; their other logins end, the one in use stays."""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.testing.factories import PASSWORD, StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yeni-şifrə-2026"


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="10.0.0.7")
    return client


def logged_in(email: str, password: str) -> str:
    response = APIClient().post("/api/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_student_changes_their_password_keeps_this_token_and_loses_the_others():
    student = StudentFactory(email="aysel@bekrin.test")
    in_use, elsewhere = logged_in(student.email, PASSWORD), logged_in(student.email, PASSWORD)
    browser = Client()
    browser.force_login(student)
    assert browser.get("/api/auth/me").status_code == 200

    response = bearer(in_use).post(
        "/api/auth/password", {"current_password": PASSWORD, "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204, response.content
    assert bearer(in_use).get("/api/auth/me").status_code == 200
    assert bearer(elsewhere).get("/api/auth/me").status_code == 401
    assert browser.get("/api/auth/me").status_code in (401, 403)
    assert AuthToken.objects.filter(user=student).count() == 1
    assert logged_in(student.email, NEW_PASSWORD)
    failed = APIClient().post("/api/auth/login", {"email": student.email, "password": PASSWORD}, format="json")
    assert failed.status_code == 400


def test_a_wrong_current_password_is_an_error_on_that_field_and_changes_nothing():
    teacher = TeacherFactory()
    token = logged_in(teacher.email, PASSWORD)

    response = bearer(token).post(
        "/api/auth/password", {"current_password": "yanlış", "password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_credentials"
    assert list(error["fields"]) == ["current_password"]
    assert logged_in(teacher.email, PASSWORD)


def test_wrong_current_passwords_lock_like_wrong_logins(settings):
    settings.AXES_FAILURE_LIMIT = 3
    teacher = TeacherFactory()
    token = logged_in(teacher.email, PASSWORD)
    answers = [
        bearer(token)
        .post("/api/auth/password", {"current_password": f"yanlış-{n}", "password": NEW_PASSWORD}, format="json")
        .status_code
        for n in range(4)
    ]
    assert answers == [400, 400, 400, 429]
    locked = bearer(token).post(
        "/api/auth/password", {"current_password": PASSWORD, "password": NEW_PASSWORD}, format="json"
    )
    assert locked.status_code == 429


@pytest.mark.parametrize(
    ("new", "why"), [("12345678", "numeric"), ("short", "too short"), (PASSWORD, "the current one")]
)
def test_a_weak_or_unchanged_new_password_is_refused_on_the_password_field(new, why):
    student = StudentFactory()
    token = logged_in(student.email, PASSWORD)

    response = bearer(token).post("/api/auth/password", {"current_password": PASSWORD, "password": new}, format="json")

    assert response.status_code == 400, why
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("weak_password", ["password"]), why
    assert bearer(token).get("/api/auth/me").status_code == 200


def test_missing_fields_are_named():
    token = logged_in(StudentFactory().email, PASSWORD)
    response = bearer(token).post("/api/auth/password", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"current_password", "password"}
