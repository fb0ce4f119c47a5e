"""The audit trail: PostgreSQL triggers (django-pghistory) copy each tracked change into an event table.

Triggers see every write (services, queryset and bulk updates, the admin, raw SQL), so the trail cannot be skipped.
Each tracked model is reached through a proxy declared here, so the triggers and the event tables live in this
app's migrations and the feature apps stay unaware of the trail. The event tables are append-only (a trigger refuses
UPDATE and DELETE on them) and no service writes them. Who acted comes from pghistory's context, stored in each
event's context (`pgh_context`, a row of pghistory_context per request: the user's id and the path, set by
pghistory's middleware).
"""

from typing import Any

import pghistory

from bekrin.accounts.models import User
from bekrin.assessments.models import TestAnswerKey, TestAttempt
from bekrin.attendance.models import AttendanceRecord
from bekrin.groups.models import GroupMembership
from bekrin.payments.models import Payment

# Row timestamps change on every save and say nothing the event's own time does not.
TIMESTAMPS = ["created_at", "updated_at"]


def tracked(*trackers: pghistory.RowEvent, table: str, **options: Any) -> Any:
    """Tracks a proxy with `trackers` into the event table `table`, append-only."""
    return pghistory.track(
        *trackers,
        model_name=f"{table.title().replace('_', '')}Event",
        append_only=True,
        # One INSERT ... SELECT from the statement's transition table instead of one per row: a 1,000-cell save
        # writes its 1,000 events in one go.
        level=pghistory.Statement,
        obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
        meta={"db_table": f"audit_{table}_event", "ordering": ["-pgh_created_at", "-pgh_id"]},
        **options,
    )


def row_changes() -> tuple[pghistory.RowEvent, ...]:
    """Insert, update (of a tracked field) and delete; new trackers each time, as pghistory binds them to a model."""
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


@tracked(*row_changes(), table="attendance_record", exclude=TIMESTAMPS)
class TrackedAttendanceRecord(AttendanceRecord):
    class Meta:
        proxy = True


@tracked(*row_changes(), table="payment", exclude=TIMESTAMPS)
class TrackedPayment(Payment):
    class Meta:
        proxy = True


@tracked(*row_changes(), table="test_answer_key", exclude=TIMESTAMPS)
class TrackedTestAnswerKey(TestAnswerKey):
    class Meta:
        proxy = True


# The answers a student typed are theirs, not a grade: only what decides the result is kept.
@tracked(*row_changes(), table="test_attempt", fields=["organization", "test", "student", "score", "status"])
class TrackedTestAttempt(TestAttempt):
    class Meta:
        proxy = True


@tracked(*row_changes(), table="group_membership")
class TrackedGroupMembership(GroupMembership):
    class Meta:
        proxy = True


# A password change is recorded as an event of its own whose row holds no password column: the condition reads the
# hash inside the trigger, and the snapshot is only the account's rights. A first login also re-hashes a bulk
# import's initial password with Argon2 (README, "Bulk import"): that is recorded too, with the login's path.
@tracked(
    *row_changes(),
    pghistory.UpdateEvent("password_change", condition=pghistory.AnyChange("password")),
    table="user",
    fields=["organization", "email", "role", "is_active", "is_staff", "is_superuser"],
)
class TrackedUser(User):
    class Meta:
        proxy = True
