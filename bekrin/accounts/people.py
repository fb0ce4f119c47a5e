"""Who sees which student and parent (both are users with a profile).

Staff see their organization's students and parents; a student sees themself, a parent the children linked to
them. Soft-deleted students exist only for staff asking for them (the "deleted" tab, restore, hard delete).

The profiles and parent links are the students app's models; they are read here through the user's relations
(`student_profile`, `parent_links`, `child_links`), so groups, which come before students in the app order
(bekrin/core/tests/test_layering.py), can see people without importing students.
"""

from django.db.models import QuerySet

from bekrin.accounts.models import User
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import in_tenant


def students_visible_to(user: User, *, include_deleted: bool = False) -> QuerySet[User]:
    rows = in_tenant(User.objects.filter(role=Role.STUDENT, student_profile__isnull=False), user)
    if not include_deleted:
        rows = rows.filter(student_profile__deleted_at__isnull=True)
    if user.role in STAFF:
        return rows
    if user.role == Role.STUDENT:
        return rows.filter(pk=user.pk, student_profile__deleted_at__isnull=True)
    if user.role == Role.PARENT:
        return rows.filter(parent_links__parent=user, student_profile__deleted_at__isnull=True)
    return rows.none()


def can_view_student(user: User, student: User, *, include_deleted: bool = False) -> bool:
    if student.role != Role.STUDENT or student.organization_id != user.organization_id:
        return False
    profile = getattr(student, "student_profile", None)
    if profile is None:
        return False
    if profile.deleted_at is not None and (user.role not in STAFF or not include_deleted):
        return False
    if user.role in STAFF:
        return True
    if user.role == Role.STUDENT:
        return student.pk == user.pk
    if user.role == Role.PARENT:
        return student.parent_links.filter(parent=user).exists()
    return False


def parents_visible_to(user: User) -> QuerySet[User]:
    """Staff: their organization's parents; a parent: themself; a student: the parents linked to them."""
    rows = in_tenant(
        User.objects.filter(role=Role.PARENT, parent_profile__isnull=False, parent_profile__deleted_at__isnull=True),
        user,
    )
    if user.role in STAFF:
        return rows
    if user.role == Role.PARENT:
        return rows.filter(pk=user.pk)
    if user.role == Role.STUDENT:
        return rows.filter(child_links__student=user)
    return rows.none()


def can_view_parent(user: User, parent: User) -> bool:
    if parent.role != Role.PARENT or parent.organization_id != user.organization_id:
        return False
    profile = getattr(parent, "parent_profile", None)
    if profile is None or profile.deleted_at is not None:
        return False
    if user.role in STAFF:
        return True
    if user.role == Role.PARENT:
        return parent.pk == user.pk
    if user.role == Role.STUDENT:
        return parent.child_links.filter(student=user).exists()
    return False
