import pytest
from rest_framework.test import APIClient

from bekrin.accounts.models import User
from bekrin.core.roles import Role
from bekrin.students.models import ParentStudent
from bekrin.testing.factories import ParentFactory, ParentLinkFactory, StudentFactory

pytestmark = pytest.mark.django_db

URL = "/api/teacher/parents"


def links_url(student_id: int) -> str:
    return f"/api/teacher/students/{student_id}/parents"


def test_list_shows_the_schools_parents_with_their_children(personas, api_client_for):
    ParentFactory(full_name="Başqa məktəb", organization=personas.other_teacher.organization)
    body = api_client_for(personas.teacher).get(URL).json()
    assert [p["full_name"] for p in body["results"]] == ["Gülnarə Həsənova", "Rauf Quliyev"]
    assert body["results"][0]["children"] == [
        {"id": personas.student.pk, "full_name": "Əli Həsənov", "relation": "ana"}
    ]


def test_list_search_is_case_insensitive_for_azerbaijani(personas, api_client_for):
    body = api_client_for(personas.teacher).get(URL, {"search": "GÜLNARƏ"}).json()
    assert [p["id"] for p in body["results"]] == [personas.parent.pk]


def test_parent_list_costs_a_fixed_number_of_queries(personas, api_client_for, django_assert_num_queries):
    client = api_client_for(personas.teacher)
    # 1-2 knox, 3 count, 4 the page, 5 the links to children with the children
    with django_assert_num_queries(5):
        client.get(URL)
    for _ in range(10):
        ParentLinkFactory(parent=ParentFactory())
    with django_assert_num_queries(5):
        assert client.get(URL).json()["count"] == 12


def test_create_a_parent_with_a_generated_password(personas, api_client_for):
    response = api_client_for(personas.teacher).post(
        URL, {"full_name": "Kamilə Rəhimova", "email": "kamile@bekrin.test", "phone": "+994 51"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    parent = User.objects.get(pk=body["id"])
    assert (parent.role, parent.organization_id) == (Role.PARENT, None)
    assert body["children"] == []
    [issued] = body["passwords"]
    login = APIClient().post("/api/auth/login", {"email": "kamile@bekrin.test", "password": issued["password"]})
    assert login.status_code == 200


def test_create_a_parent_with_a_chosen_password_returns_none(personas, api_client_for):
    body = (
        api_client_for(personas.teacher)
        .post(URL, {"full_name": "K", "email": "k@bekrin.test", "password": "Çox-gizli-söz-77"}, format="json")
        .json()
    )
    assert body["passwords"] == []


def test_create_with_a_taken_email_is_a_400(personas, api_client_for):
    response = api_client_for(personas.teacher).post(
        URL, {"full_name": "K", "email": personas.parent.email}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_taken"
    assert list(response.json()["error"]["fields"]) == ["email"]


def test_bad_parent_input_is_a_400(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, {"email": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"full_name", "email"}


def test_patch_a_parent(personas, api_client_for):
    response = api_client_for(personas.teacher).patch(
        f"{URL}/{personas.parent.pk}", {"phone": "+994 55 555", "full_name": "Gülnarə Həsənli"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["full_name"]) == ("+994 55 555", "Gülnarə Həsənli")


def test_a_parents_new_password_revokes_their_tokens_and_not_the_teachers(personas, api_client_for):
    parent_client = api_client_for(personas.parent)
    teacher = api_client_for(personas.teacher)

    response = teacher.patch(f"{URL}/{personas.parent.pk}", {"password": "Təzə-gizli-söz-88"}, format="json")

    assert response.status_code == 200
    assert parent_client.get("/api/auth/me").status_code == 401
    assert teacher.get("/api/auth/me").status_code == 200


def test_another_schools_parent_is_a_404(personas, api_client_for):
    foreign = ParentFactory(organization=personas.other_teacher.organization)
    client = api_client_for(personas.teacher)
    assert client.get(f"{URL}/{foreign.pk}").status_code == 404
    assert client.patch(f"{URL}/{foreign.pk}", {"full_name": "X"}, format="json").status_code == 404
    linked = client.post(links_url(personas.student.pk), {"parent_id": foreign.pk}, format="json")
    assert linked.status_code == 404
    assert "parent_id" in linked.json()["error"]["fields"]
    assert not ParentStudent.objects.filter(parent=foreign).exists()


def test_a_student_is_not_a_parent(personas, api_client_for):
    client = api_client_for(personas.teacher)
    assert client.get(f"{URL}/{personas.student.pk}").status_code == 404
    response = client.post(links_url(personas.other_student.pk), {"parent_id": personas.student.pk}, format="json")
    assert response.status_code == 404


def test_link_then_link_again_updates_the_relation_then_unlink(personas, api_client_for):
    client = api_client_for(personas.teacher)
    father = ParentFactory(full_name="Elçin Həsənov")
    linked = client.post(links_url(personas.student.pk), {"parent_id": father.pk, "relation": "ata"}, format="json")
    assert linked.status_code == 200
    assert {(p["id"], p["relation"]) for p in linked.json()["parents"]} == {
        (personas.parent.pk, "ana"),
        (father.pk, "ata"),
    }
    again = client.post(links_url(personas.student.pk), {"parent_id": father.pk, "relation": "atası"}, format="json")
    assert {(p["id"], p["relation"]) for p in again.json()["parents"]} == {
        (personas.parent.pk, "ana"),
        (father.pk, "atası"),
    }
    assert ParentStudent.objects.filter(parent=father).count() == 1

    unlinked = client.delete(links_url(personas.student.pk), {"parent_id": father.pk}, format="json")
    assert unlinked.status_code == 200
    assert [p["id"] for p in unlinked.json()["parents"]] == [personas.parent.pk]
    assert client.delete(links_url(personas.student.pk), {"parent_id": father.pk}, format="json").status_code == 200


def test_link_without_a_parent_id_is_a_400(personas, api_client_for):
    response = api_client_for(personas.teacher).post(links_url(personas.student.pk), {}, format="json")
    assert response.status_code == 400
    assert "parent_id" in response.json()["error"]["fields"]


def test_a_linked_parent_sees_the_child_and_an_unlinked_one_no_longer(personas, api_client_for):
    child = StudentFactory(full_name="Yeni Uşaq")
    client = api_client_for(personas.teacher)
    client.post(links_url(child.pk), {"parent_id": personas.other_parent.pk}, format="json")
    assert ParentStudent.objects.get(parent=personas.other_parent, student=child).organization_id is None
    me = api_client_for(personas.other_parent).get("/api/auth/me").json()
    assert child.pk in [c["id"] for c in me["children"]]
    client.delete(links_url(child.pk), {"parent_id": personas.other_parent.pk}, format="json")
    me = api_client_for(personas.other_parent).get("/api/auth/me").json()
    assert child.pk not in [c["id"] for c in me["children"]]


@pytest.mark.parametrize("persona", ["student", "parent", "other_parent"])
def test_students_and_parents_may_not_use_parent_endpoints(personas, api_client_for, persona):
    client = api_client_for(getattr(personas, persona))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{personas.parent.pk}").status_code == 403
    response = client.post(links_url(personas.student.pk), {"parent_id": personas.other_parent.pk}, format="json")
    assert response.status_code == 403
    assert not ParentStudent.objects.filter(parent=personas.other_parent, student=personas.student).exists()
