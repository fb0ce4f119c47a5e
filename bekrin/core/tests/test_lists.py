"""The list query every paginated list takes (bekrin/core/filters.py): search with Azerbaijani folding, a
whitelisted ordering with the id as tiebreak, the one deleted filter, and 400s in the error shape for values a list
cannot take."""

from datetime import date

import pytest
from django.utils import timezone

from bekrin.payments.tests.factories import PaymentFactory
from bekrin.testing.factories import GroupFactory, StudentFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row.get("full_name") or row.get("name") for row in response.json()["results"]]


@pytest.mark.parametrize("term", ["eli", "Eli", "əli", "ƏLİ"])
def test_the_students_list_finds_eli_typed_with_or_without_azerbaijani_letters(personas, api_client_for, term):
    StudentFactory(full_name="Şahin Quliyev")
    assert names(api_client_for(personas.teacher).get("/api/teacher/students", {"search": term})) == ["Əli Həsənov"]


def test_sahin_finds_shahin_in_the_students_list(personas, api_client_for):
    StudentFactory(full_name="Şahin Quliyev")
    found = api_client_for(personas.teacher).get("/api/teacher/students", {"search": "sahin"})
    assert names(found) == ["Şahin Quliyev"]


def test_search_on_groups_narrows_the_list(personas, api_client_for):
    GroupFactory(name="Riyaziyyat", teacher=personas.teacher)
    GroupFactory(name="Şahmat", teacher=personas.teacher)
    client = api_client_for(personas.teacher)
    assert names(client.get("/api/teacher/groups", {"search": "sahmat"})) == ["Şahmat"]
    assert names(client.get("/api/teacher/groups", {"search": "yoxdur"})) == []


def test_search_on_payments_narrows_the_list_and_its_totals(personas, api_client_for):
    PaymentFactory(student=personas.student, title="Sentyabr")
    PaymentFactory(student=personas.other_student, title="Oktyabr")
    body = api_client_for(personas.teacher).get("/api/teacher/payments", {"search": "eli", "totals": "true"}).json()
    assert [row["student_id"] for row in body["results"]] == [personas.student.pk]
    assert body["totals"]["paid"] == "120.00"


def test_ordering_follows_the_whitelist_with_the_id_breaking_ties(personas, api_client_for):
    first = PaymentFactory(student=personas.student, payment_date=date(2026, 1, 1))
    second = PaymentFactory(student=personas.student, payment_date=date(2026, 1, 1))
    third = PaymentFactory(student=personas.student, payment_date=date(2025, 1, 1))
    client = api_client_for(personas.teacher)
    ids = [row["id"] for row in client.get("/api/teacher/payments", {"ordering": "payment_date"}).json()["results"]]
    assert ids == [third.pk, first.pk, second.pk]
    ids = [row["id"] for row in client.get("/api/teacher/payments", {"ordering": "-payment_date"}).json()["results"]]
    assert ids == [second.pk, first.pk, third.pk]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/teacher/students", {"ordering": "password"}),
        ("/api/teacher/groups", {"ordering": "full_name"}),
        ("/api/teacher/payments", {"ordering": "-amount,nonsense"}),
        ("/api/teacher/groups", {"deleted": "maybe"}),
        ("/api/teacher/groups", {"is_active": "perhaps"}),
        ("/api/teacher/groups", {"status": "gone"}),
        ("/api/teacher/groups", {"status": "deleted", "deleted": "false"}),
        ("/api/teacher/coding/submissions", {"taskId": "abc"}),
        ("/api/teacher/students", {"search": "x" * 201}),
    ],
)
def test_a_value_a_list_cannot_take_is_a_400_in_the_error_shape(personas, api_client_for, url, query):
    response = api_client_for(personas.teacher).get(url, query)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "invalid"


def test_deleted_true_and_status_deleted_are_the_one_filter(personas, api_client_for):
    kept = GroupFactory(name="Qalan", teacher=personas.teacher)
    gone = GroupFactory(name="Silinən", teacher=personas.teacher, deleted_at=timezone.now())
    client = api_client_for(personas.teacher)
    for query in ({"deleted": "true"}, {"status": "deleted"}, {"status": "deleted", "deleted": "true"}):
        assert [row["id"] for row in client.get("/api/teacher/groups", query).json()["results"]] == [gone.pk]
    for query in ({}, {"deleted": "false"}, {"status": "active"}):
        assert [row["id"] for row in client.get("/api/teacher/groups", query).json()["results"]] == [kept.pk]


def test_camel_case_and_empty_parameters_keep_their_meaning(personas, api_client_for):
    PaymentFactory(student=personas.student)
    PaymentFactory(student=personas.other_student)
    client = api_client_for(personas.teacher)
    by_camel = client.get("/api/teacher/payments", {"studentId": personas.student.pk}).json()
    assert [row["student_id"] for row in by_camel["results"]] == [personas.student.pk]
    assert client.get("/api/teacher/payments", {"studentId": "", "search": ""}).json()["count"] == 2


def test_a_filter_naming_another_schools_row_is_a_404(personas, api_client_for):
    foreign = GroupFactory(teacher=personas.other_teacher)
    response = api_client_for(personas.teacher).get("/api/teacher/students", {"groupId": foreign.pk})
    assert response.status_code == 404
    assert list(response.json()["error"]["fields"]) == ["group_id"]
