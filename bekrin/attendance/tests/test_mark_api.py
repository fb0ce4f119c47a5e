from datetime import date, timedelta

import pytest
from django.utils.dateparse import parse_datetime

from bekrin.attendance.models import AttendanceRecord
from bekrin.attendance.tests.factories import AttendanceRecordFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/attendance"


@pytest.fixture
def group(personas):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    MembershipFactory(group=group, student=personas.other_student)
    return group


def cell(group, student, day="2026-03-02", status="present", **extra):
    return {"group_id": group.pk, "student_id": student.pk, "lesson_date": day, "status": status, **extra}


def test_one_cell_is_stored_with_who_marked_it_and_when(personas, api_client_for, group):
    response = api_client_for(personas.teacher).patch(
        URL, cell(group, personas.student, note="Vaxtında gəldi"), format="json"
    )
    assert response.status_code == 200
    [stored] = response.json()["items"]
    record = AttendanceRecord.objects.get()
    assert (record.group_id, record.student_id, record.lesson_date) == (group.pk, personas.student.pk, date(2026, 3, 2))
    assert (record.status, record.note, record.marked_by_id) == ("present", "Vaxtında gəldi", personas.teacher.pk)
    assert record.organization_id is None
    assert stored == {
        "group_id": group.pk,
        "student_id": personas.student.pk,
        "lesson_date": "2026-03-02",
        "status": "present",
        "note": "Vaxtında gəldi",
        "marked_by_id": personas.teacher.pk,
        "marked_at": stored["marked_at"],
    }
    assert parse_datetime(stored["marked_at"]) == record.marked_at


def test_saving_the_same_cell_again_updates_the_one_row(personas, api_client_for, group):
    client = api_client_for(personas.teacher)
    client.patch(URL, cell(group, personas.student), format="json")
    first = AttendanceRecord.objects.get()
    response = client.put(URL, cell(group, personas.student, status="late"), format="json")
    assert response.status_code == 200
    again = AttendanceRecord.objects.get()
    assert again.pk == first.pk
    assert again.status == "late"
    assert again.marked_at >= first.marked_at


def test_an_omitted_note_is_kept_and_a_null_note_clears_it(personas, api_client_for, group):
    client = api_client_for(personas.teacher)
    client.patch(URL, cell(group, personas.student, note="Xəstə idi", status="excused"), format="json")
    client.patch(URL, cell(group, personas.student, status="absent"), format="json")
    assert AttendanceRecord.objects.values_list("status", "note").get() == ("absent", "Xəstə idi")
    response = client.patch(URL, cell(group, personas.student, status="absent", note=None), format="json")
    assert response.json()["items"][0]["note"] is None
    assert AttendanceRecord.objects.values_list("note", flat=True).get() is None


def test_status_null_clears_the_cell(personas, api_client_for, group):
    AttendanceRecordFactory(group=group, student=personas.student, lesson_date=date(2026, 3, 2))
    client = api_client_for(personas.teacher)
    response = client.patch(URL, cell(group, personas.student, status=None), format="json")
    assert response.status_code == 200
    assert response.json()["items"] == [
        {
            "group_id": group.pk,
            "student_id": personas.student.pk,
            "lesson_date": "2026-03-02",
            "status": None,
            "note": None,
            "marked_by_id": None,
            "marked_at": None,
        }
    ]
    assert not AttendanceRecord.objects.exists()
    # Clearing an empty cell is harmless.
    assert client.patch(URL, cell(group, personas.student, status=None), format="json").status_code == 200


def test_many_cells_in_one_request_with_a_repeated_cell_taking_its_last_value(personas, api_client_for, group):
    AttendanceRecordFactory(group=group, student=personas.other_student, lesson_date=date(2026, 3, 5))
    items = [
        cell(group, personas.student, "2026-03-02", "present"),
        cell(group, personas.other_student, "2026-03-02", "absent"),
        cell(group, personas.student, "2026-03-02", "late"),
        cell(group, personas.other_student, "2026-03-05", None),
    ]
    response = api_client_for(personas.teacher).patch(URL, {"items": items}, format="json")
    assert response.status_code == 200
    assert [(c["student_id"], c["lesson_date"], c["status"]) for c in response.json()["items"]] == [
        (personas.student.pk, "2026-03-02", "late"),
        (personas.other_student.pk, "2026-03-02", "absent"),
        (personas.other_student.pk, "2026-03-05", None),
    ]
    assert set(AttendanceRecord.objects.values_list("student_id", "lesson_date", "status")) == {
        (personas.student.pk, date(2026, 3, 2), "late"),
        (personas.other_student.pk, date(2026, 3, 2), "absent"),
    }


def test_a_thousand_cells_in_one_request_are_saved(personas, api_client_for, group):
    items = [
        cell(group, student, (date(2024, 1, 1) + timedelta(days=offset)).isoformat(), "present")
        for offset in range(500)
        for student in (personas.student, personas.other_student)
    ]
    response = api_client_for(personas.teacher).patch(URL, {"items": items}, format="json")
    assert response.status_code == 200
    assert AttendanceRecord.objects.count() == 1000


def test_more_than_a_thousand_cells_is_a_400_and_writes_nothing(personas, api_client_for, group):
    items = [cell(group, personas.student, (date(2024, 1, 1) + timedelta(days=n)).isoformat()) for n in range(1001)]
    response = api_client_for(personas.teacher).patch(URL, {"items": items}, format="json")
    assert response.status_code == 400
    assert "items" in response.json()["error"]["fields"]
    assert not AttendanceRecord.objects.exists()


def test_a_student_who_was_never_a_member_is_a_400_naming_the_item_and_nothing_is_written(
    personas, api_client_for, group
):
    outsider = StudentFactory()
    items = [cell(group, personas.student), cell(group, outsider)]
    response = api_client_for(personas.teacher).patch(URL, {"items": items}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("not_a_member", ["items[1].student_id"])
    assert not AttendanceRecord.objects.exists()


def test_a_former_member_may_still_be_marked(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student, is_active=False)
    response = api_client_for(personas.teacher).patch(URL, cell(group, personas.student), format="json")
    assert response.status_code == 200


def test_a_deleted_group_is_a_400_naming_the_item(personas, api_client_for, group):
    group.mark_deleted()
    group.save()
    response = api_client_for(personas.teacher).patch(URL, {"items": [cell(group, personas.student)]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "group_deleted"
    assert list(response.json()["error"]["fields"]) == ["items[0].group_id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "sick"}, "items[1].status"),
        ({"status": ""}, "items[1].status"),
        ({"lesson_date": "2026-02-30"}, "items[1].lesson_date"),
        ({"lesson_date": "02.03.2026"}, "items[1].lesson_date"),
        ({"student_id": "abc"}, "items[1].student_id"),
        ({"group_id": None}, "items[1].group_id"),
        ({"note": "x" * 2001}, "items[1].note"),
        ({"note": "a\u0000b"}, "items[1].note"),
        ({"lesson_date": "0001-01-01"}, "items[1].lesson_date"),
        ({"lesson_date": "1899-12-31"}, "items[1].lesson_date"),
        ({"lesson_date": "9999-12-31"}, "items[1].lesson_date"),
    ],
)
def test_a_bad_item_is_a_400_naming_it_and_nothing_is_written(personas, api_client_for, group, change, field):
    items = [cell(group, personas.student), {**cell(group, personas.other_student), **change}]
    response = api_client_for(personas.teacher).patch(URL, {"items": items}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]
    assert not AttendanceRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "group_id"),
        ({"group_id": 1, "student_id": 1, "lesson_date": "2026-03-02"}, "status"),
        ({"items": []}, "items"),
        ({"items": "all"}, "items"),
    ],
)
def test_a_bad_body_is_a_400(personas, api_client_for, body, field):
    response = api_client_for(personas.teacher).patch(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_single_bad_cell_names_the_field_without_an_item_prefix(personas, api_client_for, group):
    response = api_client_for(personas.teacher).patch(URL, cell(group, personas.student, status="sick"), format="json")
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_another_schools_group_or_student_is_a_404_naming_the_item(personas, api_client_for, group):
    foreign_group = GroupFactory(teacher=personas.other_teacher)
    foreign_student = StudentFactory(organization=personas.other_teacher.organization)
    MembershipFactory(group=foreign_group, student=foreign_student)
    client = api_client_for(personas.teacher)

    response = client.patch(
        URL, {"items": [cell(group, personas.student), cell(foreign_group, foreign_student)]}, format="json"
    )
    assert response.status_code == 404
    assert list(response.json()["error"]["fields"]) == ["items[1].group_id"]
    response = client.patch(URL, cell(group, foreign_student), format="json")
    assert response.status_code == 404
    assert list(response.json()["error"]["fields"]) == ["student_id"]
    # A group of another school answers exactly like one that does not exist.
    foreign = client.patch(URL, cell(foreign_group, foreign_student), format="json").json()["error"]
    missing = client.patch(URL, {**cell(foreign_group, foreign_student), "group_id": 987654321}, format="json")
    assert missing.status_code == 404
    assert (missing.json()["error"]["code"], list(missing.json()["error"]["fields"])) == ("not_found", ["group_id"])
    assert foreign["message"] == missing.json()["error"]["message"]
    assert not AttendanceRecord.objects.exists()


def test_another_schools_teacher_writes_with_their_organization(personas, api_client_for):
    group = GroupFactory(teacher=personas.other_teacher)
    student = StudentFactory(organization=personas.other_teacher.organization)
    MembershipFactory(group=group, student=student)
    response = api_client_for(personas.other_teacher).patch(URL, cell(group, student), format="json")
    assert response.status_code == 200
    assert AttendanceRecord.objects.get().organization_id == personas.other_teacher.organization_id


@pytest.mark.parametrize("persona", ["student", "parent", "other_student"])
def test_students_and_parents_may_not_mark_attendance(personas, api_client_for, group, persona):
    response = api_client_for(getattr(personas, persona)).patch(URL, cell(group, personas.student), format="json")
    assert response.status_code == 403
    assert not AttendanceRecord.objects.exists()


def test_the_admin_may_mark_attendance(personas, api_client_for, group):
    response = api_client_for(personas.admin).patch(URL, cell(group, personas.student), format="json")
    assert response.status_code == 200
    assert AttendanceRecord.objects.get().marked_by_id == personas.admin.pk
