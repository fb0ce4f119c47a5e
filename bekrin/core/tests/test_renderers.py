"""A person in a browser: staff logged in to the admin open API URLs, and every one answers JSON, never a 500.

DRF's browsable API answered 500 on most URLs for a staff session (its forms need a view's serializer_class); it
is gone (config/settings.py, DEFAULT_RENDERER_CLASSES), and a client that accepts only HTML gets JSON, not 406.
"""

import re

import pytest
from django.test import Client

from bekrin.core.tests.test_access import ROUTES, concrete_path
from bekrin.testing.docs import docs_script
from bekrin.testing.schools import populate_school

pytestmark = pytest.mark.django_db

# What a browser sends when a person opens a URL (Chromium and Firefox alike end in */*).
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
# Pages whose own format is not JSON: the interactive docs and the schema (YAML unless JSON is asked).
OTHER_FORMATS = {"/api/docs": "text/html", "/api/schema": "application/vnd.oai.openapi"}
GET_ROUTES = [route for route, view_class in ROUTES if view_class is not None and hasattr(view_class, "get")]


@pytest.fixture
def school():
    return populate_school()


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html"], ids=["browser", "html-only"])
@pytest.mark.parametrize("persona", ["teacher", "admin"])
def test_staff_with_an_admin_session_get_json_from_every_api_url(client, school, persona, accept):
    client.force_login(getattr(school, persona))
    answers = {}
    for route in GET_ROUTES:
        path = concrete_path(route)
        response = client.get(path, HTTP_ACCEPT=accept)
        answers[path] = (response.status_code, response["Content-Type"].split(";")[0])

    # /api/health answers 503 here, where no judge worker runs: an answer about the deployment, not a failure.
    wrong = {
        path: (status, content_type)
        for path, (status, content_type) in answers.items()
        if (status >= 500 and path != "/api/health")
        or status == 406
        or content_type != OTHER_FORMATS.get(path, "application/json")
    }
    assert wrong == {}
    assert len(answers) >= 40
    # Lists answer with their rows, not only errors.
    for path in ("/api/teacher/groups", "/api/teacher/students", "/api/teacher/payments"):
        assert client.get(path, HTTP_ACCEPT=accept).json()["count"] > 0, path


def test_a_paper_asked_for_as_a_pdf_that_does_not_exist_answers_a_json_404(client, school):
    client.force_login(school.teacher)
    response = client.get(concrete_path("/api/tests/<int:pk>/pdf"), HTTP_ACCEPT="application/pdf")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_format_parameter_is_still_a_404(client, school):
    client.force_login(school.teacher)
    assert client.get("/api/teacher/groups?format=api", HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 404


def test_the_docs_page_sends_the_admin_sessions_csrf_token_so_a_session_can_write(school):
    client = Client(enforce_csrf_checks=True)
    client.force_login(school.teacher)
    page = client.get("/api/docs", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == 200
    script = docs_script(client, page.content.decode())
    sent = re.search(r'request\.headers\["X-CSRFToken"\] = "(\w+)"', script, re.IGNORECASE)
    assert sent is not None

    def create_topic(name: str, **headers):
        return client.post("/api/teacher/coding/topics", {"name": name}, content_type="application/json", **headers)

    assert create_topic("Sətirlər").status_code == 403  # a session without the token cannot write
    assert create_topic("Sətirlər", HTTP_X_CSRFTOKEN=sent[1]).status_code == 201
