"""A change to a group never writes back a copy read before it: concurrent deletes and changes survive it."""

import threading

import pytest
from django.db import connection, transaction

from bekrin.core.errors import NotFound
from bekrin.groups.models import StudyGroup
from bekrin.groups.services import group_restore, group_soft_delete, group_update
from bekrin.testing.concurrency import wait_until_a_backend_waits_on_a_lock_held_by
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
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    first_backend: list[int] = []

    def first_request():
        try:
            with transaction.atomic():
                group_update(group=fresh(group), changes={"days_of_week": [2, 4]})
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    first_backend.append(cursor.fetchone()[0])
                holding.set()
                release.wait(10)  # the row stays locked until the main thread lets this transaction commit
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    def second_request():
        try:
            holding.wait(10)
            group_update(group=stale, changes={"code": "R1"})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request), threading.Thread(target=second_request)]
    for thread in threads:
        thread.start()
    try:
        assert holding.wait(10), errors
        wait_until_a_backend_waits_on_a_lock_held_by(first_backend[0])  # the second request reached the row lock
    finally:
        release.set()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    row = fresh(group)
    assert (row.code, row.days_of_week, row.display_name) == ("R1", [2, 4], "R1: 2-4")
