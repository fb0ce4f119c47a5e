"""Who sees which test, paper, assignment and attempt.

Staff see their organization's tests with everything hanging on them. A student sees the active tests that reach
them — assigned to them directly, or to a group they are an active member of — and a parent those that reach their
linked children. The paper (PDF) of a test reaches a student or parent only once a window has opened, so an exam's
questions do not leak before it starts. Soft-deleted tests, and what hangs on them, are gone for everyone but the
staff's restore view.
"""

from collections.abc import Collection

from django.db.models import Q, QuerySet
from django.utils import timezone

from bekrin.accounts.models import User
from bekrin.assessments.models import Test, TestAssignment, TestAttempt
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import in_tenant
from bekrin.groups.models import GroupMembership
from bekrin.students.models import ParentStudent


def acting_for(user: User) -> QuerySet | Collection[int]:
    """The students whose tests a student or parent may see: themself, or their linked children still enrolled."""
    if user.role == Role.STUDENT:
        return [user.pk]
    if user.role == Role.PARENT:
        return ParentStudent.objects.filter(parent=user, student__student_profile__deleted_at__isnull=True).values(
            "student_id"
        )
    return []


def assignments_reaching(student_ids: QuerySet | Collection[int]) -> QuerySet[TestAssignment]:
    """Assignments that reach these students: to one of them, or to a live group one of them is active in.

    An assignment that names both a group and a student reaches only that student; the group is its context.
    """
    active_groups = GroupMembership.objects.filter(
        student_id__in=student_ids, is_active=True, group__deleted_at__isnull=True
    ).values("group_id")
    return TestAssignment.objects.filter(
        Q(student_id__in=student_ids) | Q(student__isnull=True, group_id__in=active_groups)
    )


def _opened_now() -> Q:
    return Q(available_from__isnull=True) | Q(available_from__lte=timezone.now())


def tests_visible_to(user: User, *, include_deleted: bool = False) -> QuerySet[Test]:
    manager = Test.all_objects if include_deleted else Test.objects
    rows = in_tenant(manager.all(), user)
    if user.role in STAFF:
        return rows
    if user.role in (Role.STUDENT, Role.PARENT):
        reaching = assignments_reaching(acting_for(user))
        return rows.filter(is_active=True, deleted_at__isnull=True, pk__in=reaching.values("test_id"))
    return rows.none()


def can_view_test(user: User, test: Test, *, include_deleted: bool = False) -> bool:
    if test.organization_id != user.organization_id or (test.deleted_at is not None and not include_deleted):
        return False
    if user.role in STAFF:
        return True
    if user.role in (Role.STUDENT, Role.PARENT):
        reaching = assignments_reaching(acting_for(user))
        return test.is_active and test.deleted_at is None and reaching.filter(test=test).exists()
    return False


def test_papers_visible_to(user: User) -> QuerySet[Test]:
    """Tests whose PDF the user may download: like tests_visible_to, but for students and parents only once open."""
    rows = tests_visible_to(user)
    if user.role in (Role.STUDENT, Role.PARENT):
        opened = assignments_reaching(acting_for(user)).filter(_opened_now())
        return rows.filter(pk__in=opened.values("test_id"))
    return rows


def can_view_test_paper(user: User, test: Test) -> bool:
    if not can_view_test(user, test):
        return False
    if user.role in (Role.STUDENT, Role.PARENT):
        return assignments_reaching(acting_for(user)).filter(_opened_now(), test=test).exists()
    return True


def assignments_visible_to(user: User) -> QuerySet[TestAssignment]:
    rows = in_tenant(TestAssignment.objects.filter(test__deleted_at__isnull=True), user, "test__organization")
    if user.role in STAFF:
        return rows
    if user.role in (Role.STUDENT, Role.PARENT):
        return rows.filter(test__is_active=True, pk__in=assignments_reaching(acting_for(user)).values("pk"))
    return rows.none()


def can_view_assignment(user: User, assignment: TestAssignment) -> bool:
    test = assignment.test
    if test.organization_id != user.organization_id or test.deleted_at is not None:
        return False
    if user.role in STAFF:
        return True
    if user.role in (Role.STUDENT, Role.PARENT):
        return test.is_active and assignments_reaching(acting_for(user)).filter(pk=assignment.pk).exists()
    return False


def attempts_visible_to(user: User) -> QuerySet[TestAttempt]:
    rows = in_tenant(TestAttempt.objects.filter(test__deleted_at__isnull=True), user, "test__organization")
    if user.role in STAFF:
        return rows
    if user.role in (Role.STUDENT, Role.PARENT):
        return rows.filter(student_id__in=acting_for(user))
    return rows.none()


def can_view_attempt(user: User, attempt: TestAttempt) -> bool:
    test = attempt.test
    if test.organization_id != user.organization_id or test.deleted_at is not None:
        return False
    if user.role in STAFF:
        return True
    if user.role == Role.STUDENT:
        return attempt.student_id == user.pk
    if user.role == Role.PARENT:
        return ParentStudent.objects.filter(
            parent=user, student_id=attempt.student_id, student__student_profile__deleted_at__isnull=True
        ).exists()
    return False
