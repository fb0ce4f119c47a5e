from datetime import date
from decimal import Decimal

import factory

from bekrin.payments.models import Payment, PaymentMethod, PaymentStatus
from bekrin.testing.factories import SchoolRowFactory, StudentFactory, TeacherFactory


class PaymentFactory(SchoolRowFactory):
    """A row as the database holds it; balances are kept by the services, so tests of balances use those."""

    class Meta:
        model = Payment

    _school_links = ("student", "group", "created_by")
    student = factory.SubFactory(StudentFactory)
    organization = factory.LazyAttribute(lambda payment: payment.student.organization)
    created_by = factory.SubFactory(TeacherFactory, organization=factory.SelfAttribute("..organization"))
    payment_date = date(2026, 1, 15)
    title = "Aylıq ödəniş"
    amount = Decimal("120.00")
    method = PaymentMethod.CASH
    status = PaymentStatus.PAID
    receipt_no = factory.Sequence(lambda n: f"F-{n:06d}")
