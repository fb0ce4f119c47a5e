"""The page envelope (bekrin/core/pagination.py): `count` exact up to 1,000 rows and null above, `next` from one
row more than the page, `previous` from the page number, and a page past the end a 404 in the error shape."""

from urllib.parse import parse_qs, urlsplit

import pytest

from bekrin.core.pagination import COUNT_LIMIT
from bekrin.payments.models import Payment
from bekrin.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

LIST = "/api/teacher/payments"


def payments(personas, total: int) -> None:
    """`total` payments of the student: one from the factory, the others copies of it."""
    first = PaymentFactory(student=personas.student)
    Payment.objects.bulk_create(
        Payment(
            organization=first.organization,
            student=first.student,
            created_by=first.created_by,
            payment_date=first.payment_date,
            amount=first.amount,
            method=first.method,
            status=first.status,
            receipt_no=f"B-{n:06d}",
        )
        for n in range(total - 1)
    )


def page_of(link: str | None) -> str | None:
    if link is None:
        return None
    return parse_qs(urlsplit(link).query).get("page", ["1"])[0]


@pytest.mark.parametrize(("total", "count"), [(COUNT_LIMIT, COUNT_LIMIT), (COUNT_LIMIT + 1, None)])
def test_count_is_exact_up_to_the_limit_and_null_above(personas, api_client_for, total, count):
    payments(personas, total)
    body = api_client_for(personas.teacher).get(LIST, {"page_size": 10}).json()
    assert body["count"] == count
    assert len(body["results"]) == 10
    assert page_of(body["next"]) == "2"


def test_next_and_previous_at_the_last_page_boundary(personas, api_client_for):
    payments(personas, 20)
    client = api_client_for(personas.teacher)

    first = client.get(LIST, {"page_size": 10}).json()
    assert (page_of(first["next"]), first["previous"]) == ("2", None)
    last = client.get(LIST, {"page_size": 10, "page": 2}).json()
    assert (last["next"], page_of(last["previous"]), len(last["results"])) == (None, "1", 10)
    assert {row["id"] for row in first["results"]}.isdisjoint(row["id"] for row in last["results"])
    one_more = client.get(LIST, {"page_size": 19, "page": 1}).json()
    assert (page_of(one_more["next"]), len(one_more["results"])) == ("2", 19)
    middle = client.get(LIST, {"page_size": 5, "page": 3}).json()
    assert (page_of(middle["next"]), page_of(middle["previous"]), middle["count"]) == ("4", "2", 20)


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc"])
def test_a_page_past_the_end_or_not_a_page_is_a_404_in_the_error_shape(personas, api_client_for, page):
    payments(personas, 20)
    response = api_client_for(personas.teacher).get(LIST, {"page_size": 10, "page": page})
    assert response.status_code == 404, response.json()
    assert response.json()["error"]["code"] == "not_found"


def test_the_first_page_of_an_empty_list_is_empty_not_a_404(personas, api_client_for):
    body = api_client_for(personas.teacher).get(LIST).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
