"""The attendance grid page and its save, through Django's client: scoping, intended statuses, errors, queries."""

import json
from datetime import date

import pytest
from django.test import Client

from bekrin.attendance.models import AttendanceRecord
from bekrin.testing.factories import AdminFactory, GroupFactory, MembershipFactory, OrganizationFactory, TeacherFactory
from bekrin.testing.web import client_of, queries_of

pytestmark = pytest.mark.django_db

MONTH = "2026-03"  # Mondays and Thursdays: 2, 5, 9, 12 … 30 March
MONDAY = "2026-03-02"


def group_of(teacher, students: int = 2):
    group = GroupFactory(teacher=teacher, days_of_week=[1, 4])
    members = [
        MembershipFactory(group=group, joined_at=date(2026, 1, 1), student__full_name=name).student
        for name in ["Əli Həsənov", "Ayşə Quliyeva", "İlkin Məmmədov", "Ülviyyə Səfərova", "Orxan Babayev"][:students]
    ]
    return group, members


def save(client: Client, group, items, period=("2026-03-01", "2026-03-31")):
    body = {"group_id": group.pk, "from": period[0], "to": period[1], "items": items}
    return client.post("/teacher/attendance/cells", json.dumps(body), content_type="application/json")


def test_the_grid_shows_students_by_the_azerbaijani_alphabet_and_the_lesson_days():
    teacher = TeacherFactory()
    group, _members = group_of(teacher, students=3)

    page = client_of(teacher).get(f"/teacher/attendance?group_id={group.pk}&month={MONTH}").content.decode()

    positions = [page.index(name) for name in ("Ayşə Quliyeva", "Əli Həsənov", "İlkin Məmmədov")]
    assert positions == sorted(positions)
    assert page.count('class="cell status-none"') == 3 * 9  # nine Mondays and Thursdays in March 2026
    assert 'aria-label="Bazar ertəsi, 2 Mart, Əli Həsənov: Qeyd olunmayıb"' in page


def test_a_save_sends_the_intended_status_so_repeating_it_changes_nothing():
    teacher = TeacherFactory()
    group, (ali, _ayse) = group_of(teacher)
    client = client_of(teacher)
    cell = {"student_id": ali.pk, "lesson_date": MONDAY, "status": "late"}

    first, again = save(client, group, [cell]), save(client, group, [cell])

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    answer = again.json()
    assert answer["cells"][str(ali.pk)][MONDAY] == ["late", "G", "Bazar ertəsi, 2 Mart, Əli Həsənov: Gecikib"]
    assert answer["rows"][str(ali.pk)] == {"attended": 1, "marked": 1, "rate": "100,0%"}
    assert answer["columns"][MONDAY] == {"attended": 1, "marked": 1, "rate": "100,0%"}
    assert answer["message"] == "Saxlanıldı."
    assert AttendanceRecord.objects.get().status == "late"

    cleared = save(client, group, [{**cell, "status": None}])
    assert cleared.json()["cells"][str(ali.pk)][MONDAY][0] is None
    assert not AttendanceRecord.objects.exists()


def test_the_answer_carries_the_offices_save_on_the_same_grid_so_nothing_is_lost():
    teacher, office = TeacherFactory(), AdminFactory()
    group, (ali, ayse) = group_of(teacher)
    save(client_of(office), group, [{"student_id": ayse.pk, "lesson_date": MONDAY, "status": "absent"}])
    answer = save(client_of(teacher), group, [{"student_id": ali.pk, "lesson_date": MONDAY, "status": "present"}])
    assert answer.json()["cells"][str(ayse.pk)][MONDAY][0] == "absent"
    assert answer.json()["columns"][MONDAY] == {"attended": 1, "marked": 2, "rate": "50,0%"}


def test_another_schools_group_is_missing_on_the_page_and_in_the_save():
    mine = TeacherFactory()
    theirs = TeacherFactory(organization=OrganizationFactory(name="Digər məktəb", slug="diger"))
    their_group, (their_student, _other) = group_of(theirs)
    client = client_of(mine)

    page = client.get(f"/teacher/attendance?group_id={their_group.pk}&month={MONTH}")
    saved = save(client, their_group, [{"student_id": their_student.pk, "lesson_date": MONDAY, "status": "present"}])

    assert page.status_code == 404
    assert saved.status_code == 404
    assert saved.json()["error"]["code"] == "not_found"
    assert not AttendanceRecord.objects.exists()


def test_another_schools_student_in_my_group_is_refused_and_nothing_is_written():
    mine = TeacherFactory()
    group, (ali, _ayse) = group_of(mine)
    theirs = TeacherFactory(organization=OrganizationFactory(name="Digər məktəb", slug="diger"))
    _their_group, (their_student, _other) = group_of(theirs)

    answer = save(
        client_of(mine),
        group,
        [
            {"student_id": ali.pk, "lesson_date": MONDAY, "status": "present"},
            {"student_id": their_student.pk, "lesson_date": MONDAY, "status": "present"},
        ],
    )

    assert answer.status_code in (400, 404)
    assert "error" in answer.json()
    assert not AttendanceRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("[1, 2]", None),
        ("not json", None),
        ('{"group_id": 1, "from": "2026-03-01", "to": "2026-03-31", "items": []}', "items"),
        (
            '{"group_id": 1, "from": "2026-03-31", "to": "2026-03-01", "items": [{"student_id": 1, '
            '"lesson_date": "2026-03-02", "status": "present"}]}',
            None,
        ),
        (
            '{"group_id": 1, "from": "2026-03-01", "to": "2026-03-31", "items": [{"student_id": 1, '
            '"lesson_date": "2026-03-02", "status": "toggle"}]}',
            "items[0].status",
        ),
    ],
    ids=["not an object", "not json", "no cells", "backwards period", "unknown status"],
)
def test_a_bad_save_is_400_in_the_error_shape(body, field):
    teacher = TeacherFactory()
    answer = client_of(teacher).post("/teacher/attendance/cells", body, content_type="application/json")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    if field:
        assert field in error["fields"]


def test_a_bad_period_on_the_page_is_said_on_the_page():
    teacher = TeacherFactory()
    group, _members = group_of(teacher)
    page = client_of(teacher).get(f"/teacher/attendance?group_id={group.pk}&month=2026-13")
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


def test_the_grid_page_and_the_home_run_as_many_queries_for_forty_students_as_for_two():
    small_teacher, big_teacher = TeacherFactory(), TeacherFactory()
    small, (ali, _ayse) = group_of(small_teacher, students=2)
    big = GroupFactory(teacher=big_teacher, days_of_week=[1, 3, 5])
    big_members = [MembershipFactory(group=big, joined_at=date(2026, 1, 1)).student for _ in range(40)]
    GroupFactory(teacher=big_teacher, days_of_week=[1, 2, 3, 4, 5, 6, 7])
    save(client_of(small_teacher), small, [{"student_id": ali.pk, "lesson_date": MONDAY, "status": "present"}])
    save(
        client_of(big_teacher),
        big,
        [{"student_id": student.pk, "lesson_date": MONDAY, "status": "late"} for student in big_members],
    )

    for path in ("/teacher/attendance?group_id={group}&month=" + MONTH, "/teacher/"):
        counts = [
            queries_of(client_of(teacher), path.format(group=group.pk))
            for teacher, group in ((small_teacher, small), (big_teacher, big))
        ]
        assert counts[0] == counts[1], (path, counts)
