from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from bekrin.accounts.models import User
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile
from bekrin.testing.factories import (
    PASSWORD,
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    ParentFactory,
    ParentLinkFactory,
    StudentFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/teacher/students"


def detail(student_id: int) -> str:
    return f"{URL}/{student_id}"


def login(email: str, password: str) -> int:
    return APIClient().post("/api/auth/login", {"email": email, "password": password}, format="json").status_code


@pytest.mark.production_hashers
def test_create_makes_user_profile_memberships_parent_and_link_in_one_go(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    payload = {
        "full_name": "Nərgiz Əliyeva",
        "email": " Nergiz@Bekrin.test ",
        "phone": "+994 50 000 00 01",
        "grade": "7A",
        "notes": "Riyaziyyata marağı var",
        "password": "Kəpənək-uçur-2026",
        "group_ids": [group.pk],
        "parent": {"full_name": "Səbinə Əliyeva", "email": "sebine@bekrin.test", "relation": "ana"},
    }
    response = api_client_for(personas.teacher).post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    student = User.objects.get(pk=body["id"])
    assert (student.email, student.role, student.organization_id) == ("nergiz@bekrin.test", Role.STUDENT, None)
    assert student.password.startswith("argon2")
    assert StudentProfile.objects.get(pk=student.pk).grade == "7A"
    assert body["grade"] == "7A"
    assert body["balance"] == "0.00"
    assert body["groups"] == [
        {"id": group.pk, "display_name": group.display_name, "joined_at": body["groups"][0]["joined_at"]}
    ]
    parent = User.objects.get(email="sebine@bekrin.test")
    assert parent.role == Role.PARENT
    assert ParentProfile.objects.filter(pk=parent.pk).exists()
    assert body["parents"] == [
        {
            "id": parent.pk,
            "full_name": "Səbinə Əliyeva",
            "email": "sebine@bekrin.test",
            "phone": None,
            "relation": "ana",
        }
    ]
    assert ParentStudent.objects.get(parent=parent, student=student).organization_id is None
    # The student chose a password; the new parent got a generated one, shown once.
    assert [p["email"] for p in body["passwords"]] == ["sebine@bekrin.test"]
    assert "password" not in body
    assert login("nergiz@bekrin.test", "Kəpənək-uçur-2026") == 200
    assert login("sebine@bekrin.test", body["passwords"][0]["password"]) == 200


def test_without_a_password_one_is_generated_returned_once_and_works(personas, api_client_for):
    client = api_client_for(personas.teacher)
    body = client.post(
        URL, {"full_name": "Orxan Rzayev", "email": "orxan@bekrin.test", "grade": "9"}, format="json"
    ).json()
    [issued] = body["passwords"]
    assert issued["email"] == "orxan@bekrin.test"
    assert len(issued["password"]) >= 12
    assert login("orxan@bekrin.test", issued["password"]) == 200
    again = client.get(detail(body["id"])).json()
    assert "passwords" not in again
    assert issued["password"] not in str(again)


def test_an_existing_parent_is_found_by_email_and_linked_not_duplicated(personas, api_client_for):
    payload = {
        "full_name": "Aysel Həsənova",
        "email": "aysel@bekrin.test",
        "grade": "5",
        "parent": {"full_name": "Another name", "email": personas.parent.email.upper(), "relation": "ana"},
    }
    body = api_client_for(personas.teacher).post(URL, payload, format="json").json()
    assert [p["id"] for p in body["parents"]] == [personas.parent.pk]
    assert body["passwords"][0]["email"] == "aysel@bekrin.test"  # only the student's: the parent existed
    personas.parent.refresh_from_db()
    assert personas.parent.full_name == "Gülnarə Həsənova"
    assert ParentStudent.objects.filter(parent=personas.parent).count() == 2


def test_a_duplicate_email_is_a_400_on_the_email_field_in_any_case(personas, api_client_for):
    response = api_client_for(personas.teacher).post(
        URL, {"full_name": "Dublikat", "email": personas.student.email.upper(), "grade": "9"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("email_taken", ["email"])
    assert User.objects.filter(full_name="Dublikat").count() == 0


def test_an_email_of_another_school_is_taken_too(personas, api_client_for):
    response = api_client_for(personas.teacher).post(
        URL, {"full_name": "X", "email": personas.other_teacher.email, "grade": "9"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_taken"


def test_a_parent_email_that_belongs_to_a_student_fails_the_whole_creation(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    payload = {
        "full_name": "Tural Quliyev",
        "email": "tural@bekrin.test",
        "grade": "8",
        "group_ids": [group.pk],
        "parent": {"full_name": "X", "email": personas.other_student.email},
    }
    response = api_client_for(personas.teacher).post(URL, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "email_taken"
    assert error["fields"] == {"parent": {"email": [error["message"]]}}
    assert not User.objects.filter(email="tural@bekrin.test").exists()
    assert not GroupMembership.objects.exists()


def test_a_weak_password_is_a_400_on_the_password_field(personas, api_client_for):
    for weak in ("123", "password", "12345678901"):
        response = api_client_for(personas.teacher).post(
            URL, {"full_name": "X", "email": "x@bekrin.test", "grade": "9", "password": weak}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "weak_password"
        assert list(response.json()["error"]["fields"]) == ["password"]
    assert not User.objects.filter(email="x@bekrin.test").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "a@bekrin.test", "grade": "9"}, "full_name"),
        ({"full_name": "A", "grade": "9"}, "email"),
        ({"full_name": "A", "email": "not-an-email", "grade": "9"}, "email"),
        ({"full_name": "A", "email": "a@bekrin.test"}, "grade"),
        ({"full_name": "A", "email": "a@bekrin.test", "grade": "9", "group_ids": "1"}, "group_ids"),
        ({"full_name": "A", "email": "a@bekrin.test", "grade": "9", "parent": {"full_name": "P"}}, "parent"),
        ({"full_name": "A", "email": "a@bekrin.test", "grade": "9", "parent": "ana"}, "parent"),
    ],
)
def test_bad_student_input_is_a_400_naming_the_field(personas, api_client_for, payload, field):
    response = api_client_for(personas.teacher).post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


def test_a_group_of_another_school_is_a_404_and_nothing_is_created(personas, api_client_for):
    foreign = GroupFactory(teacher=personas.other_teacher)
    response = api_client_for(personas.teacher).post(
        URL, {"full_name": "A", "email": "a@bekrin.test", "grade": "9", "group_ids": [foreign.pk]}, format="json"
    )
    assert response.status_code == 404
    assert "group_ids" in response.json()["error"]["fields"]
    assert not User.objects.filter(email="a@bekrin.test").exists()


def test_a_student_created_by_another_schools_teacher_belongs_to_that_school(personas, api_client_for):
    body = (
        api_client_for(personas.other_teacher)
        .post(URL, {"full_name": "A", "email": "a@bekrin.test", "grade": "9"}, format="json")
        .json()
    )
    assert User.objects.get(pk=body["id"]).organization_id == personas.other_teacher.organization_id
    assert api_client_for(personas.teacher).get(detail(body["id"])).status_code == 404


@pytest.mark.parametrize("typed", ["əli", "ƏLİ", "Əli", "həsənov əli", "HƏSƏN"])
def test_search_finds_azerbaijani_names_in_any_case(personas, api_client_for, typed):
    StudentFactory(full_name="İlkin Şükürov")
    body = api_client_for(personas.teacher).get(URL, {"search": typed}).json()
    assert [s["full_name"] for s in body["results"]] == ["Əli Həsənov"]


def test_search_handles_dotted_and_dotless_i(personas, api_client_for):
    StudentFactory(full_name="İlkin Şükürov")
    StudentFactory(full_name="Işıq Abbasova")
    client = api_client_for(personas.teacher)
    assert [s["full_name"] for s in client.get(URL, {"search": "ilkin"}).json()["results"]] == ["İlkin Şükürov"]
    assert [s["full_name"] for s in client.get(URL, {"search": "İLKİN"}).json()["results"]] == ["İlkin Şükürov"]
    assert [s["full_name"] for s in client.get(URL, {"search": "ışıq"}).json()["results"]] == ["Işıq Abbasova"]
    assert [s["full_name"] for s in client.get(URL, {"search": "IŞIQ"}).json()["results"]] == ["Işıq Abbasova"]


def test_search_matches_email_and_phone(personas, api_client_for):
    StudentFactory(full_name="Telefonlu", phone="+994 55 123 45 67", email="tel@bekrin.test")
    client = api_client_for(personas.teacher)
    assert [s["full_name"] for s in client.get(URL, {"search": "123 45"}).json()["results"]] == ["Telefonlu"]
    assert [s["full_name"] for s in client.get(URL, {"search": "TEL@"}).json()["results"]] == ["Telefonlu"]


def test_list_is_in_azerbaijani_alphabetical_order_and_only_the_schools_students(personas, api_client_for):
    for name in ("Zaur", "Çingiz", "Cavid", "İlkin", "Ilqar", "Şahin", "Sara"):
        StudentFactory(full_name=name)
    StudentFactory(full_name="Başqa məktəb", organization=personas.other_teacher.organization)
    body = api_client_for(personas.teacher).get(URL).json()
    assert [s["full_name"] for s in body["results"]] == [
        "Cavid",
        "Çingiz",
        "Əli Həsənov",
        "Ilqar",
        "İlkin",
        "Leyla Quliyeva",
        "Sara",
        "Şahin",
        "Zaur",
    ]


def test_list_filters_by_group_also_spelled_groupId(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    MembershipFactory(group=group, student=personas.other_student, is_active=False)
    client = api_client_for(personas.teacher)
    for key in ("group_id", "groupId"):
        assert [s["id"] for s in client.get(URL, {key: group.pk}).json()["results"]] == [personas.student.pk]


def test_a_group_filter_of_another_school_or_not_a_number_is_refused(personas, api_client_for):
    client = api_client_for(personas.teacher)
    foreign = GroupFactory(teacher=personas.other_teacher)
    assert client.get(URL, {"group_id": foreign.pk}).status_code == 404
    bad = client.get(URL, {"group_id": "abc"})
    assert bad.status_code == 400
    assert "group_id" in bad.json()["error"]["fields"]
    assert client.get(URL, {"status": "all"}).status_code == 400


def test_list_shows_groups_parents_and_balance(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher, name="Riyaziyyat")
    MembershipFactory(group=group, student=personas.student)
    StudentProfile.objects.filter(pk=personas.student.pk).update(balance=Decimal("120.00"))
    row = next(s for s in api_client_for(personas.teacher).get(URL).json()["results"] if s["id"] == personas.student.pk)
    assert row["balance"] == "120.00"
    assert [g["id"] for g in row["groups"]] == [group.pk]
    assert [p["id"] for p in row["parents"]] == [personas.parent.pk]
    assert row["parents"][0]["relation"] == "ana"


def test_student_list_costs_a_fixed_number_of_queries(personas, api_client_for, django_assert_num_queries):
    client = api_client_for(personas.teacher)
    # 1-2 knox (token with user; the user's tokens), 3 count, 4 the page (user + profile), 5 active memberships
    # with groups, 6 parent links with parents
    with django_assert_num_queries(6):
        client.get(URL)
    for _ in range(20):
        student = StudentFactory()
        MembershipFactory(group=GroupFactory(teacher=personas.teacher), student=student)
        ParentLinkFactory(student=student)
    with django_assert_num_queries(6):
        assert client.get(URL).json()["count"] == 22


def test_patch_changes_profile_and_user_fields_and_sets_the_groups(personas, api_client_for):
    stay = GroupFactory(teacher=personas.teacher)
    leave = GroupFactory(teacher=personas.teacher)
    join = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=stay, student=personas.student)
    MembershipFactory(group=leave, student=personas.student)
    response = api_client_for(personas.teacher).patch(
        detail(personas.student.pk),
        {
            "grade": "10",
            "notes": "",
            "phone": "+994 70 1",
            "email": "ali.new@bekrin.test",
            "group_ids": [stay.pk, join.pk],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["grade"], body["notes"], body["phone"], body["email"]) == (
        "10",
        None,
        "+994 70 1",
        "ali.new@bekrin.test",
    )
    assert {g["id"] for g in body["groups"]} == {stay.pk, join.pk}
    left = GroupMembership.objects.get(group=leave, student=personas.student)
    assert (left.is_active, left.left_at is not None) == (False, True)


def test_patch_to_an_email_in_use_is_a_400(personas, api_client_for):
    response = api_client_for(personas.teacher).patch(
        detail(personas.student.pk), {"email": personas.parent.email}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_taken"


def test_patch_with_a_new_password_lets_the_student_log_in_with_it(personas, api_client_for):
    response = api_client_for(personas.teacher).patch(
        detail(personas.student.pk), {"password": "Təzə-parol-2026"}, format="json"
    )
    assert response.status_code == 200
    assert login(personas.student.email, "Təzə-parol-2026") == 200


def test_a_new_password_revokes_every_token_and_session_the_student_had(personas, api_client_for):
    by_token = [api_client_for(personas.student), api_client_for(personas.student)]
    by_session = APIClient()
    by_session.force_login(personas.student)
    assert all(client.get("/api/auth/me").status_code == 200 for client in [*by_token, by_session])

    response = api_client_for(personas.teacher).patch(
        detail(personas.student.pk), {"password": "Təzə-parol-2026"}, format="json"
    )

    assert response.status_code == 200
    assert [client.get("/api/auth/me").status_code for client in [*by_token, by_session]] == [401, 401, 401]
    assert not AuthToken.objects.filter(user=personas.student).exists()
    assert login(personas.student.email, "Təzə-parol-2026") == 200


def test_a_patch_without_a_password_change_keeps_the_students_tokens(personas, api_client_for):
    student_client = api_client_for(personas.student)
    response = api_client_for(personas.teacher).patch(
        detail(personas.student.pk), {"full_name": "Əli Həsənli", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert student_client.get("/api/auth/me").status_code == 200


def test_soft_delete_blocks_login_ends_memberships_and_keeps_history(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    student_client = api_client_for(personas.student)
    teacher = api_client_for(personas.teacher)

    assert teacher.delete(detail(personas.student.pk)).status_code == 204

    assert student_client.get("/api/auth/me").status_code == 401
    assert login(personas.student.email, "correct-horse-battery-9") == 400
    membership = GroupMembership.objects.get(group=group, student=personas.student)
    assert membership.is_active is False
    assert membership.left_at == StudentProfile.all_objects.get(pk=personas.student.pk).deleted_at
    assert ParentStudent.objects.filter(student=personas.student).exists()
    assert teacher.get(detail(personas.student.pk)).status_code == 404
    assert personas.student.pk not in [s["id"] for s in teacher.get(URL).json()["results"]]
    deleted = teacher.get(URL, {"status": "deleted"}).json()["results"]
    assert [s["id"] for s in deleted] == [personas.student.pk]
    assert deleted[0]["deleted_at"] is not None
    assert deleted[0]["is_active"] is False
    assert [s["id"] for s in teacher.get(URL, {"status": "deleted", "group_id": group.pk}).json()["results"]] == [
        personas.student.pk
    ]


def test_restore_undoes_the_soft_delete_including_the_memberships_it_ended(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    earlier = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    MembershipFactory(group=earlier, student=personas.student, is_active=False)
    teacher = api_client_for(personas.teacher)
    teacher.delete(detail(personas.student.pk))

    response = teacher.post(f"{detail(personas.student.pk)}/restore")
    assert response.status_code == 200
    assert response.json()["deleted_at"] is None
    assert [g["id"] for g in response.json()["groups"]] == [group.pk]  # not the group left long before
    assert login(personas.student.email, "correct-horse-battery-9") == 200
    assert teacher.post(f"{detail(personas.student.pk)}/restore").status_code == 200


def test_hard_delete_needs_a_soft_delete_first(personas, api_client_for):
    response = api_client_for(personas.teacher).delete(f"{detail(personas.student.pk)}/hard")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_deleted"
    assert User.objects.filter(pk=personas.student.pk).exists()


def test_hard_delete_removes_the_user_and_everything_pointing_at_it_and_reports_counts(personas, api_client_for):
    from bekrin.attendance.tests.factories import AttendanceRecordFactory

    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    AttendanceRecordFactory(group=group, student=personas.student, marked_by=personas.teacher)
    teacher = api_client_for(personas.teacher)
    teacher.delete(detail(personas.student.pk))

    response = teacher.delete(f"{detail(personas.student.pk)}/hard")
    assert response.status_code == 200
    deleted = response.json()["deleted"]
    assert deleted["user"] == 1
    assert deleted["student_profile"] == 1
    assert deleted["group_membership"] == 1
    assert deleted["attendance_record"] == 1
    assert deleted["parent_student"] == 1
    assert all(count > 0 for count in deleted.values())
    assert not User.objects.filter(pk=personas.student.pk).exists()
    assert User.objects.filter(pk=personas.parent.pk).exists()
    assert teacher.delete(f"{detail(personas.student.pk)}/hard").status_code == 404


def test_another_schools_student_is_a_404_everywhere(personas, api_client_for):
    foreign = StudentFactory(organization=OrganizationFactory(slug="diger"))
    client = api_client_for(personas.teacher)
    assert client.get(detail(foreign.pk)).status_code == 404
    assert client.patch(detail(foreign.pk), {"grade": "1"}, format="json").status_code == 404
    assert client.delete(detail(foreign.pk)).status_code == 404
    assert client.post(f"{detail(foreign.pk)}/restore").status_code == 404
    assert client.delete(f"{detail(foreign.pk)}/hard").status_code == 404
    assert (
        client.post(f"{detail(foreign.pk)}/parents", {"parent_id": personas.parent.pk}, format="json").status_code
        == 404
    )
    assert StudentProfile.objects.get(pk=foreign.pk).grade == "9"


def test_users_who_are_not_students_are_not_found_as_students(personas, api_client_for):
    client = api_client_for(personas.teacher)
    for user in (personas.parent, personas.teacher, TeacherFactory()):
        assert client.get(detail(user.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["student", "parent", "other_student", "other_parent"])
def test_students_and_parents_may_not_use_teacher_student_endpoints(personas, api_client_for, persona):
    client = api_client_for(getattr(personas, persona))
    assert client.get(URL).status_code == 403
    assert client.get(detail(personas.student.pk)).status_code == 403
    assert client.delete(detail(personas.student.pk)).status_code == 403
    assert StudentProfile.objects.get(pk=personas.student.pk).deleted_at is None


def test_the_admin_manages_the_same_students_as_the_teacher(personas, api_client_for):
    body = api_client_for(personas.admin).get(URL).json()
    assert {s["id"] for s in body["results"]} == {personas.student.pk, personas.other_student.pk}


def test_detail_query_count_does_not_grow_with_groups_and_parents(personas, api_client_for):
    client = api_client_for(personas.teacher)
    with CaptureQueriesContext(connection) as few:
        client.get(detail(personas.student.pk))
    for _ in range(5):
        MembershipFactory(group=GroupFactory(teacher=personas.teacher), student=personas.student)
        ParentLinkFactory(student=personas.student, parent=ParentFactory())
    with CaptureQueriesContext(connection) as many:
        body = client.get(detail(personas.student.pk)).json()
    assert (len(body["groups"]), len(body["parents"])) == (5, 6)
    assert len(many) == len(few)
