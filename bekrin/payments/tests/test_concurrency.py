"""Balance and receipt numbers under real parallel requests: each thread has its own database connection."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from bekrin.payments.models import BALANCE_STATUSES, Payment
from bekrin.payments.services import payment_create, payment_delete, payment_update
from bekrin.students.models import StudentProfile
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.factories import StudentFactory, TeacherFactory
from conftest import client_for

WRITERS = 30
STATUSES = ["paid", "partial", "unpaid", "cancelled"]


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_creates_and_deletes_keep_the_balance_and_number_receipts_uniquely():
    teacher = TeacherFactory()
    student = StudentFactory()
    client = client_for(teacher)  # the token is committed before the threads start
    # Rows the deleting writers remove while others create, all for the same student.
    to_delete = []
    for index in range(WRITERS // 2):
        response = client.post(
            "/api/teacher/payments",
            {
                "student_id": student.pk,
                "payment_date": "2026-01-10",
                "amount": f"{index + 1}.00",
                "method": "cash",
                "status": "paid",
            },
            format="json",
        )
        to_delete.append(response.json()["id"])
    created, deleted = [], []

    def create(index):
        def job():
            response = client_for(teacher).post(
                "/api/teacher/payments",
                {
                    "student_id": student.pk,
                    "payment_date": "2026-02-10",
                    "amount": f"{10 + index}.50",
                    "method": "card",
                    "status": STATUSES[index % 4],
                },
                format="json",
            )
            assert response.status_code == 201, response.content
            created.append(response.json()["receipt_no"])

        return job

    def delete(payment_id):
        def job():
            response = client_for(teacher).delete(f"/api/teacher/payments/{payment_id}")
            assert response.status_code == 204, response.content
            deleted.append(payment_id)

        return job

    jobs = [create(index) for index in range(WRITERS)] + [delete(payment_id) for payment_id in to_delete]
    run_in_parallel(jobs)

    assert len(created) == WRITERS
    assert len(set(created)) == WRITERS
    assert len(deleted) == WRITERS // 2
    recomputed = Payment.objects.filter(student=student, status__in=BALANCE_STATUSES).aggregate(total=Sum("amount"))
    balance = StudentProfile.objects.get(pk=student.pk).balance
    assert balance == recomputed["total"]
    # 30 creates of 10.50 … 39.50 whose status counts (paid or partial: index % 4 in {0, 1}); every early row deleted
    assert balance == sum(Decimal(f"{10 + index}.50") for index in range(WRITERS) if index % 4 < 2)
    all_numbers = list(Payment.all_objects.values_list("receipt_no", flat=True))
    assert len(all_numbers) == len(set(all_numbers)) == WRITERS + WRITERS // 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_for_one_student_queue_on_the_profile_so_no_amount_is_lost():
    # Receipt numbers given by hand take no sequence lock, so only the profile lock keeps these writes in line.
    teacher = TeacherFactory()
    student = StudentFactory()
    early = [
        payment_create(
            actor=teacher,
            student=student,
            payment_date=date(2026, 1, 1),
            amount=Decimal("5.00"),
            method="cash",
            status="paid",
            receipt_no=f"EARLY-{index}",
        )
        for index in range(10)
    ]

    def create(index):
        return lambda: payment_create(
            actor=teacher,
            student=student,
            payment_date=date(2026, 2, 1),
            amount=Decimal(index + 1),
            method="cash",
            status="paid",
            receipt_no=f"HAND-{index}",
        )

    def delete(payment):
        return lambda: payment_delete(payment=payment)

    def cancel(payment):
        return lambda: payment_update(payment=payment, changes={"status": "cancelled"})

    jobs = [create(index) for index in range(WRITERS)]
    jobs += [delete(payment) for payment in early[:5]] + [cancel(payment) for payment in early[5:]]
    run_in_parallel(jobs)

    assert StudentProfile.objects.get(pk=student.pk).balance == sum(Decimal(index + 1) for index in range(WRITERS))


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_for_many_students_take_consecutive_numbers_of_the_year():
    teacher = TeacherFactory()
    students = [StudentFactory() for _ in range(10)]
    numbers = []

    def create(student):
        def job():
            payment = payment_create(
                actor=teacher,
                student=student,
                payment_date=date(2026, 2, 1),
                amount=Decimal("1.00"),
                method="cash",
                status="paid",
            )
            numbers.append(payment.receipt_no)

        return job

    run_in_parallel([create(students[index % 10]) for index in range(WRITERS)])

    year = timezone.localdate().year
    assert sorted(numbers) == [f"{year}-{index:06d}" for index in range(1, WRITERS + 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_that_give_the_same_receipt_number_let_exactly_one_win():
    teacher = TeacherFactory()
    students = [StudentFactory() for _ in range(6)]
    statuses = []

    def create(student):
        def job():
            response = client_for(teacher).post(
                "/api/teacher/payments",
                {
                    "student_id": student.pk,
                    "payment_date": "2026-02-10",
                    "amount": "10.00",
                    "method": "cash",
                    "status": "paid",
                    "receipt_no": "KASSA-77",
                },
                format="json",
            )
            statuses.append(response.status_code)

        return job

    run_in_parallel([create(student) for student in students])

    assert sorted(statuses) == [201] + [409] * 5
    balances = sorted(StudentProfile.objects.filter(pk__in=[s.pk for s in students]).values_list("balance", flat=True))
    assert balances == [Decimal("0.00")] * 5 + [Decimal("10.00")]
