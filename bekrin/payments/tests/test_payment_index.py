"""The teacher's payments list is a walk of payment_tenant_date_order, or payment_date_order_no_org for the school
without an organization (payments 0002), that stops at the page."""

import pytest
from django.db import connection

from bekrin.payments.permissions import payments_visible_to
from bekrin.payments.selectors import payment_rows
from bekrin.payments.tests.factories import PaymentFactory
from bekrin.testing.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("teacher", "index"), [("teacher", "payment_date_order_no_org"), ("other_teacher", "payment_tenant_date_order")]
)
def test_page_one_of_the_payments_list_walks_the_school_s_date_order_index(personas, teacher, index):
    caller = getattr(personas, teacher)
    PaymentFactory.create_batch(3, student=StudentFactory(organization=caller.organization))
    with connection.cursor() as cursor:
        # A test's few rows are cheaper to scan and sort than to read by an index: show whether the plan can.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
    not_deleted = payments_visible_to(caller).filter(deleted_at__isnull=True)  # the list's default, as PaymentFilters
    plan = payment_rows(not_deleted)[:51].explain()
    assert f"{index} on payment" in plan, plan
    assert "Sort" not in plan, plan
