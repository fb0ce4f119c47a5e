from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bekrin.attendance.models import AttendanceStatus
from bekrin.attendance.tests.factories import AttendanceRecordFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/attendance"
ZERO = {"present": 0, "late": 0, "absent": 0, "excused": 0}


def local(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


def member(group, student=None, *, joined: date = date(2026, 1, 10), left: date | None = None):
    student = student or StudentFactory()
    MembershipFactory(
        group=group,
        student=student,
        joined_at=local(joined),
        left_at=local(left) if left else None,
        is_active=left is None,
    )
    return student


@pytest.fixture
def group(personas):
    return GroupFactory(teacher=personas.teacher, code="Qrup1", days_of_week=[1, 4])  # Monday and Thursday


def test_march_grid_has_the_scheduled_dates_plus_record_dates_and_the_right_rows(personas, api_client_for, group):
    stays = member(group, StudentFactory(full_name="Zaur"))
    left_with_record = member(group, StudentFactory(full_name="Aydan"), left=date(2026, 2, 20))
    member(group, StudentFactory(full_name="Gedib"), left=date(2026, 2, 20))  # left before March, no record
    member(group, StudentFactory(full_name="Gələcək"), joined=date(2026, 4, 5))  # joins after March
    joins_mid_month = member(group, StudentFactory(full_name="Çinarə"), joined=date(2026, 3, 15))
    AttendanceRecordFactory(group=group, student=stays, lesson_date=date(2026, 3, 2), status=AttendanceStatus.PRESENT)
    AttendanceRecordFactory(
        group=group, student=stays, lesson_date=date(2026, 3, 7), status=AttendanceStatus.LATE, note="Əvəz dərsi"
    )
    AttendanceRecordFactory(
        group=group, student=left_with_record, lesson_date=date(2026, 3, 2), status=AttendanceStatus.ABSENT
    )
    AttendanceRecordFactory(group=group, student=stays, lesson_date=date(2026, 4, 2))  # outside the month

    response = api_client_for(personas.teacher).get(URL, {"group_id": group.pk, "month": "2026-03"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"group", "from", "to", "dates", "students", "totals"}
    assert body["group"] == {
        "id": group.pk,
        "display_name": "Qrup1: 1-4 11:00",
        "days_of_week": [1, 4],
        "start_time": "11:00",
    }
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-03-31")
    assert body["dates"] == [
        "2026-03-02",
        "2026-03-05",
        "2026-03-07",  # a Saturday: only because it has a record
        "2026-03-09",
        "2026-03-12",
        "2026-03-16",
        "2026-03-19",
        "2026-03-23",
        "2026-03-26",
        "2026-03-30",
    ]
    assert [s["full_name"] for s in body["students"]] == ["Aydan", "Çinarə", "Zaur"]
    rows = {s["id"]: s for s in body["students"]}
    assert rows[stays.pk]["records"] == {
        "2026-03-02": {"status": "present", "note": None},
        "2026-03-07": {"status": "late", "note": "Əvəz dərsi"},
    }
    assert rows[stays.pk]["summary"] == {**ZERO, "present": 1, "late": 1}
    assert rows[left_with_record.pk]["summary"] == {**ZERO, "absent": 1}
    assert rows[joins_mid_month.pk] == {"id": joins_mid_month.pk, "full_name": "Çinarə", "records": {}, "summary": ZERO}
    assert body["totals"]["2026-03-02"] == {**ZERO, "present": 1, "absent": 1}
    assert body["totals"]["2026-03-07"] == {**ZERO, "late": 1}
    assert body["totals"]["2026-03-30"] == ZERO
    assert set(body["totals"]) == set(body["dates"])


def test_a_range_works_like_a_month_and_groupId_is_accepted(personas, api_client_for, group):
    member(group)
    body = (
        api_client_for(personas.teacher)
        .get(URL, {"groupId": group.pk, "from": "2026-03-04", "to": "2026-03-10"})
        .json()
    )
    assert body["dates"] == ["2026-03-05", "2026-03-09"]
    assert (body["from"], body["to"]) == ("2026-03-04", "2026-03-10")


def test_a_group_without_days_shows_only_dates_with_records(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher, days_of_week=[])
    student = member(group)
    AttendanceRecordFactory(group=group, student=student, lesson_date=date(2026, 3, 3))
    body = api_client_for(personas.teacher).get(URL, {"group_id": group.pk, "month": "2026-03"}).json()
    assert body["dates"] == ["2026-03-03"]


def test_soft_deleted_students_vanish_from_the_grid(personas, api_client_for, group):
    gone = member(group)
    AttendanceRecordFactory(group=group, student=gone, lesson_date=date(2026, 3, 3))
    profile = gone.student_profile
    profile.mark_deleted()
    profile.save()
    body = api_client_for(personas.teacher).get(URL, {"group_id": group.pk, "month": "2026-03"}).json()
    assert body["students"] == []
    assert "2026-03-03" not in body["dates"]


def grid_queries(client, group, **period) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"group_id": group.pk, **period})
    assert response.status_code == 200
    return len(queries)


def test_the_grid_costs_the_same_queries_for_40_students_a_month_as_for_2_a_week(
    personas, api_client_for, django_assert_num_queries
):
    client = api_client_for(personas.teacher)
    small = GroupFactory(teacher=personas.teacher, days_of_week=[1, 3, 5])
    for _ in range(2):
        student = member(small)
        AttendanceRecordFactory(group=small, student=student, lesson_date=date(2026, 3, 2))
    big = GroupFactory(teacher=personas.teacher, days_of_week=[1, 3, 5])
    statuses = list(AttendanceStatus)
    for index in range(40):
        student = member(big)
        for offset in range(0, 31, 2):
            day = date(2026, 3, 1) + timedelta(days=offset)
            AttendanceRecordFactory(group=big, student=student, lesson_date=day, status=statuses[(index + offset) % 4])

    # 1-2 knox (token with user; the user's tokens), 3 the group (group_id among visible groups), 4 the students
    # (membership overlapping the range, or a record in it), 5 the records of the range
    with django_assert_num_queries(5):
        client.get(URL, {"group_id": small.pk, "from": "2026-03-02", "to": "2026-03-08"})
    with django_assert_num_queries(5):
        body = client.get(URL, {"group_id": big.pk, "month": "2026-03"}).json()
    assert len(body["students"]) == 40
    assert sum(sum(s["summary"].values()) for s in body["students"]) == 40 * 16


def test_a_year_range_works(personas, api_client_for, group):
    student = member(group, joined=date(2024, 1, 1))
    AttendanceRecordFactory(group=group, student=student, lesson_date=date(2024, 12, 31))
    client = api_client_for(personas.teacher)
    body = client.get(URL, {"group_id": group.pk, "from": "2024-01-01", "to": "2024-12-31"}).json()  # 366 days
    assert body["dates"][0] == "2024-01-01"  # a Monday
    assert body["dates"][-1] == "2024-12-31"  # a Tuesday, with a record
    assert len(body["dates"]) == 105 + 1
    assert body["students"][0]["records"] == {"2024-12-31": {"status": "present", "note": None}}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2026-03"}, "group_id"),
        ({"group_id": "x", "month": "2026-03"}, "group_id"),
        ({}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"month": "March"}, "month"),
        ({"month": "2026-03", "from": "2026-03-01", "to": "2026-03-02"}, "month"),
        ({"from": "2026-03-01"}, "to"),
        ({"to": "2026-03-01"}, "from"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "to"),  # 367 days
        ({"from": "2026-02-30", "to": "2026-03-02"}, "from"),
    ],
)
def test_bad_grid_queries_are_a_400_naming_the_parameter(personas, api_client_for, group, query, field):
    query = {"group_id": group.pk, **query} if "group_id" not in query and field != "group_id" else query
    response = api_client_for(personas.teacher).get(URL, query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


def test_another_schools_group_or_a_deleted_one_is_a_404(personas, api_client_for):
    foreign = GroupFactory(teacher=personas.other_teacher)
    deleted = GroupFactory(teacher=personas.teacher)
    deleted.mark_deleted()
    deleted.save()
    client = api_client_for(personas.teacher)
    for group in (foreign, deleted):
        response = client.get(URL, {"group_id": group.pk, "month": "2026-03"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert (
        api_client_for(personas.other_teacher).get(URL, {"group_id": foreign.pk, "month": "2026-03"}).status_code == 200
    )


@pytest.mark.parametrize("persona", ["student", "parent", "other_parent"])
def test_students_and_parents_may_not_read_the_grid(personas, api_client_for, group, persona):
    response = api_client_for(getattr(personas, persona)).get(URL, {"group_id": group.pk, "month": "2026-03"})
    assert response.status_code == 403


@pytest.mark.parametrize("month", ["0000-01", "0999-12", "10000-01", "2026-13"])
def test_a_month_outside_the_calendar_is_a_400(personas, api_client_for, group, month):
    response = api_client_for(personas.teacher).get(URL, {"group_id": group.pk, "month": month})
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["month"]


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [("1000-01", "1000-01-01", "1000-01-31"), ("9999-12", "9999-12-01", "9999-12-31"), ("2028-02", None, "2028-02-29")],
)
def test_the_first_and_last_months_of_four_digit_years_work(personas, api_client_for, group, month, first, last):
    response = api_client_for(personas.teacher).get(URL, {"group_id": group.pk, "month": month})
    assert response.status_code == 200, response.content
    assert (response.json()["from"], response.json()["to"]) == (first or f"{month}-01", last)


def test_a_range_at_the_end_of_the_allowed_years_works(personas, api_client_for, group):
    query = {"group_id": group.pk, "from": "9998-12-01", "to": "9998-12-31"}
    assert api_client_for(personas.teacher).get(URL, query).status_code == 200


def _rows_read_from(plan: dict, table: str) -> int:
    """The rows the plan's scans of `table` touched: those they returned plus those their filters dropped."""
    here = 0
    if plan.get("Relation Name") == table:
        here = (plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)) * plan["Actual Loops"]
    return here + sum(_rows_read_from(child, table) for child in plan.get("Plans", []))


def test_the_grid_reads_its_group_s_students_not_every_student_of_the_school(personas, api_client_for, group):
    StudentFactory.create_batch(300)  # the rest of the school, in no group
    first, second = member(group), member(group)
    AttendanceRecordFactory(group=group, student=first, lesson_date=date(2026, 3, 2))
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "user", student_profile, group_membership, attendance_record')
    with CaptureQueriesContext(connection) as queries:
        response = api_client_for(personas.teacher).get(URL, {"group_id": group.pk, "month": "2026-03"})
    assert {row["id"] for row in response.json()["students"]} == {first.pk, second.pk}
    (students_sql,) = [query["sql"] for query in queries.captured_queries if 'FROM "user"' in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {students_sql}")
        plan = cursor.fetchone()[0][0]["Plan"]
    assert _rows_read_from(plan, "user") <= 2
