import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_attendance_endpoints_are_in_the_openapi_schema_with_the_grid_shape():
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()
    teacher = schema["paths"]["/api/teacher/attendance"]
    assert set(teacher) >= {"get", "patch", "put"}
    assert {p["name"] for p in teacher["get"]["parameters"]} == {"group_id", "month", "from", "to"}
    assert teacher["patch"]["requestBody"] == teacher["put"]["requestBody"]
    student = schema["paths"]["/api/student/attendance"]["get"]
    assert {p["name"] for p in student["parameters"]} == {"group_id", "month", "from", "to"}
    grid = schema["components"]["schemas"]["AttendanceGridOut"]["properties"]
    assert set(grid) == {"group", "from", "to", "dates", "students", "totals"}
    row = schema["components"]["schemas"]["AttendanceGridStudentOut"]["properties"]
    assert set(row) == {"id", "full_name", "records", "summary"}
