"""Who sees which attendance record: staff their organization's, a student their own, a parent those of the
children linked to them. Records of soft-deleted groups or students are hidden from students and parents."""

from django.db.models import QuerySet

from bekrin.accounts.models import User
from bekrin.attendance.models import AttendanceRecord
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import in_tenant
from bekrin.students.models import ParentStudent


def attendance_records_visible_to(user: User) -> QuerySet[AttendanceRecord]:
    rows = in_tenant(AttendanceRecord.objects.all(), user)
    if user.role in STAFF:
        return rows
    rows = rows.filter(group__deleted_at__isnull=True, student__student_profile__deleted_at__isnull=True)
    if user.role == Role.STUDENT:
        return rows.filter(student=user)
    if user.role == Role.PARENT:
        return rows.filter(student__parent_links__parent=user)
    return rows.none()


def can_view_attendance_record(user: User, record: AttendanceRecord) -> bool:
    if record.organization_id != user.organization_id:
        return False
    if user.role in STAFF:
        return True
    if record.group.deleted_at is not None or record.student.student_profile.deleted_at is not None:
        return False
    if user.role == Role.STUDENT:
        return record.student_id == user.pk
    if user.role == Role.PARENT:
        return ParentStudent.objects.filter(parent=user, student_id=record.student_id).exists()
    return False
