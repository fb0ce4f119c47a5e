"""Who sees which coding rows: staff see their organization's, a student sees the active tasks of their school and
their own submissions. Each `<things>_visible_to` has a `can_view_<thing>` twin, and a test checks they agree."""

from typing import Any

from django.db.models import QuerySet

from bekrin.coding.models import CodingImport, CodingSubmission, CodingTask, CodingTopic
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import in_tenant


def _is_staff(user: Any) -> bool:
    return getattr(user, "role", None) in STAFF


def _is_student(user: Any) -> bool:
    return getattr(user, "role", None) == Role.STUDENT


def _same_tenant(user: Any, organization_id: int | None) -> bool:
    return bool(user.organization_id == organization_id)


def topics_visible_to(user: Any) -> QuerySet[CodingTopic]:
    if _is_staff(user):
        return in_tenant(CodingTopic.objects.all(), user)
    return CodingTopic.objects.none()


def can_view_topic(user: Any, topic: CodingTopic) -> bool:
    return _is_staff(user) and _same_tenant(user, topic.organization_id)


def tasks_visible_to(user: Any, *, deleted: bool = False) -> QuerySet[CodingTask]:
    """Staff: the organization's tasks (soft-deleted ones only with `deleted=True`, for the "deleted" tab and
    restore). Students: active, not deleted tasks of their school."""
    if _is_staff(user):
        tasks = CodingTask.all_objects.deleted() if deleted else CodingTask.objects.all()
        return in_tenant(tasks, user)
    if _is_student(user) and not deleted:
        return in_tenant(CodingTask.objects.filter(is_active=True), user)
    return CodingTask.objects.none()


def can_view_task(user: Any, task: CodingTask, *, deleted: bool = False) -> bool:
    if task.is_deleted != deleted or not _same_tenant(user, task.organization_id):
        return False
    if _is_staff(user):
        return True
    return _is_student(user) and not deleted and task.is_active


def submissions_visible_to(user: Any) -> QuerySet[CodingSubmission]:
    """Staff: every submission of their organization; a student: their own, whatever became of the task."""
    if _is_staff(user):
        return in_tenant(CodingSubmission.objects.all(), user)
    if _is_student(user):
        return CodingSubmission.objects.filter(student_id=user.pk)
    return CodingSubmission.objects.none()


def can_view_submission(user: Any, submission: CodingSubmission) -> bool:
    if _is_staff(user):
        return _same_tenant(user, submission.organization_id)
    return _is_student(user) and submission.student_id == user.pk


def imports_visible_to(user: Any) -> QuerySet[CodingImport]:
    """Staff: the task imports of their organization (whoever of them started one)."""
    if _is_staff(user):
        return in_tenant(CodingImport.objects.all(), user)
    return CodingImport.objects.none()


def can_view_import(user: Any, coding_import: CodingImport) -> bool:
    return _is_staff(user) and _same_tenant(user, coding_import.organization_id)
