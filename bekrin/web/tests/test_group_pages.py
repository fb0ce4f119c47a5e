"""The group pages through Django's client: the list's tabs and search, create and edit through the API's rules,
members added and ended with their history, delete and restore, another school's ids, and fixed queries."""

import re
from datetime import date

import pytest

from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.testing.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    StudentFactory,
    TeacherFactory,
)
from bekrin.testing.web import client_of, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return TeacherFactory(full_name="Rəşad Əliyev")


@pytest.fixture
def stranger():
    """A teacher of another school, with a group and a student of theirs."""
    other = TeacherFactory(organization=OrganizationFactory(name="Digər məktəb", slug="diger"))
    MembershipFactory(group=GroupFactory(teacher=other))
    return other


def test_the_list_has_active_and_deleted_tabs_and_an_azerbaijani_search(teacher, stranger):
    GroupFactory(teacher=teacher, name="Şahmat", code=None, days_of_week=[2])
    GroupFactory(teacher=teacher, name="Əlifba", code=None, days_of_week=[3], deleted_at="2026-01-01T00:00Z")
    client = client_of(teacher)

    active = client.get("/teacher/groups").content.decode()
    deleted = client.get("/teacher/groups?status=deleted").content.decode()
    searched = client.get("/teacher/groups?search=sahmat").content.decode()

    assert "Şahmat: 2 11:00" in active and "Əlifba" not in active
    assert "Əlifba: 3 11:00" in deleted and "Şahmat" not in deleted
    assert "Şahmat: 2 11:00" in searched
    assert stranger.taught_groups.get().display_name not in active


def test_a_query_the_list_refuses_is_said_on_the_page(teacher):
    response = client_of(teacher).get("/teacher/groups?ordering=password")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_group_is_created_from_the_form_with_its_schedule(teacher):
    response = client_of(teacher).post(
        "/teacher/groups/new",
        {"name": " Veb proqramlaşdırma ", "code": "", "days_of_week": ["5", "2"], "start_time": "14:30",
         "is_active": "on", "sort_order": ""},
    )  # fmt: skip

    group = StudyGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/teacher/groups/{group.pk}"
    assert (group.name, group.code, group.days_of_week, group.teacher) == ("Veb proqramlaşdırma", None, [2, 5], teacher)
    assert group.display_name == "Veb proqramlaşdırma: 2-5 14:30"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "days_of_week": ["1"]}, "Bu sahə boş ola bilməz."),
        (
            {"name": "Qrup", "days_of_week": ["8"]},
            "Həftənin günləri 1 (bazar ertəsi) ilə 7 (bazar) arasında ədədlərlə yazılır.",
        ),
        ({"name": "Qrup", "days_of_week": ["1"], "start_time": "25:00"}, "Vaxt formatı səhvdir."),
    ],
    ids=["no name", "day 8", "bad time"],
)
def test_a_bad_form_is_answered_again_with_the_reason_and_nothing_is_saved(teacher, form, message):
    response = client_of(teacher).post("/teacher/groups/new", form)
    assert response.status_code == 400
    assert not StudyGroup.objects.exists()
    alert = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert alert and message in alert[1]


def test_an_edit_changes_the_group_and_its_display_name(teacher):
    group = GroupFactory(teacher=teacher, name="Python", code="PY", days_of_week=[1, 4])
    response = client_of(teacher).post(
        f"/teacher/groups/{group.pk}/edit",
        {"name": "Python", "code": "PY2", "days_of_week": ["3"], "start_time": "", "is_active": "on"},
    )
    group.refresh_from_db()
    assert response.status_code == 302
    assert (group.code, group.days_of_week, group.start_time, group.display_name) == ("PY2", [3], None, "PY2: 3")


def test_the_live_display_name_follows_what_is_typed(teacher):
    answer = client_of(teacher).get(
        "/teacher/groups/display-name",
        {"name": "<b>Riyaziyyat</b>", "days_of_week": ["4", "1", "9"], "start_time": "09:00"},
    )
    assert answer.content.decode() == "&lt;b&gt;Riyaziyyat&lt;/b&gt;: 1-4 09:00"


def test_members_are_added_by_search_and_ended_with_their_history_kept(teacher):
    group = GroupFactory(teacher=teacher)
    ali = StudentFactory(full_name="Əli Həsənov")
    client = client_of(teacher)

    found = client.get(f"/teacher/groups/{group.pk}?search=eli").content.decode()
    assert "Əli Həsənov" in found and f'value="{ali.pk}"' in found

    added = client.post(f"/teacher/groups/{group.pk}/members", {"student_ids": [str(ali.pk)]})
    assert added.status_code == 302
    assert GroupMembership.objects.get(group=group, student=ali).is_active

    ended = client.post(f"/teacher/groups/{group.pk}/members/{ali.pk}/end")
    assert ended.status_code == 302
    membership = GroupMembership.objects.get(group=group, student=ali)
    assert not membership.is_active and membership.left_at is not None
    page = client.get(f"/teacher/groups/{group.pk}").content.decode()
    assert "Keçmiş üzvlər (1)" in page


def test_a_group_is_deleted_and_restored(teacher):
    group = GroupFactory(teacher=teacher)
    client = client_of(teacher)

    assert client.post(f"/teacher/groups/{group.pk}/delete")["Location"] == "/teacher/groups"
    assert StudyGroup.all_objects.get(pk=group.pk).deleted_at is not None
    assert client.get(f"/teacher/groups/{group.pk}/edit").status_code == 404
    assert client.post(f"/teacher/groups/{group.pk}/members", {"student_ids": ["1"]}).status_code == 404

    assert client.post(f"/teacher/groups/{group.pk}/restore").status_code == 302
    assert StudyGroup.objects.get(pk=group.pk).deleted_at is None


def test_another_schools_group_and_student_are_missing_on_every_page_and_form(teacher, stranger):
    their_group = stranger.taught_groups.get()
    their_student = their_group.memberships.get().student
    mine = GroupFactory(teacher=teacher)
    client = client_of(teacher)
    pk = their_group.pk

    answers = {
        "page": client.get(f"/teacher/groups/{pk}").status_code,
        "edit": client.get(f"/teacher/groups/{pk}/edit").status_code,
        "edit post": client.post(f"/teacher/groups/{pk}/edit", {"name": "x", "days_of_week": ["1"]}).status_code,
        "add": client.post(f"/teacher/groups/{pk}/members", {"student_ids": [str(their_student.pk)]}).status_code,
        "end": client.post(f"/teacher/groups/{pk}/members/{their_student.pk}/end").status_code,
        "delete": client.post(f"/teacher/groups/{pk}/delete").status_code,
        "restore": client.post(f"/teacher/groups/{pk}/restore").status_code,
        "their student into my group": client.post(
            f"/teacher/groups/{mine.pk}/members", {"student_ids": [str(their_student.pk)]}
        ).status_code,
        "their teacher on my group": client.post(
            f"/teacher/groups/{mine.pk}/edit", {"name": "x", "days_of_week": ["1"], "teacher_id": str(stranger.pk)}
        ).status_code,
    }

    assert answers == dict.fromkeys(answers, 404)
    assert their_group.memberships.get().is_active
    assert not GroupMembership.objects.filter(group=mine).exists()
    assert StudyGroup.objects.get(pk=pk).deleted_at is None


def test_the_list_and_a_group_page_run_as_many_queries_for_a_big_school_as_for_a_small_one():
    counts = []
    for groups, members in ((1, 1), (12, 30)):
        teacher = TeacherFactory()
        for _ in range(groups):
            group = GroupFactory(teacher=teacher)
            for _ in range(members):
                membership = MembershipFactory(group=group, joined_at=date(2026, 1, 1))
            membership.is_active = False
            membership.save()
        client = client_of(teacher)
        counts.append(
            (queries_of(client, "/teacher/groups"), queries_of(client, f"/teacher/groups/{group.pk}?search=a"))
        )
    assert counts[0] == counts[1]
