import pytest

from bekrin.groups.models import GroupMembership
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db


def members_url(group_id: int) -> str:
    return f"/api/teacher/groups/{group_id}/students"


def test_adding_students_creates_active_memberships_and_answers_the_members(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    second = StudentFactory(full_name="Aygün Quliyeva")
    response = api_client_for(personas.teacher).post(
        members_url(group.pk), {"student_ids": [personas.student.pk, second.pk]}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["member_count"] == 2
    assert [m["student_id"] for m in body["members"]] == [second.pk, personas.student.pk]  # Aygün < Əli
    rows = GroupMembership.objects.filter(group=group)
    assert {(m.student_id, m.is_active, m.left_at, m.organization_id) for m in rows} == {
        (personas.student.pk, True, None, None),
        (second.pk, True, None, None),
    }


def test_adding_an_active_member_again_changes_nothing(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    membership = MembershipFactory(group=group, student=personas.student)
    client = api_client_for(personas.teacher)
    client.post(members_url(group.pk), {"student_ids": [personas.student.pk]}, format="json")
    fresh = GroupMembership.objects.get(pk=membership.pk)
    assert fresh.joined_at == membership.joined_at
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_removing_keeps_history_and_re_adding_re_activates_the_same_row(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    membership = MembershipFactory(group=group, student=personas.student)
    client = api_client_for(personas.teacher)

    removed = client.delete(members_url(group.pk), {"student_ids": [personas.student.pk]}, format="json")
    assert removed.status_code == 200
    assert removed.json()["members"] == []
    assert removed.json()["member_count"] == 0
    ended = GroupMembership.objects.get(pk=membership.pk)
    assert (ended.is_active, ended.left_at is not None) == (False, True)

    client.post(members_url(group.pk), {"student_ids": [personas.student.pk]}, format="json")
    again = GroupMembership.objects.get(group=group, student=personas.student)
    assert again.pk == membership.pk
    assert (again.is_active, again.left_at) == (True, None)
    assert again.joined_at > membership.joined_at


def test_removing_one_student_by_path(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    MembershipFactory(group=group, student=personas.other_student)
    response = api_client_for(personas.teacher).delete(f"{members_url(group.pk)}/{personas.student.pk}")
    assert response.status_code == 200
    assert [m["student_id"] for m in response.json()["members"]] == [personas.other_student.pk]
    assert GroupMembership.objects.filter(group=group).count() == 2


def test_removing_a_student_who_is_not_a_member_is_harmless(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    response = api_client_for(personas.teacher).delete(f"{members_url(group.pk)}/{personas.student.pk}")
    assert response.status_code == 200
    assert not GroupMembership.objects.exists()


def test_another_schools_student_is_a_404_naming_the_field_and_nothing_is_added(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    foreign = StudentFactory(organization=personas.other_teacher.organization)
    response = api_client_for(personas.teacher).post(
        members_url(group.pk), {"student_ids": [personas.student.pk, foreign.pk]}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "student_ids" in response.json()["error"]["fields"]
    assert not GroupMembership.objects.exists()
    path = api_client_for(personas.teacher).delete(f"{members_url(group.pk)}/{foreign.pk}")
    assert path.status_code == 404


def test_a_parent_or_teacher_id_is_not_a_student(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    client = api_client_for(personas.teacher)
    for user in (personas.parent, personas.teacher):
        response = client.post(members_url(group.pk), {"student_ids": [user.pk]}, format="json")
        assert response.status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"student_ids": []},
        {"student_ids": "1"},
        {"student_ids": ["x"]},
        {"student_ids": [0]},
        {"student_ids": [2**64]},
    ],
)
def test_bad_student_ids_are_a_400(personas, api_client_for, payload):
    group = GroupFactory(teacher=personas.teacher)
    response = api_client_for(personas.teacher).post(members_url(group.pk), payload, format="json")
    assert response.status_code == 400
    assert "student_ids" in response.json()["error"]["fields"]


def test_a_soft_deleted_student_cannot_be_added(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    profile = personas.student.student_profile
    profile.mark_deleted()
    profile.save()
    response = api_client_for(personas.teacher).post(
        members_url(group.pk), {"student_ids": [personas.student.pk]}, format="json"
    )
    assert response.status_code == 404


def test_members_of_a_deleted_group_cannot_be_changed(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    group.mark_deleted()
    group.save()
    response = api_client_for(personas.teacher).post(
        members_url(group.pk), {"student_ids": [personas.student.pk]}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_may_not_change_members(personas, api_client_for, persona):
    group = GroupFactory(teacher=personas.teacher)
    response = api_client_for(getattr(personas, persona)).post(
        members_url(group.pk), {"student_ids": [personas.student.pk]}, format="json"
    )
    assert response.status_code == 403
    assert not GroupMembership.objects.exists()
