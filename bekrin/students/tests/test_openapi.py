import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_student_and_parent_endpoints_are_in_the_openapi_schema():
    paths = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()["paths"]
    assert set(paths["/api/teacher/students"]) >= {"get", "post"}
    assert set(paths["/api/teacher/students/{id}"]) >= {"get", "patch", "delete"}
    assert "post" in paths["/api/teacher/students/{id}/restore"]
    assert "409" in paths["/api/teacher/students/{id}/hard"]["delete"]["responses"]
    links = paths["/api/teacher/students/{id}/parents"]
    assert links["post"]["requestBody"] and links["delete"]["requestBody"]
    assert set(paths["/api/teacher/parents"]) >= {"get", "post"}
    assert set(paths["/api/teacher/parents/{id}"]) >= {"get", "patch"}
    listing = {p["name"] for p in paths["/api/teacher/students"]["get"]["parameters"]}
    assert listing >= {"status", "group_id", "search", "page", "page_size"}
