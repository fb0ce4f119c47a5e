"""The payment pages through Django's client: filters and the totals of the whole filter; recording a payment
(the receipt number generated, the balance following); the receipt; deleting with a reason and restoring;
another school's ids; fixed queries."""

from datetime import date
from decimal import Decimal

import pytest

from bekrin.payments.models import Payment
from bekrin.payments.services import payment_create
from bekrin.students.models import StudentProfile
from bekrin.testing.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    StudentFactory,
    TeacherFactory,
)
from bekrin.testing.web import client_of, queries_of

pytestmark = pytest.mark.django_db


def paid(teacher, student, amount: str, status: str = "paid", **extra) -> Payment:
    return payment_create(actor=teacher, student=student, payment_date=extra.pop("on", date(2026, 12, 1)),
                          amount=Decimal(amount), method="cash", status=status, **extra)  # fmt: skip


@pytest.fixture
def teacher():
    return TeacherFactory(full_name="Rəşad Əliyev")


def test_the_list_filters_by_group_and_dates_and_totals_every_row_of_the_filter(teacher):
    group = GroupFactory(teacher=teacher)
    ali = MembershipFactory(group=group, student__full_name="Əli Həsənov").student
    leyla = StudentFactory(full_name="Leyla Quliyeva")
    paid(teacher, ali, "120.00", group=group, on=date(2026, 11, 5))
    paid(teacher, ali, "60.00", status="unpaid", group=group, on=date(2026, 12, 5))
    paid(teacher, leyla, "99.00", on=date(2026, 12, 6))
    client = client_of(teacher)

    in_group = client.get(f"/teacher/payments?group_id={group.pk}").content.decode()
    december = client.get("/teacher/payments?from=2026-12-01&to=2026-12-31").content.decode()

    assert "Əli Həsənov" in in_group and "Leyla Quliyeva" not in in_group
    assert "<strong>120,00 AZN</strong>" in in_group and "<strong>60,00 AZN</strong>" in in_group
    assert "<strong>99,00 AZN</strong>" in december and "<strong>120,00 AZN</strong>" not in december
    assert client.get("/teacher/payments?from=2026-12-31&to=2026-12-01").status_code == 400


def test_a_payment_is_recorded_for_a_student_found_by_search_and_its_receipt_shown(teacher):
    student = StudentFactory(full_name="Ayşə Həsənova")
    client = client_of(teacher)

    found = client.get("/teacher/payments/new?search=ayse").content.decode()
    assert f"?student_id={student.pk}" in found

    form = {"student_id": str(student.pk), "amount": "45.50", "payment_date": "2026-12-07", "method": "card",
            "status": "paid", "title": "Dekabr"}  # fmt: skip
    saved = client.post("/teacher/payments/new", form)

    payment = Payment.objects.get()
    assert saved["Location"] == f"/teacher/payments/{payment.pk}"
    assert StudentProfile.objects.get(pk=student.pk).balance == Decimal("45.50")
    receipt = client.get(saved["Location"]).content.decode()
    assert payment.receipt_no in receipt and "45,50 AZN" in receipt and "Dekabr" in receipt


@pytest.mark.parametrize(
    ("form", "field_message"),
    [({"amount": "0", "status": "paid"}, "0.01"), ({"amount": "10", "status": "toggle"}, "toggle")],
    ids=["zero amount", "unknown status"],
)
def test_a_bad_payment_is_said_on_the_form_and_nothing_is_written(teacher, form, field_message):
    student = StudentFactory()
    response = client_of(teacher).post(
        "/teacher/payments/new",
        {"student_id": str(student.pk), "payment_date": "2026-12-07", "method": "cash", **form},
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Payment.objects.exists()


def test_a_payment_is_deleted_only_with_a_reason_and_the_balance_follows(teacher):
    student = StudentFactory()
    payment = paid(teacher, student, "80.00")
    client = client_of(teacher)

    assert client.post(f"/teacher/payments/{payment.pk}/delete", {"reason": " "}).status_code == 302
    assert Payment.objects.filter(pk=payment.pk).exists()

    client.post(f"/teacher/payments/{payment.pk}/delete", {"reason": "İkinci dəfə yazılıb"})
    deleted = Payment.all_objects.get(pk=payment.pk)
    assert deleted.deleted_at is not None and "İkinci dəfə yazılıb" in deleted.note
    assert StudentProfile.objects.get(pk=student.pk).balance == Decimal("0.00")
    assert payment.receipt_no in client.get("/teacher/payments?deleted=true").content.decode()

    client.post(f"/teacher/payments/{payment.pk}/restore")
    assert StudentProfile.objects.get(pk=student.pk).balance == Decimal("80.00")


def test_another_schools_payment_student_and_group_are_missing(teacher):
    other_school = OrganizationFactory(name="Digər məktəb", slug="diger")
    their_teacher = TeacherFactory(organization=other_school)
    their_group = GroupFactory(teacher=their_teacher)
    their_student = MembershipFactory(group=their_group).student
    theirs = paid(their_teacher, their_student, "50.00")
    mine = StudentFactory()
    client = client_of(teacher)

    answers = {
        "receipt": client.get(f"/teacher/payments/{theirs.pk}").status_code,
        "delete": client.post(f"/teacher/payments/{theirs.pk}/delete", {"reason": "x"}).status_code,
        "restore": client.post(f"/teacher/payments/{theirs.pk}/restore").status_code,
        "form for their student": client.get(f"/teacher/payments/new?student_id={their_student.pk}").status_code,
        "their group on my payment": client.post(
            "/teacher/payments/new",
            {
                "student_id": str(mine.pk),
                "group_id": str(their_group.pk),
                "amount": "5",
                "payment_date": "2026-12-07",
                "method": "cash",
                "status": "paid",
            },
        ).status_code,
        "list by their student": client.get(f"/teacher/payments?student_id={their_student.pk}").status_code,
    }

    assert answers == dict.fromkeys(answers, 404)
    assert Payment.all_objects.count() == 1 and Payment.objects.get().deleted_at is None


def test_the_list_and_a_receipt_run_as_many_queries_for_a_big_school_as_for_a_small_one():
    counts = []
    for payments in (1, 40):
        school = OrganizationFactory(name=f"Məktəb {payments}", slug=f"m{payments}")
        teacher = TeacherFactory(organization=school)
        group = GroupFactory(teacher=teacher)
        for _ in range(payments):
            payment = paid(teacher, MembershipFactory(group=group).student, "10.00", group=group)
        client = client_of(teacher)
        counts.append((queries_of(client, "/teacher/payments"), queries_of(client, f"/teacher/payments/{payment.pk}")))
    assert counts[0] == counts[1]
