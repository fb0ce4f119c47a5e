from datetime import date

import factory

from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.testing.factories import GroupFactory, SchoolRowFactory, StudentFactory


class AttendanceRecordFactory(SchoolRowFactory):
    """One cell; the tenant is the group's. Give a member's group and student (MembershipFactory)."""

    class Meta:
        model = AttendanceRecord

    _school_links = ("group", "student", "marked_by")
    group = factory.SubFactory(GroupFactory)
    student = factory.SubFactory(StudentFactory, organization=factory.SelfAttribute("..group.organization"))
    organization = factory.LazyAttribute(lambda record: record.group.organization)
    lesson_date = date(2026, 3, 2)
    status = AttendanceStatus.PRESENT
