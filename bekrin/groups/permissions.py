"""Who sees which group: staff their organization's, a student the groups they belong or belonged to, a parent the
groups of the children linked to them. Soft-deleted groups exist only for staff asking for them (restore, the
"deleted" tab)."""

from django.db.models import Exists, OuterRef, QuerySet

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import in_tenant
from bekrin.groups.models import GroupMembership, StudyGroup


def groups_visible_to(user: User, *, include_deleted: bool = False) -> QuerySet[StudyGroup]:
    manager = StudyGroup.all_objects if include_deleted else StudyGroup.objects
    rows = in_tenant(manager.all(), user)
    if user.role in STAFF:
        return rows
    if user.role == Role.STUDENT:
        return rows.filter(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), student=user)))
    if user.role == Role.PARENT:
        children = students_visible_to(user)
        return rows.filter(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), student__in=children)))
    return rows.none()


def can_view_group(user: User, group: StudyGroup, *, include_deleted: bool = False) -> bool:
    if group.organization_id != user.organization_id:
        return False
    if group.deleted_at is not None and not include_deleted:
        return False
    if user.role in STAFF:
        return True
    if user.role == Role.STUDENT:
        return GroupMembership.objects.filter(group=group, student=user).exists()
    if user.role == Role.PARENT:
        return GroupMembership.objects.filter(
            group=group,
            student__parent_links__parent=user,
            student__student_profile__deleted_at__isnull=True,
        ).exists()
    return False


def group_teachers_visible_to(user: User) -> QuerySet[User]:
    """Who may be set as a group's teacher: active teachers and admins of the caller's organization."""
    if user.role not in STAFF:
        return User.objects.none()
    return in_tenant(User.objects.filter(role__in=STAFF, is_active=True), user)
