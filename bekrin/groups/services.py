"""Every write to groups and memberships.

A membership row is the history of one student in one group: ending it sets `is_active=false` and `left_at`,
adding the student again re-activates the same row (new `joined_at`, `left_at` cleared), so (group, student) stays
unique and attendance marked before stays attached to it.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.core.errors import DomainError, ErrorCode, NotFound
from bekrin.core.models import apply_changes, restore, soft_delete
from bekrin.core.roles import STAFF, Role
from bekrin.groups.models import ISO_WEEKDAYS, GroupMembership, StudyGroup


class GroupFields(TypedDict, total=False):
    """The fields a PATCH may change; a key that is absent stays as it is."""

    name: str
    code: str | None
    days_of_week: list[int]
    start_time: time | None
    is_active: bool
    sort_order: int | None
    teacher: User


def days_of_week_clean(days: Iterable[int]) -> list[int]:
    """ISO weekdays, unique and ascending (docs/DECISIONS.md, decision 7); a day outside 1–7 or a repeated day is a
    400."""
    days = list(days)
    bad = [day for day in days if day not in ISO_WEEKDAYS]
    if bad:
        message = _("Days of the week are numbers from 1 (Monday) to 7 (Sunday).")
        raise DomainError(message, fields={"days_of_week": [message]})
    if len(set(days)) != len(days):
        message = _("A day of the week appears more than once.")
        raise DomainError(message, fields={"days_of_week": [message]})
    return sorted(days)


def _check_teacher(*, teacher: User, organization_id: int | None) -> None:
    if teacher.role not in STAFF or teacher.organization_id != organization_id or not teacher.is_active:
        raise NotFound(_("No such teacher."), fields={"teacher_id": [_("No such teacher.")]})


def group_create(
    *,
    actor: User,
    name: str,
    days_of_week: Sequence[int],
    code: str | None = None,
    start_time: time | None = None,
    is_active: bool = True,
    sort_order: int | None = None,
    teacher: User | None = None,
) -> StudyGroup:
    """A group of the actor's organization, taught by `teacher` (default: the actor); display_name is derived."""
    teacher = teacher or actor
    _check_teacher(teacher=teacher, organization_id=actor.organization_id)
    group = StudyGroup(
        organization_id=actor.organization_id,
        teacher=teacher,
        name=name.strip(),
        code=(code or "").strip() or None,
        days_of_week=days_of_week_clean(days_of_week),
        start_time=start_time,
        is_active=is_active,
        sort_order=sort_order,
    )
    with transaction.atomic():
        group.save()
    return group


def _lock_group(pk: int) -> StudyGroup:
    return StudyGroup.all_objects.select_for_update().get(pk=pk)


def group_update(*, group: StudyGroup, changes: GroupFields) -> StudyGroup:
    """Apply the given changes; display_name follows on save (docs/DECISIONS.md, decision 7).

    The row is read again under a lock and only the changed columns are written: saving the copy read before the
    request's transaction would undo a concurrent delete or change, and derive display_name from stale columns.
    A group deleted meanwhile is a 404, as it would have been a moment later.
    """
    values: dict[str, Any] = dict(changes)
    if "days_of_week" in values:
        values["days_of_week"] = days_of_week_clean(values["days_of_week"])
    if "teacher" in values:
        _check_teacher(teacher=values["teacher"], organization_id=group.organization_id)
    if "name" in values:
        values["name"] = values["name"].strip()
    if "code" in values:
        values["code"] = (values["code"] or "").strip() or None
    with transaction.atomic():
        current = _lock_group(group.pk)
        if current.deleted_at is not None:
            raise NotFound(_("No such group."))
        apply_changes(current, values)
    return current


def group_soft_delete(*, group: StudyGroup) -> StudyGroup:
    """Hide the group (docs/DECISIONS.md, decision 8); memberships and attendance stay for a restore."""
    return soft_delete(StudyGroup, group.pk)


def group_restore(*, group: StudyGroup) -> StudyGroup:
    """Undo a soft delete; restoring a group that is not deleted changes nothing."""
    return restore(StudyGroup, group.pk)


def _check_members(*, group: StudyGroup, students: Sequence[User]) -> None:
    if group.deleted_at is not None:
        raise DomainError(_("The group is deleted."), code=ErrorCode.GROUP_DELETED)
    strangers = [
        student.pk
        for student in students
        if student.role != Role.STUDENT or student.organization_id != group.organization_id
    ]
    if strangers:
        message = _("No such student: %(id)s.") % {"id": strangers[0]}
        raise NotFound(message, fields={"student_ids": [message]})


def memberships_add(*, group: StudyGroup, students: Sequence[User], at: datetime | None = None) -> int:
    """Make the students active members: new rows, or old rows re-activated. Answers how many changed.

    Already active members keep their `joined_at`, so adding twice changes nothing. Two teachers adding the
    same student at once both succeed: the unique (group, student) index lets one insert win and the other skip.
    """
    _check_members(group=group, students=students)
    at = at or timezone.now()
    ids = {student.pk for student in students}
    with transaction.atomic():
        reactivated = GroupMembership.objects.filter(group=group, student_id__in=ids, is_active=False).update(
            is_active=True, joined_at=at, left_at=None
        )
        existing = set(
            GroupMembership.objects.filter(group=group, student_id__in=ids).values_list("student_id", flat=True)
        )
        created = GroupMembership.objects.bulk_create(
            [
                GroupMembership(organization_id=group.organization_id, group=group, student_id=pk, joined_at=at)
                for pk in sorted(ids - existing)
            ],
            ignore_conflicts=True,
        )
    return reactivated + len(created)


def memberships_end(*, group: StudyGroup, students: Sequence[User], at: datetime | None = None) -> int:
    """End the active memberships of these students (history stays); answers how many ended."""
    with transaction.atomic():
        return GroupMembership.objects.filter(
            group=group, student_id__in=[student.pk for student in students], is_active=True
        ).update(is_active=False, left_at=at or timezone.now())


def memberships_set_for_student(*, student: User, groups: Sequence[StudyGroup]) -> None:
    """Make `groups` exactly the student's active groups among the alive groups of their organization."""
    wanted = {group.pk for group in groups}
    at = timezone.now()
    with transaction.atomic():
        for group in groups:
            memberships_add(group=group, students=[student], at=at)
        GroupMembership.objects.filter(student=student, is_active=True, group__deleted_at__isnull=True).exclude(
            group_id__in=wanted
        ).update(is_active=False, left_at=at)


def memberships_end_all(*, student: User, at: datetime) -> int:
    """End every active membership of the student, stamping `left_at=at` so a restore can find exactly these."""
    with transaction.atomic():
        return GroupMembership.objects.filter(student=student, is_active=True).update(is_active=False, left_at=at)


def memberships_resume(*, student: User, ended_at: datetime) -> int:
    """Re-activate the memberships that `memberships_end_all(at=ended_at)` ended, keeping their joined_at."""
    with transaction.atomic():
        return GroupMembership.objects.filter(student=student, is_active=False, left_at=ended_at).update(
            is_active=True, left_at=None
        )
