"""The login page, logout, the password page, the language switch and the error pages, through Django's client."""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.testing.factories import (
    PASSWORD,
    AdminFactory,
    ParentFactory,
    StudentFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yeni-şifrə-2026"


def login(client: Client, email: str, password: str, **extra):
    return client.post("/", {"email": email, "password": password, **extra}, REMOTE_ADDR="10.0.0.9")


@pytest.mark.parametrize(
    ("factory", "home"),
    [
        (TeacherFactory, "/teacher/"),
        (AdminFactory, "/teacher/"),
        (StudentFactory, "/student/"),
        (ParentFactory, "/parent/"),
    ],
)
def test_each_role_logs_in_on_the_one_page_and_lands_on_its_home(factory, home):
    user = factory()
    client = Client()

    response = login(client, user.email.upper(), PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200
    assert client.get("/")["Location"] == home  # logged in: the login page sends them on


def test_a_wrong_password_answers_the_form_again_with_the_reason():
    teacher = TeacherFactory()

    response = login(Client(), teacher.email, "yanlış")

    assert response.status_code == 400
    assert "E-poçt və ya şifrə yanlışdır." in response.content.decode()
    assert teacher.email in response.content.decode()  # what was typed stays


def test_the_login_page_locks_as_the_api_login_does(settings):
    settings.AXES_FAILURE_LIMIT = 3
    teacher = TeacherFactory()
    answers = [login(Client(), teacher.email, f"yanlış-{n}").status_code for n in range(4)]
    assert answers == [400, 400, 400, 429]
    assert login(Client(), teacher.email, PASSWORD).status_code == 429
    api = APIClient(REMOTE_ADDR="10.0.0.9").post(
        "/api/auth/login", {"email": teacher.email, "password": PASSWORD}, format="json"
    )
    assert api.status_code == 429


def test_after_login_the_page_asked_for_opens_but_never_another_site():
    teacher = TeacherFactory()
    asked = Client().get("/teacher/attendance?month=2026-12")
    assert asked.status_code == 302
    assert asked["Location"] == "/?next=/teacher/attendance%3Fmonth%3D2026-12"

    inside = login(Client(), teacher.email, PASSWORD, next="/teacher/attendance?month=2026-12")
    outside = login(Client(), teacher.email, PASSWORD, next="https://pis.example/teacher/")
    assert inside["Location"] == "/teacher/attendance?month=2026-12"
    assert outside["Location"] == "/teacher/"


def test_logout_takes_a_post_and_ends_the_session():
    client = Client()
    client.force_login(TeacherFactory())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout")["Location"] == "/"
    assert client.get("/teacher/").status_code == 302


def test_the_password_page_changes_it_keeps_this_session_and_ends_the_others():
    student = StudentFactory()
    here, elsewhere = Client(), Client()
    here.force_login(student)
    elsewhere.force_login(student)
    AuthToken.objects.create(user=student)  # the mobile app's login

    response = here.post(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Şifrəniz dəyişdirildi." in response.content.decode()
    assert here.get("/student/").status_code == 200
    assert elsewhere.get("/student/").status_code == 302
    assert not AuthToken.objects.filter(user=student).exists()
    assert login(Client(), student.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("typed", "field_error"),
    [
        (
            {"current_password": "yanlış", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            "Hazırkı şifrə yanlışdır.",
        ),
        (
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_again": "başqa-şifrə-1"},
            "İki yeni şifrə fərqlidir.",
        ),
        (
            {"current_password": PASSWORD, "password": PASSWORD, "password_again": PASSWORD},
            "Yeni şifrə hazırkı ilə eynidir.",
        ),
    ],
    ids=["wrong current", "two differ", "same as current"],
)
def test_the_password_page_says_what_is_wrong_and_changes_nothing(typed, field_error):
    teacher = TeacherFactory()
    client = Client()
    client.force_login(teacher)

    response = client.post("/account/password", typed)

    assert response.status_code == 400
    assert field_error in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)


def test_pages_speak_azerbaijani_until_the_switch_says_english_and_the_api_follows_its_header():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="az">' in client.get("/").content.decode()

    switched = client.post("/language", {"language": "en", "next": "/"})

    assert switched.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
    api = APIClient().post("/api/auth/login", {"email": "x@bekrin.test", "password": "y"}, format="json")
    assert api.json()["error"]["message"] == "E-poçt və ya şifrə yanlışdır."
    api_en = APIClient().post(
        "/api/auth/login", {"email": "x@bekrin.test", "password": "y"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert api_en.json()["error"]["message"] == "Email or password is wrong."


def test_a_missing_page_is_a_page_and_a_missing_endpoint_is_json():
    page = Client().get("/yoxdur")
    api = Client().get("/api/yoxdur")
    assert page.status_code == api.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert "Belə səhifə yoxdur" in page.content.decode()
    assert api.json()["error"]["code"] == "not_found"


def test_every_page_carries_a_strict_content_security_policy():
    policy = Client().get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    for kind in ("script-src", "style-src", "default-src"):
        sources = directives[kind].split()
        assert sources[0] == "'self'", policy
        assert all(source.startswith("'nonce-") for source in sources[1:]), policy  # no 'unsafe-…', no host
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
