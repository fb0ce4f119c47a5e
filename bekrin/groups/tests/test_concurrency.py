"""A change to a group never writes back a copy read before it: concurrent deletes and changes survive it."""

import pytest

from bekrin.core.errors import NotFound
from bekrin.groups.models import StudyGroup
from bekrin.groups.services import group_restore, group_soft_delete, group_update
from bekrin.testing.concurrency import second_waits_for_first
from bekrin.testing.factories import GroupFactory


def fresh(group: StudyGroup) -> StudyGroup:
    return StudyGroup.all_objects.get(pk=group.pk)


@pytest.mark.django_db
def test_a_change_sent_with_a_copy_read_before_a_delete_does_not_undo_the_delete():
    group = GroupFactory(name="Riyaziyyat")
    stale = fresh(group)
    group_soft_delete(group=fresh(group))
    with pytest.raises(NotFound):
        group_update(group=stale, changes={"name": "Fizika"})
    assert (fresh(group).deleted_at is not None, fresh(group).name) == (True, "Riyaziyyat")


@pytest.mark.django_db
def test_a_change_sent_with_an_old_copy_keeps_the_columns_changed_since():
    group = GroupFactory(code=None, name="Riyaziyyat", days_of_week=[1], start_time=None, sort_order=None)
    stale = fresh(group)
    group_update(group=fresh(group), changes={"name": "Fizika", "days_of_week": [3, 5]})
    updated = group_update(group=stale, changes={"sort_order": 7})
    row = fresh(group)
    assert (row.name, row.days_of_week, row.sort_order, row.display_name) == ("Fizika", [3, 5], 7, "Fizika: 3-5")
    assert updated.display_name == "Fizika: 3-5"


@pytest.mark.django_db
def test_a_delete_or_restore_with_an_old_copy_keeps_the_schedule_changed_since():
    group = GroupFactory(code=None, name="Riyaziyyat", days_of_week=[1], start_time=None)
    stale = fresh(group)
    group_update(group=fresh(group), changes={"days_of_week": [2, 4]})
    group_soft_delete(group=stale)
    group_restore(group=stale)
    row = fresh(group)
    assert (row.deleted_at, row.days_of_week, row.display_name) == (None, [2, 4], "Riyaziyyat: 2-4")


@pytest.mark.django_db(transaction=True)
def test_a_change_waits_for_a_concurrent_one_and_derives_the_display_name_from_its_result():
    group = GroupFactory(code=None, name="Riyaziyyat", days_of_week=[1], start_time=None)
    stale = fresh(group)  # what the second request read before the first one committed
    second_waits_for_first(
        lambda: group_update(group=fresh(group), changes={"days_of_week": [2, 4]}),
        lambda: group_update(group=stale, changes={"code": "R1"}),
    )
    row = fresh(group)
    assert (row.code, row.days_of_week, row.display_name) == ("R1", [2, 4], "R1: 2-4")
