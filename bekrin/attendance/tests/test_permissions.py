from datetime import date

import pytest

from bekrin.attendance.permissions import attendance_records_visible_to, can_view_attendance_record
from bekrin.attendance.tests.factories import AttendanceRecordFactory
from bekrin.testing.access import assert_visibility_agrees
from bekrin.testing.factories import GroupFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_attendance_visibility_and_the_per_object_check_agree(personas):
    group = GroupFactory(teacher=personas.teacher)
    deleted_group = GroupFactory(teacher=personas.teacher)
    deleted_group.mark_deleted()
    deleted_group.save()
    foreign_group = GroupFactory(teacher=personas.other_teacher)
    rows = [
        AttendanceRecordFactory(group=group, student=personas.student),
        AttendanceRecordFactory(group=group, student=personas.other_student),
        AttendanceRecordFactory(group=deleted_group, student=personas.student, lesson_date=date(2026, 3, 3)),
        AttendanceRecordFactory(
            group=foreign_group, student=StudentFactory(organization=personas.other_teacher.organization)
        ),
    ]
    users = [u for u in personas.as_dict().values() if u is not None]
    assert_visibility_agrees(attendance_records_visible_to, can_view_attendance_record, users, rows)

    def seen(user):
        return sorted(rows.index(r) for r in attendance_records_visible_to(user))

    assert seen(personas.teacher) == seen(personas.admin) == [0, 1, 2]
    assert seen(personas.other_teacher) == [3]
    assert seen(personas.student) == seen(personas.parent) == [0]
    assert seen(personas.other_student) == seen(personas.other_parent) == [1]
