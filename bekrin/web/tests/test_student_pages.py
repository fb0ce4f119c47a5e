"""The student pages through Django's client: the list's tabs, search and group filter; create with groups and a
parent, the generated passwords shown once; edit; soft delete, restore, the deletion for good and its preview;
another school's ids; fixed queries."""

import re
from datetime import date

import pytest
from knox.models import AuthToken

from bekrin.accounts.models import User
from bekrin.groups.models import GroupMembership
from bekrin.students.models import ParentStudent, StudentProfile
from bekrin.testing.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    ParentFactory,
    ParentLinkFactory,
    StudentFactory,
    TeacherFactory,
)
from bekrin.testing.web import client_of, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return TeacherFactory(full_name="Rəşad Əliyev")


def test_the_list_searches_the_azerbaijani_way_and_filters_by_group(teacher):
    group = GroupFactory(teacher=teacher)
    MembershipFactory(group=group, student__full_name="Əli Həsənov")
    StudentFactory(full_name="Şahin Quliyev")
    gone = StudentFactory(full_name="Ülkər Səfərova")
    gone.student_profile.deleted_at = "2026-01-01T00:00Z"
    gone.student_profile.save()
    client = client_of(teacher)

    assert "Əli Həsənov" in client.get("/teacher/students?search=eli").content.decode()
    assert "Şahin Quliyev" in client.get("/teacher/students?search=SAHIN").content.decode()
    in_group = client.get(f"/teacher/students?group_id={group.pk}").content.decode()
    assert "Əli Həsənov" in in_group and "Şahin Quliyev" not in in_group
    assert "Ülkər Səfərova" not in client.get("/teacher/students").content.decode()
    assert "Ülkər Səfərova" in client.get("/teacher/students?status=deleted").content.decode()


def test_a_student_is_created_with_a_group_and_a_new_parent_and_the_passwords_are_shown_once(teacher):
    group = GroupFactory(teacher=teacher)
    form = {
        "full_name": "Nərgiz Əhmədova", "email": "nergiz@bekrin.test", "grade": "7", "phone": "", "password": "",
        "group_ids": [str(group.pk)], "parent_email": "ehmed@bekrin.test", "parent_full_name": "Əhməd Əhmədov",
        "parent_relation": "ata",
    }  # fmt: skip

    response = client_of(teacher).post("/teacher/students/new", form)

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    student = User.objects.get(email="nergiz@bekrin.test")
    parent = User.objects.get(email="ehmed@bekrin.test")
    assert GroupMembership.objects.get(student=student).group == group
    assert ParentStudent.objects.get(student=student).parent == parent
    page = response.content.decode()
    passwords = re.findall(r'<code class="fs-5">([^<]+)</code>', page)
    assert len(passwords) == 2
    assert student.check_password(passwords[0]) and parent.check_password(passwords[1])
    assert passwords[0] not in client_of(teacher).get(f"/teacher/students/{student.pk}").content.decode()


def test_an_existing_parent_is_linked_by_email_without_a_new_password(teacher):
    parent = ParentFactory(email="gulnare@bekrin.test")
    form = {"full_name": "Ayan Məmmədli", "email": "ayan@bekrin.test", "grade": "5", "password": "Güclü-şifrə-77",
            "parent_email": "GULNARE@bekrin.test", "parent_full_name": "Gülnarə"}  # fmt: skip

    response = client_of(teacher).post("/teacher/students/new", form)

    assert response.status_code == 201
    assert "<code" not in response.content.decode()
    assert ParentStudent.objects.get(student__email="ayan@bekrin.test").parent == parent


def test_a_taken_email_is_said_on_the_form_and_nothing_is_created(teacher):
    StudentFactory(email="tutulub@bekrin.test")
    form = {"full_name": "Yeni", "email": "tutulub@bekrin.test", "grade": "5"}
    response = client_of(teacher).post("/teacher/students/new", form)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert User.objects.filter(email="tutulub@bekrin.test").count() == 1


def test_an_edit_changes_the_student_and_their_groups(teacher):
    first, second = GroupFactory(teacher=teacher), GroupFactory(teacher=teacher)
    student = MembershipFactory(group=first).student
    form = {"full_name": "Əli Həsənli", "email": student.email, "grade": "10", "group_ids": [str(second.pk)]}

    response = client_of(teacher).post(f"/teacher/students/{student.pk}/edit", form)

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.full_name == "Əli Həsənli"
    assert StudentProfile.objects.get(pk=student.pk).grade == "10"
    assert list(GroupMembership.objects.filter(student=student, is_active=True).values_list("group", flat=True)) == [
        second.pk
    ]


def test_soft_delete_restore_and_the_deletion_for_good_behind_a_preview(teacher):
    student = StudentFactory(full_name="Orxan Babayev")
    ParentLinkFactory(student=student)
    client = client_of(teacher)

    assert "əvvəlcə onu silin" in client.get(f"/teacher/students/{student.pk}/erase").content.decode()
    assert client.post(f"/teacher/students/{student.pk}/erase").status_code == 302
    assert User.objects.filter(pk=student.pk).exists()  # not soft-deleted: refused (409 in the API)

    client.post(f"/teacher/students/{student.pk}/delete")
    assert not User.objects.get(pk=student.pk).is_active
    client.post(f"/teacher/students/{student.pk}/restore")
    assert User.objects.get(pk=student.pk).is_active

    client.post(f"/teacher/students/{student.pk}/delete")
    preview = client.get(f"/teacher/students/{student.pk}/erase").content.decode()
    assert "Orxan Babayev" in preview and ": 1</li>" in preview
    assert client.post(f"/teacher/students/{student.pk}/erase")["Location"] == "/teacher/students"
    assert not User.objects.filter(pk=student.pk).exists()
    assert not ParentStudent.objects.filter(student_id=student.pk).exists()


def test_another_schools_student_and_group_are_missing_on_every_page_and_form(teacher):
    other_school = OrganizationFactory(name="Digər məktəb", slug="diger")
    theirs = StudentFactory(organization=other_school)
    their_group = GroupFactory(teacher=TeacherFactory(organization=other_school))
    client = client_of(teacher)
    pk = theirs.pk

    answers = {
        "page": client.get(f"/teacher/students/{pk}").status_code,
        "edit": client.get(f"/teacher/students/{pk}/edit").status_code,
        "edit post": client.post(f"/teacher/students/{pk}/edit", {"full_name": "x"}).status_code,
        "delete": client.post(f"/teacher/students/{pk}/delete").status_code,
        "restore": client.post(f"/teacher/students/{pk}/restore").status_code,
        "erase": client.get(f"/teacher/students/{pk}/erase").status_code,
        "their group in my new student": client.post(
            "/teacher/students/new",
            {"full_name": "x", "email": "x@bekrin.test", "grade": "5", "group_ids": [str(their_group.pk)]},
        ).status_code,
        "their group in the list filter": client.get(f"/teacher/students?group_id={their_group.pk}").status_code,
    }

    assert answers == dict.fromkeys(answers, 404)
    assert not User.objects.filter(email="x@bekrin.test").exists()
    assert User.objects.get(pk=pk).is_active


def test_the_list_and_a_student_page_run_as_many_queries_for_a_big_school_as_for_a_small_one():
    counts = []
    for students in (1, 30):
        school = OrganizationFactory(name=f"Məktəb {students}", slug=f"m{students}")
        teacher = TeacherFactory(organization=school)
        group = GroupFactory(teacher=teacher)
        for _ in range(students):
            student = MembershipFactory(group=group, joined_at=date(2026, 1, 1)).student
            ParentLinkFactory(student=student)
        client = client_of(teacher)
        counts.append((queries_of(client, "/teacher/students"), queries_of(client, f"/teacher/students/{student.pk}")))
    assert counts[0] == counts[1]


def test_staff_give_a_student_a_new_password_on_a_slip_and_their_logins_end(teacher):
    student = StudentFactory(full_name="Əli Həsənov")
    AuthToken.objects.create(user=student)
    elsewhere = client_of(student)

    slip = client_of(teacher).post(f"/teacher/students/{student.pk}/password")

    assert slip.status_code == 200 and "no-store" in slip["Cache-Control"]
    password = re.search(r'<code class="fs-5">([^<]+)</code>', slip.content.decode())[1]
    student.refresh_from_db()
    assert student.check_password(password)
    assert not AuthToken.objects.filter(user=student).exists()
    assert elsewhere.get("/student/").status_code == 302
    assert client_of(teacher).get(f"/teacher/students/{student.pk}").status_code == 200
    assert password not in client_of(teacher).get(f"/teacher/students/{student.pk}").content.decode()
