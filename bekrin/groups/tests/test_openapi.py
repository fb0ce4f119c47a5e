import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_group_endpoints_are_in_the_openapi_schema_with_their_bodies():
    paths = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()["paths"]
    assert set(paths["/api/teacher/groups"]) >= {"get", "post"}
    assert set(paths["/api/teacher/groups/{id}"]) >= {"get", "patch", "delete"}
    assert "post" in paths["/api/teacher/groups/{id}/restore"]
    members = paths["/api/teacher/groups/{id}/students"]
    assert members["post"]["requestBody"] == members["delete"]["requestBody"]
    assert "delete" in paths["/api/teacher/groups/{id}/students/{student_id}"]
    listing = paths["/api/teacher/groups"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"status", "is_active", "page", "page_size"}
