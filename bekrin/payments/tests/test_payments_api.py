from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus
from bekrin.payments.permissions import can_view_payment, payments_visible_to
from bekrin.payments.services import payment_create, payment_delete
from bekrin.payments.tests.factories import PaymentFactory
from bekrin.students.models import StudentProfile
from bekrin.testing.access import assert_visibility_agrees
from bekrin.testing.factories import GroupFactory, MembershipFactory, OrganizationFactory, StudentFactory

pytestmark = pytest.mark.django_db

LIST = "/api/teacher/payments"
THIS_YEAR = timezone.localdate().year


def balance_of(student) -> Decimal:
    return StudentProfile.all_objects.get(pk=student.pk).balance


def create_body(student, **overrides):
    body = {
        "student_id": student.pk,
        "payment_date": "2026-02-01",
        "amount": "120.00",
        "method": "cash",
        "status": "paid",
        "title": "Fevral",
    }
    body.update(overrides)
    return body


# --- list -------------------------------------------------------------------------------------------------------


def test_teacher_lists_school_payments_newest_first_with_nested_student_and_group(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    older = PaymentFactory(student=personas.student, payment_date=date(2026, 1, 1))
    newer = PaymentFactory(student=personas.other_student, group=group, payment_date=date(2026, 2, 1))
    PaymentFactory(student=StudentFactory(organization=personas.other_teacher.organization))

    body = api_client_for(personas.teacher).get(LIST).json()

    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert body["count"] == 2
    first = body["results"][0]
    assert first["student"] == {"id": personas.other_student.pk, "full_name": "Leyla Quliyeva"}
    assert first["group"] == {"id": group.pk, "display_name": group.display_name}
    assert first["amount"] == "120.00"
    assert body["results"][1]["group"] is None


def test_list_filters_by_group_and_student_in_both_spellings(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    in_group = PaymentFactory(student=personas.student, group=group)
    PaymentFactory(student=personas.student)
    of_other = PaymentFactory(student=personas.other_student)
    client = api_client_for(personas.teacher)

    for query in (f"?groupId={group.pk}", f"?group_id={group.pk}"):
        assert [row["id"] for row in client.get(LIST + query).json()["results"]] == [in_group.pk]
    for query in (f"?studentId={personas.other_student.pk}", f"?student_id={personas.other_student.pk}"):
        assert [row["id"] for row in client.get(LIST + query).json()["results"]] == [of_other.pk]


def test_list_filters_by_dates_status_and_method(personas, api_client_for):
    january = PaymentFactory(student=personas.student, payment_date=date(2026, 1, 10))
    february = PaymentFactory(
        student=personas.student, payment_date=date(2026, 2, 10), status="unpaid", method=PaymentMethod.CARD
    )
    PaymentFactory(student=personas.student, payment_date=date(2026, 3, 10))
    client = api_client_for(personas.teacher)

    def ids(query):
        return [row["id"] for row in client.get(LIST + query).json()["results"]]

    assert ids("?from=2026-01-01&to=2026-02-28") == [february.pk, january.pk]
    assert ids("?to=2026-01-31") == [january.pk]
    assert ids("?status=unpaid") == [february.pk]
    assert ids("?method=card") == [february.pk]
    assert ids("?groupId=&status=") == ids("")  # empty parameters, as frontends send them, filter nothing


def test_deleted_payments_appear_only_under_the_deleted_filter(personas, api_client_for):
    alive = PaymentFactory(student=personas.student)
    gone = PaymentFactory(student=personas.student, deleted_at=timezone.now())
    client = api_client_for(personas.teacher)

    assert [row["id"] for row in client.get(LIST).json()["results"]] == [alive.pk]
    deleted = client.get(LIST + "?deleted=true").json()["results"]
    assert [row["id"] for row in deleted] == [gone.pk]
    assert deleted[0]["deleted_at"] is not None


def test_totals_sum_every_status_over_the_whole_filter_not_just_the_page(personas, api_client_for):
    for amount, status in (("100.00", "paid"), ("50.50", "paid"), ("20.00", "partial"), ("70.00", "unpaid")):
        PaymentFactory(student=personas.student, amount=Decimal(amount), status=status)
    PaymentFactory(student=personas.other_student, amount=Decimal("999.00"))

    body = api_client_for(personas.teacher).get(LIST + f"?studentId={personas.student.pk}&page_size=1&totals=true")

    assert len(body.json()["results"]) == 1
    assert body.json()["count"] == 4
    assert body.json()["totals"] == {"paid": "150.50", "unpaid": "70.00", "partial": "20.00", "cancelled": "0.00"}


@pytest.mark.parametrize("query", ["", "?totals=false", "?totals=", "?totals=0"])
def test_the_list_answers_no_totals_unless_asked(personas, api_client_for, query):
    PaymentFactory(student=personas.student)
    body = api_client_for(personas.teacher).get(LIST + query).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1


@pytest.mark.parametrize("value", ["maybe", "2", "truee"])
def test_totals_takes_only_true_or_false(personas, api_client_for, value):
    response = api_client_for(personas.teacher).get(LIST, {"totals": value})
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "invalid"
    assert "totals" in response.json()["error"]["fields"]


def test_list_costs_a_fixed_number_of_queries(personas, api_client_for, django_assert_num_queries):
    client = api_client_for(personas.teacher)
    for index in range(12):
        PaymentFactory(student=personas.student, group=GroupFactory(teacher=personas.teacher) if index % 2 else None)
    # 1-2 knox: the token with its user, the user's tokens (expiry clean-up); 3 the page with student and group
    # joined; 4 the count (of at most 1,001 rows); 5 the totals per status, asked for
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert len(response.json()["results"]) == 12
    with django_assert_num_queries(5):
        response = client.get(LIST, {"totals": "true"})
    assert set(response.json()["totals"]) == {"paid", "unpaid", "partial", "cancelled"}


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-13-01",
        "?to=yesterday",
        "?status=refunded",
        "?method=crypto",
        "?deleted=maybe",
        "?groupId=abc",
        "?from=2026-02-01&to=2026-01-01",
    ],
)
def test_list_refuses_bad_filters_with_the_error_shape(personas, api_client_for, query):
    response = api_client_for(personas.teacher).get(LIST + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"]


# --- create -----------------------------------------------------------------------------------------------------


def test_create_generates_sequential_receipt_numbers_and_updates_the_balance(personas, api_client_for):
    client = api_client_for(personas.teacher)

    first = client.post(LIST, create_body(personas.student), format="json")
    second = client.post(LIST, create_body(personas.student, amount="30.25", status="partial"), format="json")
    client.post(LIST, create_body(personas.student, amount="500.00", status="unpaid"), format="json")

    assert first.status_code == second.status_code == 201
    assert first.json()["receipt_no"] == f"{THIS_YEAR}-000001"
    assert second.json()["receipt_no"] == f"{THIS_YEAR}-000002"
    assert first.json()["student"]["id"] == personas.student.pk
    assert first.json()["created_by_id"] == personas.teacher.pk
    assert balance_of(personas.student) == Decimal("150.25")


def test_generated_numbers_never_reuse_deleted_ones(personas, api_client_for):
    client = api_client_for(personas.teacher)
    first = client.post(LIST, create_body(personas.student), format="json")
    client.delete(f"{LIST}/{first.json()['id']}")

    generated = client.post(LIST, create_body(personas.student), format="json")

    assert first.json()["receipt_no"] == f"{THIS_YEAR}-000001"
    assert generated.json()["receipt_no"] == f"{THIS_YEAR}-000002"


@pytest.mark.parametrize("typed", ["999999999999", "9999999999999", "99999999999999999999", "0000001", "12"])
def test_numbers_typed_by_hand_with_the_year_prefix_never_move_the_generated_sequence(personas, api_client_for, typed):
    client = api_client_for(personas.teacher)
    given = client.post(LIST, create_body(personas.student, receipt_no=f"{THIS_YEAR}-{typed}"), format="json")

    generated = [client.post(LIST, create_body(personas.student), format="json") for _ in range(3)]

    assert given.status_code == 201, given.content
    assert [response.status_code for response in generated] == [201] * 3
    assert [response.json()["receipt_no"] for response in generated] == [
        f"{THIS_YEAR}-000001",
        f"{THIS_YEAR}-000002",
        f"{THIS_YEAR}-000003",
    ]


@pytest.mark.parametrize("typed", [f"{THIS_YEAR}-000007", f"{THIS_YEAR + 1}-999999", "7-2026-000001", "2025-123456"])
def test_a_number_typed_in_the_generated_format_is_refused_and_writes_nothing(personas, api_client_for, typed):
    response = api_client_for(personas.teacher).post(
        LIST, create_body(personas.student, receipt_no=typed), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "receipt_no_reserved"
    assert list(response.json()["error"]["fields"]) == ["receipt_no"]
    assert not Payment.all_objects.exists()


def test_each_school_counts_its_receipts_from_one(personas, api_client_for):
    other_school_student = StudentFactory(organization=personas.other_teacher.organization)
    ours = api_client_for(personas.teacher).post(LIST, create_body(personas.student), format="json")
    theirs = api_client_for(personas.other_teacher).post(LIST, create_body(other_school_student), format="json")

    organization_id = personas.other_teacher.organization_id
    assert ours.json()["receipt_no"] == f"{THIS_YEAR}-000001"
    assert theirs.json()["receipt_no"] == f"{organization_id}-{THIS_YEAR}-000001"
    assert Payment.objects.get(pk=theirs.json()["id"]).organization_id == organization_id


def test_a_duplicate_given_receipt_number_is_a_conflict_and_writes_nothing(personas, api_client_for):
    PaymentFactory(student=personas.other_student, receipt_no="KASSA-1")

    response = api_client_for(personas.teacher).post(
        LIST, create_body(personas.student, receipt_no="KASSA-1"), format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_receipt_no"
    assert not Payment.objects.filter(student=personas.student).exists()
    assert balance_of(personas.student) == Decimal("0.00")


def test_create_with_a_group_and_optional_fields(personas, api_client_for):
    group = GroupFactory(teacher=personas.teacher)
    body = create_body(personas.student, group_id=group.pk, note="Nağd verdi", method="bank", receipt_no="Ə-15")

    response = api_client_for(personas.teacher).post(LIST, body, format="json")

    assert response.status_code == 201
    created = response.json()
    assert (created["group_id"], created["note"], created["method"], created["receipt_no"]) == (
        group.pk,
        "Nağd verdi",
        "bank",
        "Ə-15",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "10000000000.00"}, "amount"),
        ({"amount": "çox"}, "amount"),
        ({"method": "crypto"}, "method"),
        ({"status": "refunded"}, "status"),
        ({"payment_date": "2026-02-30"}, "payment_date"),
        ({"payment_date": "0001-01-01"}, "payment_date"),
        ({"payment_date": "1899-12-31"}, "payment_date"),
        ({"payment_date": "9999-12-31"}, "payment_date"),
        ({"note": "a\u0000b"}, "note"),
        ({"student_id": "abc"}, "student_id"),
        ({"group_id": -1}, "group_id"),
        ({"group_id": 2**64}, "group_id"),
        ({"receipt_no": "x" * 41}, "receipt_no"),
    ],
)
def test_create_refuses_bad_input_field_by_field(personas, api_client_for, overrides, field):
    response = api_client_for(personas.teacher).post(LIST, create_body(personas.student, **overrides), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not Payment.objects.exists()


def test_create_with_an_empty_body_names_every_required_field(personas, api_client_for):
    response = api_client_for(personas.teacher).post(LIST, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"student_id", "payment_date", "amount", "method", "status"}


def test_another_schools_student_or_group_in_the_body_is_a_404_like_a_missing_one(personas, api_client_for):
    foreign_student = StudentFactory(organization=personas.other_teacher.organization)
    foreign_group = GroupFactory(teacher=personas.other_teacher)
    client = api_client_for(personas.teacher)

    for body, field in (
        (create_body(foreign_student), "student_id"),
        (create_body(personas.student, student_id=987654321), "student_id"),
        (create_body(personas.student, group_id=foreign_group.pk), "group_id"),
        (create_body(personas.student, group_id=987654321), "group_id"),
    ):
        response = client.post(LIST, body, format="json")
        assert response.status_code == 404, body
        assert list(response.json()["error"]["fields"]) == [field]
    assert not Payment.objects.exists()


def test_create_refuses_a_soft_deleted_student_and_a_user_who_is_not_a_student(personas, api_client_for):
    StudentProfile.objects.filter(pk=personas.other_student.pk).update(deleted_at=timezone.now())
    client = api_client_for(personas.teacher)
    for user in (personas.other_student, personas.parent, personas.teacher):
        response = client.post(LIST, create_body(user), format="json")
        assert response.status_code == 404, user
        assert "student_id" in response.json()["error"]["fields"]


def test_filtering_by_another_schools_group_or_student_is_a_404(personas, api_client_for):
    client = api_client_for(personas.teacher)
    foreign_group = GroupFactory(teacher=personas.other_teacher)
    foreign_student = StudentFactory(organization=personas.other_teacher.organization)
    assert client.get(f"{LIST}?groupId={foreign_group.pk}").status_code == 404
    assert client.get(f"{LIST}?studentId={foreign_student.pk}").status_code == 404


def test_payments_of_a_soft_deleted_student_can_still_be_listed(personas, api_client_for):
    payment = PaymentFactory(student=personas.student)
    StudentProfile.objects.filter(pk=personas.student.pk).update(deleted_at=timezone.now())
    body = api_client_for(personas.teacher).get(f"{LIST}?studentId={personas.student.pk}").json()
    assert [row["id"] for row in body["results"]] == [payment.pk]


# --- detail, change, delete, restore -----------------------------------------------------------------------------


@pytest.fixture
def paid(personas):
    return payment_create(
        actor=personas.teacher,
        student=personas.student,
        payment_date=date(2026, 2, 1),
        amount=Decimal("120.00"),
        method=PaymentMethod.CASH,
        status=PaymentStatus.PAID,
    )


def test_teacher_reads_one_payment(personas, api_client_for, paid):
    body = api_client_for(personas.teacher).get(f"{LIST}/{paid.pk}").json()
    assert (body["id"], body["receipt_no"], body["amount"]) == (paid.pk, paid.receipt_no, "120.00")


def test_changing_status_and_amount_moves_the_balance(personas, api_client_for, paid):
    client = api_client_for(personas.teacher)
    assert balance_of(personas.student) == Decimal("120.00")

    partial = client.patch(f"{LIST}/{paid.pk}", {"status": "partial", "amount": "80.00"}, format="json")
    assert partial.status_code == 200
    assert (partial.json()["status"], partial.json()["amount"]) == ("partial", "80.00")
    assert balance_of(personas.student) == Decimal("80.00")

    client.patch(f"{LIST}/{paid.pk}", {"status": "cancelled"}, format="json")
    assert balance_of(personas.student) == Decimal("0.00")


def test_patch_changes_the_descriptive_fields_and_keeps_the_receipt_number(personas, api_client_for, paid):
    body = {"title": "Mart", "note": "", "method": "card", "payment_date": "2026-03-01", "receipt_no": "NEW-1"}
    response = api_client_for(personas.teacher).patch(f"{LIST}/{paid.pk}", body, format="json")
    changed = response.json()
    assert (changed["title"], changed["note"], changed["method"], changed["payment_date"]) == (
        "Mart",
        None,
        "card",
        "2026-03-01",
    )
    assert changed["receipt_no"] == paid.receipt_no


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"status": "lost"}, "status"),
        ({"payment_date": None}, "payment_date"),
        ({"payment_date": "9999-01-01"}, "payment_date"),
    ],
)
def test_patch_refuses_bad_input(personas, api_client_for, paid, body, field):
    response = api_client_for(personas.teacher).patch(f"{LIST}/{paid.pk}", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert balance_of(personas.student) == Decimal("120.00")


LARGEST = "9999999999.99"  # the largest amount numeric(12,2) holds, and so the largest balance


def test_a_payment_that_would_overflow_the_balance_is_refused_on_amount(personas, api_client_for):
    client = api_client_for(personas.teacher)
    assert client.post(LIST, create_body(personas.student, amount=LARGEST), format="json").status_code == 201
    response = client.post(LIST, create_body(personas.student, amount="0.01"), format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["amount"]
    assert (Payment.objects.count(), balance_of(personas.student)) == (1, Decimal(LARGEST))
    # A payment that is not counted (unpaid) does not touch the balance, so it is accepted.
    unpaid = client.post(LIST, create_body(personas.student, amount=LARGEST, status="unpaid"), format="json")
    assert unpaid.status_code == 201


def test_a_change_or_a_restore_that_would_overflow_the_balance_is_refused(personas, api_client_for, paid):
    client = api_client_for(personas.teacher)
    big = client.post(LIST, create_body(personas.student, amount=LARGEST, status="unpaid"), format="json").json()
    for change in ({"status": "paid"}, {"status": "partial"}):
        response = client.patch(f"{LIST}/{big['id']}", change, format="json")
        assert response.status_code == 400, response.content
        assert list(response.json()["error"]["fields"]) == ["amount"]
    client.delete(f"{LIST}/{paid.pk}")
    assert client.patch(f"{LIST}/{big['id']}", {"status": "paid"}, format="json").status_code == 200
    restored = client.post(f"{LIST}/{paid.pk}/restore")
    assert restored.status_code == 400, restored.content
    assert list(restored.json()["error"]["fields"]) == ["amount"]
    assert Payment.all_objects.get(pk=paid.pk).deleted_at is not None
    assert balance_of(personas.student) == Decimal(LARGEST)


def test_delete_is_soft_and_the_balance_follows(personas, api_client_for, paid):
    client = api_client_for(personas.teacher)

    assert client.delete(f"{LIST}/{paid.pk}").status_code == 204

    assert balance_of(personas.student) == Decimal("0.00")
    assert Payment.all_objects.get(pk=paid.pk).deleted_at is not None
    assert client.get(f"{LIST}/{paid.pk}").status_code == 404
    assert client.patch(f"{LIST}/{paid.pk}", {"amount": "1.00"}, format="json").status_code == 404
    assert client.delete(f"{LIST}/{paid.pk}").status_code == 404


def test_restore_counts_the_payment_again(personas, api_client_for, paid):
    client = api_client_for(personas.teacher)
    client.delete(f"{LIST}/{paid.pk}")

    response = client.post(f"{LIST}/{paid.pk}/restore")

    assert response.status_code == 200
    assert response.json()["deleted_at"] is None
    assert balance_of(personas.student) == Decimal("120.00")
    assert client.post(f"{LIST}/{paid.pk}/restore").status_code == 404  # only a deleted payment can be restored


def test_another_school_sees_none_of_our_payments(personas, api_client_for, paid):
    client = api_client_for(personas.other_teacher)
    assert client.get(LIST).json()["count"] == 0
    assert client.get(f"{LIST}/{paid.pk}").status_code == 404
    assert client.patch(f"{LIST}/{paid.pk}", {"status": "cancelled"}, format="json").status_code == 404
    assert client.delete(f"{LIST}/{paid.pk}").status_code == 404
    assert client.post(f"{LIST}/{paid.pk}/restore").status_code == 404
    assert balance_of(personas.student) == Decimal("120.00")


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("post", ""), ("get", "/{id}"), ("patch", "/{id}"), ("delete", "/{id}"), ("post", "/{id}/restore")],
)
def test_staff_endpoints_answer_each_persona(personas, api_client_for, paid, method, suffix):
    path = LIST + suffix.format(id=paid.pk)
    expected = {"student": 403, "other_student": 403, "parent": 403, "other_parent": 403, "anonymous": 401}
    for name, status in expected.items():
        assert getattr(api_client_for(getattr(personas, name, None)), method)(path).status_code == status, name
    for name in ("admin", "teacher"):
        assert getattr(api_client_for(getattr(personas, name)), method)(path).status_code not in (401, 403), name


# --- the student's own list --------------------------------------------------------------------------------------


def test_student_sees_only_own_alive_payments_and_balance(personas, api_client_for, paid):
    PaymentFactory(student=personas.student, deleted_at=timezone.now())
    PaymentFactory(student=personas.other_student)

    response = api_client_for(personas.student).get("/api/student/payments")

    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [paid.pk]
    assert body["balance"] == "120.00"


def test_student_payments_cost_a_fixed_number_of_queries(personas, api_client_for, django_assert_num_queries):
    client = api_client_for(personas.student)
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    PaymentFactory.create_batch(8, student=personas.student, group=group)
    # 1-2 knox: the token with its user, the user's tokens; 3 count; 4 the page with student and group; 5 balance
    with django_assert_num_queries(5):
        response = client.get("/api/student/payments")
    assert response.json()["count"] == 8


def test_student_payments_answer_each_persona(personas, api_client_for):
    for name in ("admin", "teacher", "other_teacher", "parent", "other_parent"):
        assert api_client_for(getattr(personas, name)).get("/api/student/payments").status_code == 403, name
    assert api_client_for(None).get("/api/student/payments").status_code == 401
    for name in ("student", "other_student"):
        assert api_client_for(getattr(personas, name)).get("/api/student/payments").status_code == 200, name


# --- permission pair ---------------------------------------------------------------------------------------------


def test_visible_payments_and_can_view_payment_agree(personas):
    rows = [
        PaymentFactory(student=personas.student),
        PaymentFactory(student=personas.student, deleted_at=timezone.now()),
        PaymentFactory(student=personas.other_student),
        PaymentFactory(student=StudentFactory(organization=personas.other_teacher.organization)),
        PaymentFactory(student=StudentFactory(organization=OrganizationFactory())),
    ]
    assert_visibility_agrees(
        payments_visible_to, can_view_payment, [user for user in personas.as_dict().values() if user], rows
    )


def test_service_delete_twice_is_harmless(personas, paid):
    payment_delete(payment=paid)
    payment_delete(payment=paid)
    assert balance_of(personas.student) == Decimal("0.00")
