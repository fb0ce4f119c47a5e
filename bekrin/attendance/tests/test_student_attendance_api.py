from datetime import date, datetime

import pytest
from django.utils import timezone

from bekrin.attendance.models import AttendanceStatus
from bekrin.attendance.tests.factories import AttendanceRecordFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/student/attendance"
ZERO = {"present": 0, "late": 0, "absent": 0, "excused": 0}


@pytest.fixture
def groups(personas):
    python = GroupFactory(teacher=personas.teacher, code="Python", sort_order=1)
    math = GroupFactory(teacher=personas.teacher, code="Riyaziyyat", sort_order=2)
    joined = timezone.make_aware(datetime(2026, 1, 1))
    for group in (python, math):
        MembershipFactory(group=group, student=personas.student, joined_at=joined)
    MembershipFactory(group=python, student=personas.other_student, joined_at=joined)
    marks = [
        (python, date(2026, 3, 2), AttendanceStatus.PRESENT),
        (python, date(2026, 3, 5), AttendanceStatus.LATE),
        (python, date(2026, 3, 9), AttendanceStatus.ABSENT),
        (python, date(2026, 3, 12), AttendanceStatus.EXCUSED),
        (python, date(2026, 4, 2), AttendanceStatus.ABSENT),
    ]
    for group, day, status in marks:
        AttendanceRecordFactory(group=group, student=personas.student, lesson_date=day, status=status)
    AttendanceRecordFactory(group=python, student=personas.other_student, lesson_date=date(2026, 3, 2))
    return {"python": python, "math": math}


def test_a_student_sees_own_records_and_a_summary_per_group(personas, api_client_for, groups):
    response = api_client_for(personas.student).get(URL, {"month": "2026-03"})
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-03-31")
    python = groups["python"].pk
    assert body["records"] == [
        {"group_id": python, "lesson_date": "2026-03-02", "status": "present", "note": None},
        {"group_id": python, "lesson_date": "2026-03-05", "status": "late", "note": None},
        {"group_id": python, "lesson_date": "2026-03-09", "status": "absent", "note": None},
        {"group_id": python, "lesson_date": "2026-03-12", "status": "excused", "note": None},
    ]
    assert body["groups"] == [
        {
            "group": {"id": python, "display_name": groups["python"].display_name},
            "summary": {"present": 1, "late": 1, "absent": 1, "excused": 1},
            "attendance_rate": 66.7,  # present and late out of present, late and absent; excused left out
        },
        {
            "group": {"id": groups["math"].pk, "display_name": groups["math"].display_name},
            "summary": ZERO,
            "attendance_rate": None,
        },
    ]


def test_a_range_and_a_group_narrow_it(personas, api_client_for, groups):
    body = (
        api_client_for(personas.student)
        .get(URL, {"from": "2026-03-05", "to": "2026-04-30", "groupId": groups["python"].pk})
        .json()
    )
    assert [r["lesson_date"] for r in body["records"]] == ["2026-03-05", "2026-03-09", "2026-03-12", "2026-04-02"]
    assert [g["group"]["id"] for g in body["groups"]] == [groups["python"].pk]
    assert body["groups"][0]["attendance_rate"] == 33.3


def test_without_a_period_it_is_the_current_month(personas, api_client_for, groups):
    body = api_client_for(personas.student).get(URL).json()
    today = timezone.localdate()
    assert body["from"] == today.replace(day=1).isoformat()


def test_a_group_the_student_never_was_in_is_a_404(personas, api_client_for, groups):
    other = GroupFactory(teacher=personas.teacher)
    foreign = GroupFactory(teacher=personas.other_teacher)
    client = api_client_for(personas.student)
    for group in (other, foreign):
        response = client.get(URL, {"group_id": group.pk})
        assert response.status_code == 404


def test_records_of_a_deleted_group_are_hidden(personas, api_client_for, groups):
    groups["python"].mark_deleted()
    groups["python"].save()
    body = api_client_for(personas.student).get(URL, {"month": "2026-03"}).json()
    assert body["records"] == []
    assert [g["group"]["id"] for g in body["groups"]] == [groups["math"].pk]


def test_another_student_sees_only_their_own(personas, api_client_for, groups):
    body = api_client_for(personas.other_student).get(URL, {"month": "2026-03"}).json()
    assert [(r["group_id"], r["lesson_date"]) for r in body["records"]] == [(groups["python"].pk, "2026-03-02")]
    assert body["groups"][0]["summary"] == {**ZERO, "present": 1}
    assert body["groups"][0]["attendance_rate"] == 100.0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "03-2026"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"from": "2026-03-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-06-01"}, "to"),
    ],
)
def test_bad_periods_are_a_400(personas, api_client_for, query, field):
    response = api_client_for(personas.student).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_last_month_of_the_calendar_is_a_month_like_any_other(personas, api_client_for, groups):
    response = api_client_for(personas.student).get(URL, {"month": "9999-12"})
    assert response.status_code == 200, response.content
    assert (response.json()["from"], response.json()["to"]) == ("9999-12-01", "9999-12-31")


@pytest.mark.parametrize("persona", ["teacher", "admin", "parent", "other_teacher"])
def test_only_students_use_the_student_endpoint(personas, api_client_for, persona):
    assert api_client_for(getattr(personas, persona)).get(URL).status_code == 403


def test_student_attendance_costs_a_fixed_number_of_queries(
    personas, api_client_for, groups, django_assert_num_queries
):
    client = api_client_for(personas.student)
    # 1-2 knox, 3 the records of the period, 4 the groups (with a record, or a membership overlapping the period)
    with django_assert_num_queries(4):
        client.get(URL, {"month": "2026-03"})


def test_empty_query_parameters_count_as_absent(personas, api_client_for, groups):
    client = api_client_for(personas.student)
    empty = client.get(URL, {"group_id": "", "groupId": "", "month": "2026-03", "from": "", "to": ""})
    assert empty.status_code == 200, empty.content
    assert empty.json() == client.get(URL, {"month": "2026-03"}).json()


def test_an_empty_group_id_on_the_grid_is_missing_not_malformed(personas, api_client_for):
    response = api_client_for(personas.teacher).get("/api/teacher/attendance", {"group_id": "", "month": "2026-03"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["group_id"]
    assert response.json()["error"]["fields"]["group_id"] != ["A valid integer is required."]
