from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bekrin.groups.models import StudyGroup
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/groups"


def detail(group_id: int) -> str:
    return f"{URL}/{group_id}"


def test_teacher_creates_a_group_with_a_computed_display_name(personas, api_client_for):
    response = api_client_for(personas.teacher).post(
        URL, {"name": "Python başlanğıc", "code": "Qrup1", "days_of_week": [4, 1], "start_time": "11:00"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["display_name"] == "Qrup1: 1-4 11:00"
    assert body["days_of_week"] == [1, 4]
    assert body["start_time"] == "11:00"
    assert body["teacher_id"] == personas.teacher.pk
    assert body["teacher"] == {"id": personas.teacher.pk, "full_name": "Rəşad Əliyev"}
    assert (body["member_count"], body["members"], body["is_active"]) == (0, [], True)
    group = StudyGroup.objects.get(pk=body["id"])
    assert group.organization_id is None


@pytest.mark.parametrize(
    ("payload", "display_name"),
    [
        ({"name": "Riyaziyyat", "days_of_week": [1, 3, 5], "start_time": "09:30"}, "Riyaziyyat: 1-3-5 09:30"),
        ({"name": "Riyaziyyat", "days_of_week": [2]}, "Riyaziyyat: 2"),
        ({"name": "Riyaziyyat", "days_of_week": [], "start_time": "09:30"}, "Riyaziyyat: 09:30"),
        ({"name": "Riyaziyyat", "code": "", "days_of_week": []}, "Riyaziyyat"),
    ],
)
def test_display_name_leaves_out_the_parts_that_are_not_set(personas, api_client_for, payload, display_name):
    response = api_client_for(personas.teacher).post(URL, payload, format="json")
    assert response.status_code == 201
    assert response.json()["display_name"] == display_name


def test_a_group_created_by_another_schools_teacher_belongs_to_that_school(personas, api_client_for):
    body = api_client_for(personas.other_teacher).post(URL, {"name": "X", "days_of_week": [1]}, format="json").json()
    assert StudyGroup.objects.get(pk=body["id"]).organization_id == personas.other_teacher.organization_id


def test_admin_may_name_another_teacher_of_the_school_but_not_one_of_another_school(personas, api_client_for):
    colleague = TeacherFactory()
    client = api_client_for(personas.admin)
    created = client.post(URL, {"name": "X", "days_of_week": [1], "teacher_id": colleague.pk}, format="json")
    assert created.json()["teacher_id"] == colleague.pk
    foreign = client.post(
        URL, {"name": "X", "days_of_week": [1], "teacher_id": personas.other_teacher.pk}, format="json"
    )
    assert foreign.status_code == 404
    assert foreign.json()["error"]["code"] == "not_found"
    assert "teacher_id" in foreign.json()["error"]["fields"]
    student = client.post(URL, {"name": "X", "days_of_week": [1], "teacher_id": personas.student.pk}, format="json")
    assert student.status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"days_of_week": [1]}, "name"),
        ({"name": "X"}, "days_of_week"),
        ({"name": "X", "days_of_week": [0]}, "days_of_week"),
        ({"name": "X", "days_of_week": [8]}, "days_of_week"),
        ({"name": "X", "days_of_week": [1, 1]}, "days_of_week"),
        ({"name": "X", "days_of_week": ["Monday"]}, "days_of_week"),
        ({"name": "X", "days_of_week": [1], "start_time": "25:00"}, "start_time"),
        ({"name": "X", "days_of_week": [1], "start_time": "morning"}, "start_time"),
        ({"name": "X", "days_of_week": [1], "sort_order": "first"}, "sort_order"),
        ({"name": "X" * 201, "days_of_week": [1]}, "name"),
    ],
)
def test_bad_group_input_is_a_400_naming_the_field(personas, api_client_for, payload, field):
    response = api_client_for(personas.teacher).post(URL, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not StudyGroup.all_objects.exists()


def test_list_is_ordered_by_sort_order_then_display_name_with_member_counts(personas, api_client_for):
    late = GroupFactory(teacher=personas.teacher, code=None, name="Zəfər", sort_order=None)
    first = GroupFactory(teacher=personas.teacher, code=None, name="Bakı", sort_order=2)
    second = GroupFactory(teacher=personas.teacher, code=None, name="Ağdam", sort_order=None)
    top = GroupFactory(teacher=personas.teacher, code=None, name="Şuşa", sort_order=1)
    cinar = GroupFactory(teacher=personas.teacher, code=None, name="Çinar", sort_order=None)
    cebrayil = GroupFactory(teacher=personas.teacher, code=None, name="Cəbrayıl", sort_order=None)
    MembershipFactory(group=first, student=personas.student)
    MembershipFactory(group=first, student=personas.other_student)
    MembershipFactory(group=top, student=personas.student, is_active=False)
    GroupFactory(teacher=personas.other_teacher, name="Başqa məktəb")

    body = api_client_for(personas.teacher).get(URL).json()
    assert body["count"] == 6
    # sort_order first (unset last), then display_name in Azerbaijani order: A, C, Ç, …, Z
    assert [g["id"] for g in body["results"]] == [top.pk, first.pk, second.pk, cebrayil.pk, cinar.pk, late.pk]
    assert {g["id"]: g["member_count"] for g in body["results"]}[first.pk] == 2
    assert {g["id"]: g["member_count"] for g in body["results"]}[top.pk] == 0


def test_list_filters_deleted_and_inactive_groups(personas, api_client_for):
    alive = GroupFactory(teacher=personas.teacher)
    paused = GroupFactory(teacher=personas.teacher, is_active=False)
    gone = GroupFactory(teacher=personas.teacher)
    gone.mark_deleted()
    gone.save()
    client = api_client_for(personas.teacher)

    def ids(query: str) -> set[int]:
        return {group["id"] for group in client.get(f"{URL}?{query}").json()["results"]}

    assert ids("") == {alive.pk, paused.pk}
    assert ids("status=active") == {alive.pk, paused.pk}
    assert ids("status=deleted") == {gone.pk}
    assert ids("is_active=false") == {paused.pk}
    assert ids("is_active=true") == {alive.pk}
    assert ids("status=&is_active=&isActive=") == {alive.pk, paused.pk}  # empty parameters filter nothing
    bad = client.get(f"{URL}?status=gone")
    assert bad.status_code == 400
    assert "status" in bad.json()["error"]["fields"]


def test_group_list_costs_the_same_queries_for_one_group_or_thirty(personas, api_client_for, django_assert_num_queries):
    client = api_client_for(personas.teacher)
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group)
    # 1 knox: the token with its user, 2 knox: the user's tokens (expiry sweep), 3 the count for the page,
    # 4 the page with teachers joined and member counts annotated
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    for _ in range(29):
        MembershipFactory(group=GroupFactory(teacher=TeacherFactory()))
    with django_assert_num_queries(4):
        assert client.get(URL).json()["count"] == 30


def test_detail_shows_active_members_in_alphabetical_order(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    zaur = StudentFactory(full_name="Zaur Məmmədov")
    ayse = StudentFactory(full_name="Ayşə Əliyeva")
    ilkin = StudentFactory(full_name="İlkin Şükürov")
    for student in (zaur, ayse, ilkin):
        MembershipFactory(group=group, student=student)
    MembershipFactory(group=group, student=personas.student, is_active=False)

    body = api_client_for(personas.teacher).get(detail(group.pk)).json()
    assert [member["student"]["full_name"] for member in body["members"]] == [
        "Ayşə Əliyeva",
        "İlkin Şükürov",
        "Zaur Məmmədov",
    ]
    assert body["member_count"] == 3
    assert body["members"][0]["student_id"] == ayse.pk
    assert body["members"][0]["is_active"] is True


def test_patch_recomputes_display_name_and_keeps_days_sorted(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher, code="Qrup1", days_of_week=[1, 4], start_time=time(11, 0))
    client = api_client_for(personas.teacher)
    response = client.patch(detail(group.pk), {"days_of_week": [5, 2], "start_time": "18:30"}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Qrup1: 2-5 18:30"
    group.refresh_from_db()
    assert group.days_of_week == [2, 5]
    assert client.patch(detail(group.pk), {"code": None}, format="json").json()["display_name"] == (
        f"{group.name}: 2-5 18:30"
    )
    assert client.patch(detail(group.pk), {"start_time": None}, format="json").json()["display_name"] == (
        f"{group.name}: 2-5"
    )


@pytest.mark.parametrize("days", [[0], [8], [1, 1], [3, 2, 3]])
def test_patch_with_a_bad_or_repeated_day_is_a_400_and_changes_nothing(personas, api_client_for, days):
    group = GroupFactory(teacher=personas.teacher, days_of_week=[1, 4])
    response = api_client_for(personas.teacher).patch(detail(group.pk), {"days_of_week": days}, format="json")
    assert response.status_code == 400
    assert "days_of_week" in response.json()["error"]["fields"]
    group.refresh_from_db()
    assert group.days_of_week == [1, 4]


def test_soft_delete_hides_the_group_and_restore_brings_it_back(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    client = api_client_for(personas.teacher)

    assert client.delete(detail(group.pk)).status_code == 204
    assert client.get(detail(group.pk)).status_code == 404
    assert client.get(URL).json()["count"] == 0
    assert StudyGroup.all_objects.get(pk=group.pk).deleted_at is not None

    restored = client.post(f"{detail(group.pk)}/restore")
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert restored.json()["member_count"] == 1
    assert client.get(detail(group.pk)).status_code == 200
    # Restoring again is harmless.
    assert client.post(f"{detail(group.pk)}/restore").status_code == 200


def test_another_schools_group_is_a_404_for_every_operation(personas, api_client_for):
    foreign = GroupFactory(teacher=personas.other_teacher)
    client = api_client_for(personas.teacher)
    assert client.get(detail(foreign.pk)).status_code == 404
    assert client.patch(detail(foreign.pk), {"name": "Mine"}, format="json").status_code == 404
    assert client.delete(detail(foreign.pk)).status_code == 404
    assert client.post(f"{detail(foreign.pk)}/restore").status_code == 404
    assert client.post(f"{detail(foreign.pk)}/students", {"student_ids": [personas.student.pk]}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.deleted_at is None
    assert foreign.name != "Mine"
    assert client.get(URL).json()["count"] == 0


def test_other_school_sees_only_its_own_groups(personas, api_client_for):
    mine = GroupFactory(teacher=personas.teacher)
    theirs = GroupFactory(teacher=personas.other_teacher)
    other = api_client_for(personas.other_teacher)
    assert [g["id"] for g in other.get(URL).json()["results"]] == [theirs.pk]
    assert other.get(detail(mine.pk)).status_code == 404
    assert other.get(detail(theirs.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["student", "parent", "other_parent", "other_student"])
def test_students_and_parents_may_not_use_group_endpoints(personas, api_client_for, persona):
    group = GroupFactory(teacher=personas.teacher)
    client = api_client_for(getattr(personas, persona))
    assert client.get(URL).status_code == 403
    assert client.get(detail(group.pk)).status_code == 403
    assert client.post(URL, {"name": "X", "days_of_week": [1]}, format="json").status_code == 403


def test_anonymous_gets_401(personas, api_client_for):
    assert api_client_for(None).get(URL).status_code == 401


def test_an_id_too_large_for_the_database_is_a_404(personas, api_client_for):
    assert api_client_for(personas.teacher).get(detail(10**30)).status_code == 404


def test_list_queries_do_not_grow_with_members(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    client = api_client_for(personas.teacher)
    with CaptureQueriesContext(connection) as few:
        client.get(detail(group.pk))
    for _ in range(10):
        MembershipFactory(group=group)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(detail(group.pk)).json()["members"]) == 10
    assert len(many) == len(few)
