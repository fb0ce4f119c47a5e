"""Who reads the audit trail: the staff of a school, that school's events only (another school's are as if they did
not exist). Nobody writes it: the triggers do."""

from django.db.models import QuerySet

from bekrin.accounts.models import User
from bekrin.audit.models import (
    TrackedAttendanceRecord,
    TrackedGroupMembership,
    TrackedPayment,
    TrackedTestAnswerKey,
    TrackedTestAttempt,
    TrackedUser,
)
from bekrin.core.roles import STAFF
from bekrin.core.tenancy import in_tenant

# The `model` of `GET /api/teacher/audit`: its tracked proxy and the path from an event to its school (an answer
# key has no organization of its own; its test has).
AUDITED_MODELS = {
    "attendance_record": (TrackedAttendanceRecord, "organization"),
    "payment": (TrackedPayment, "organization"),
    "test_answer_key": (TrackedTestAnswerKey, "test__organization"),
    "test_attempt": (TrackedTestAttempt, "organization"),
    "group_membership": (TrackedGroupMembership, "organization"),
    "user": (TrackedUser, "organization"),
}


def audit_events_visible_to(user: User, model: str) -> QuerySet:
    tracked, tenant_path = AUDITED_MODELS[model]
    events = tracked.pgh_event_model.objects.all()  # type: ignore[attr-defined]
    if user.role not in STAFF:
        return events.none()
    events = in_tenant(events, user, tenant_path)
    if model == "user":
        # Superusers have no school (NULL, like the default school's users): their accounts are nobody's to read.
        events = events.exclude(is_superuser=True).exclude(pgh_obj__is_superuser=True)
    return events
