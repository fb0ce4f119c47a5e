"""The teacher's attempts list is a walk of test_attempt_test_order (assessments 0003) that stops at the page."""

import pytest
from django.db import connection

from bekrin.assessments import selectors  # the module: pytest would collect a test_attempts imported by name
from bekrin.assessments.permissions import attempts_visible_to
from bekrin.assessments.tests.factories import AttemptFactory, TestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("teacher", ["teacher", "other_teacher"])
def test_page_one_of_the_attempts_list_walks_the_test_s_order_index(personas, teacher):
    caller = getattr(personas, teacher)
    test = TestFactory(created_by=caller)
    AttemptFactory.create_batch(3, test=test)
    with connection.cursor() as cursor:
        # A test's few rows are cheaper to scan and sort than to read by an index: show whether the plan can.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = selectors.test_attempts(attempts_visible_to(caller), test=test)[:51].explain()
    assert "test_attempt_test_order on test_attempt" in plan, plan
    assert "Sort" not in plan, plan
