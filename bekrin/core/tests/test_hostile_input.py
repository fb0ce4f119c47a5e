"""Hostile client input answers 4xx in the error shape, never a 500: bodies nested to exhaust the recursion, NUL
characters in headers, paths and queries, and more fields or files than Django reads. (A NUL inside a JSON or
form value is refused by each field's own validation.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient

from bekrin.core.parsers import JsonParser
from bekrin.core.tests.test_access import ROUTES
from bekrin.testing.factories import TeacherFactory

pytestmark = pytest.mark.django_db

TOO_MANY_FIELDS = "&".join(f"field{number}=1" for number in range(1001))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def teacher_client(api_client_for):
    return api_client_for(TeacherFactory())


@pytest.fixture
def staff_admin_client(settings):
    """A logged-in staff user on the admin, in production mode: with DEBUG on, Django answers a refused request
    with its technical page (same status) instead of handler400."""
    settings.DEBUG = False
    client = Client()
    client.force_login(TeacherFactory(is_staff=True))
    return client


def test_json_nested_100000_deep_is_a_parse_error():
    body = "[" * 100_000 + "]" * 100_000
    response = APIClient().post("/api/auth/login", body, content_type="application/json")
    assert response.status_code == 400
    assert error_code(response) == "parse_error"


def test_every_view_that_reads_json_reads_it_with_our_parser():
    readers = {
        route: [type(parser).__name__ for parser in view_class().get_parsers() if isinstance(parser, JSONParser)]
        for route, view_class in ROUTES
    }
    assert {route: names for route, names in readers.items() if names not in ([], ["JsonParser"])} == {}
    assert any(names == [JsonParser.__name__] for names in readers.values())


@pytest.mark.parametrize("path", ["/api/auth/me", "/api/teacher/groups", "/api/teacher/students", "/api/health/live"])
def test_a_nul_byte_in_the_bearer_token_is_a_400_on_any_endpoint(path):
    response = APIClient().get(path, HTTP_AUTHORIZATION="Bearer abc\x00def")
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_COOKIE": "sessionid=abc\x00def"}, {"HTTP_ACCEPT_LANGUAGE": "en\x00"}, {"CONTENT_TYPE": "text/\x00"}],
)
def test_a_nul_byte_in_any_other_header_is_a_400(headers):
    response = APIClient().post("/api/auth/login", **headers)
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


@pytest.mark.parametrize(
    "path",
    [
        "/api/teacher/payments?student_id=%00",
        "/api/teacher/students?search=%00",
        "/api/teacher/coding/submissions?task_id=1%00",
        "/api/teacher/groups/%00",
    ],
)
def test_a_nul_byte_in_a_list_filter_or_the_path_is_a_400(teacher_client, path):
    response = teacher_client.get(path)
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


def test_more_than_1000_query_parameters_is_a_400(teacher_client):
    response = teacher_client.get(f"/api/teacher/students?{TOO_MANY_FIELDS}")
    assert response.status_code == 400
    assert error_code(response) == "too_many_fields"


def test_more_than_1000_form_fields_is_a_400(teacher_client):
    response = teacher_client.post(
        "/api/teacher/tests", TOO_MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert error_code(response) == "too_many_fields"


def test_more_than_1000_multipart_fields_is_a_400(teacher_client):
    fields = {f"field{number}": "1" for number in range(1001)}
    response = teacher_client.post("/api/teacher/bulk-import/users", fields, format="multipart")
    assert response.status_code == 400
    assert error_code(response) == "too_many_fields"


@pytest.mark.parametrize("path", ["/api/teacher/tests", "/api/teacher/bulk-import/users"])
def test_more_than_100_multipart_files_is_a_400(teacher_client, path):
    files = {f"file{number}": SimpleUploadedFile(f"{number}.pdf", b"%PDF-1.4") for number in range(101)}
    response = teacher_client.post(path, files, format="multipart")
    assert response.status_code == 400
    assert error_code(response) == "too_many_files"


@pytest.mark.parametrize("query", ["?role__exact=%00", "?q=%00", "?organization__id__exact=1%00", "?o=%00", "?e=%00"])
def test_a_nul_byte_in_an_admin_filter_or_search_is_a_400(staff_admin_client, query):
    response = staff_admin_client.get(f"/admin/accounts/user/{query}")
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


def test_more_than_1000_fields_posted_to_the_admin_is_a_400_in_the_error_shape(staff_admin_client):
    response = staff_admin_client.post(
        "/admin/accounts/user/", TOO_MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert error_code(response) == "too_many_fields"


def test_more_than_1000_query_parameters_on_an_admin_list_is_a_400(staff_admin_client):
    response = staff_admin_client.get(f"/admin/accounts/user/?{TOO_MANY_FIELDS}")
    assert response.status_code == 400
    assert error_code(response) == "too_many_fields"
