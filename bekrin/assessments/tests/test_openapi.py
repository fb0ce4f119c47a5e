"""Every tests endpoint is in the published OpenAPI schema, with its methods."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/teacher/tests": {"get", "post"},
    "/api/teacher/tests/{id}": {"get", "patch", "delete"},
    "/api/teacher/tests/{id}/restore": {"post"},
    "/api/teacher/tests/{id}/answer-key": {"get", "post", "put"},
    "/api/teacher/tests/{id}/assignments": {"get", "post"},
    "/api/teacher/tests/{id}/assignments/{assignment_id}": {"delete"},
    "/api/teacher/tests/{id}/attempts": {"get"},
    "/api/teacher/tests/attempts/{id}": {"get", "patch"},
    "/api/tests/{id}/pdf": {"get"},
    "/api/student/tests": {"get"},
    "/api/student/tests/{id}": {"get"},
    "/api/student/tests/{id}/attempts": {"post"},
    "/api/student/tests/attempts": {"get"},
    "/api/student/tests/attempts/{id}": {"get", "patch"},
    "/api/student/tests/attempts/{id}/submit": {"post"},
}


def test_every_tests_endpoint_is_documented():
    paths = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()["paths"]
    for path, methods in ENDPOINTS.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path


def test_the_upload_and_the_paper_are_documented_as_files():
    paths = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()["paths"]
    create = paths["/api/teacher/tests"]["post"]
    assert create["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].endswith("TestWriteInRequest")
    assert set(create["responses"]) >= {"201", "400", "413"}
    assert "application/pdf" in paths["/api/tests/{id}/pdf"]["get"]["responses"]["200"]["content"]
