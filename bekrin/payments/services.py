"""Every write to payments; the balance rule of decision 9 is kept here and nowhere else."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from bekrin.payments.models import BALANCE_STATUSES, Payment
from bekrin.students.models import StudentProfile


def student_balance_recompute(*, student_id: int) -> Decimal:
    """Set the student's balance to the sum of their counted payments; call inside the writing transaction."""
    with transaction.atomic():
        profile = StudentProfile.all_objects.select_for_update().get(pk=student_id)
        total = Payment.objects.filter(student_id=student_id, status__in=BALANCE_STATUSES).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0.00")
        if profile.balance != total:
            profile.balance = total
            profile.save(update_fields=["balance", "updated_at"])
        return total
