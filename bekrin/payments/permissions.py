"""Who sees which payment: staff their organization's (deleted ones too, for the "deleted" tab), a student their own,
a parent those of the children linked to them. Students and parents never see a deleted payment."""

from django.db.models import QuerySet

from bekrin.accounts.models import User
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import in_tenant
from bekrin.payments.models import Payment
from bekrin.students.models import ParentStudent


def payments_visible_to(user: User) -> QuerySet[Payment]:
    rows = in_tenant(Payment.all_objects.all(), user)
    if user.role in STAFF:
        return rows
    if user.role == Role.STUDENT:
        return rows.filter(student=user, deleted_at__isnull=True)
    if user.role == Role.PARENT:
        return rows.filter(
            student__parent_links__parent=user,
            student__student_profile__deleted_at__isnull=True,
            deleted_at__isnull=True,
        )
    return rows.none()


def can_view_payment(user: User, payment: Payment) -> bool:
    if payment.organization_id != user.organization_id:
        return False
    if user.role in STAFF:
        return True
    if payment.deleted_at is not None:
        return False
    if user.role == Role.STUDENT:
        return payment.student_id == user.pk
    if user.role == Role.PARENT:
        return ParentStudent.objects.filter(
            parent=user, student_id=payment.student_id, student__student_profile__deleted_at__isnull=True
        ).exists()
    return False
