"""Page one of the groups list walks group_order, or group_order_no_org for the school without an organization
(groups 0002), and counts each row's active members from group_membership_active."""

import pytest
from django.db import connection

from bekrin.groups.permissions import groups_visible_to
from bekrin.groups.selectors import group_rows
from bekrin.testing.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("teacher", "index"), [("teacher", "group_order_no_org"), ("other_teacher", "group_order")])
def test_page_one_of_the_groups_list_walks_the_school_s_order_index(personas, teacher, index):
    caller = getattr(personas, teacher)
    group = GroupFactory(teacher=caller)
    MembershipFactory(group=group)
    # Former members, as a group gathers over the years: what the partial index leaves out and the key's index
    # would read and filter. With the statistics saying so, the choice between the two is no tie of costs.
    MembershipFactory.create_batch(30, group=group, is_active=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE group_membership")
        # A test's few rows are cheaper to scan and sort than to read by an index: show whether the plan can.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = group_rows(groups_visible_to(caller))[:51].explain()
    assert f"{index} on" in plan, plan
    assert "Sort" not in plan, plan
    assert "Index Only Scan using group_membership_active" in plan, plan
