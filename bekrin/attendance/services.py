"""Writing attendance cells: an idempotent upsert on (group, student, lesson_date), all or nothing.

Concurrency. Every write first locks the rows of the groups it touches (`SELECT … FOR NO KEY UPDATE`, in id
order), then takes its timestamp and writes with `INSERT … ON CONFLICT (group_id, student_id, lesson_date) DO
UPDATE` (or DELETE for cleared cells). So two teachers saving the same cells at once are serialized per group:
the second waits for the first to commit and then overwrites it. No unique-constraint error can reach a client,
no two writers can deadlock (locks are taken in one order, before any cell row), and the write that commits last
is the one that stays, with the latest `marked_at`. FOR NO KEY UPDATE does not block other tables' foreign-key
checks on the group (payments, memberships), only other attendance writers and edits of the same group.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.attendance.models import AttendanceRecord, AttendanceStatus
from bekrin.core.errors import DomainError, ErrorCode, NotFound
from bekrin.groups.models import GroupMembership
from bekrin.groups.permissions import groups_visible_to

MAX_CELLS = 1000
_KEY_FIELDS = ["group", "student", "lesson_date"]


@dataclass(frozen=True)
class CellInput:
    """One cell to write. `status=None` clears the cell. `note` is written only when `note_given` (an omitted
    note keeps the stored one). `ref` names the cell in errors: `items[3]` gives fields like `items[3].status`."""

    group_id: int
    student_id: int
    lesson_date: date
    status: str | None
    note: str | None = None
    note_given: bool = False
    ref: str = ""

    @property
    def key(self) -> tuple[int, int, date]:
        return (self.group_id, self.student_id, self.lesson_date)

    def field(self, name: str) -> str:
        return f"{self.ref}.{name}" if self.ref else name


@dataclass(frozen=True)
class StoredCell:
    """A cell as stored after the write; a cleared cell has no status and no marks."""

    group_id: int
    student_id: int
    lesson_date: date
    status: str | None = None
    note: str | None = None
    marked_by_id: int | None = None
    marked_at: datetime | None = None


def _refuse(
    cell: CellInput, name: str, message: str, *, code: ErrorCode = ErrorCode.INVALID, missing: bool = False
) -> DomainError:
    error_type = NotFound if missing else DomainError
    return error_type(message, code=code if not missing else ErrorCode.NOT_FOUND, fields={cell.field(name): [message]})


def _check_input(cells: Sequence[CellInput]) -> None:
    if not cells:
        raise DomainError(_("No cells to save."), fields={"items": [_("No cells to save.")]})
    if len(cells) > MAX_CELLS:
        message = _("At most %(count)d cells in one request.") % {"count": MAX_CELLS}
        raise DomainError(message, fields={"items": [message]})
    for cell in cells:
        if cell.status is not None and cell.status not in AttendanceStatus.values:
            raise _refuse(cell, "status", _("Unknown attendance status."))


def _check_scope(*, actor: User, cells: Sequence[CellInput]) -> None:
    """Groups (locked, in id order) and students must be the actor's, the group alive, the student a member
    of it now or before. Runs inside the writing transaction, so a group deleted meanwhile is seen."""
    group_ids = sorted({cell.group_id for cell in cells})
    groups = {
        group.pk: group
        for group in groups_visible_to(actor, include_deleted=True)
        .filter(pk__in=group_ids)
        .order_by("pk")
        .select_for_update(no_key=True, of=("self",))
    }
    student_ids = {cell.student_id for cell in cells}
    students = set(students_visible_to(actor).filter(pk__in=student_ids).values_list("pk", flat=True))
    members = set(
        GroupMembership.objects.filter(group_id__in=group_ids, student_id__in=student_ids).values_list(
            "group_id", "student_id"
        )
    )
    for cell in cells:
        group = groups.get(cell.group_id)
        if group is None:
            raise _refuse(cell, "group_id", _("No such group."), missing=True)
        if group.deleted_at is not None:
            raise _refuse(cell, "group_id", _("The group is deleted."), code=ErrorCode.GROUP_DELETED)
        if cell.student_id not in students:
            raise _refuse(cell, "student_id", _("No such student."), missing=True)
        if (cell.group_id, cell.student_id) not in members:
            raise _refuse(
                cell, "student_id", _("The student was never a member of this group."), code=ErrorCode.NOT_A_MEMBER
            )


def attendance_mark(*, actor: User, cells: Sequence[CellInput]) -> list[StoredCell]:
    """Write the cells (up to 1,000) in one transaction and answer them as stored, one per distinct cell in the
    order given; a repeated cell takes its last value. Any invalid cell refuses the whole request."""
    _check_input(cells)
    latest = {cell.key: cell for cell in cells}  # the last mention of a cell wins, in first-mention order
    with transaction.atomic():
        _check_scope(actor=actor, cells=cells)
        now = timezone.now()  # taken after the locks, so a later marked_at always means a later commit
        cleared = [cell for cell in latest.values() if cell.status is None]
        kept = sorted((cell for cell in latest.values() if cell.status is not None), key=lambda cell: cell.key)
        if cleared:
            dates: dict[tuple[int, int], list[date]] = defaultdict(list)
            for cell in cleared:
                dates[(cell.group_id, cell.student_id)].append(cell.lesson_date)
            match = Q()
            for (group_id, student_id), days in dates.items():
                match |= Q(group_id=group_id, student_id=student_id, lesson_date__in=days)
            AttendanceRecord.objects.filter(match).delete()
        written: list[AttendanceRecord] = []
        for with_note in (True, False):
            rows = [
                AttendanceRecord(
                    organization_id=actor.organization_id,
                    group_id=cell.group_id,
                    student_id=cell.student_id,
                    lesson_date=cell.lesson_date,
                    status=cell.status,
                    note=cell.note if with_note else None,
                    marked_by=actor,
                    marked_at=now,
                )
                for cell in kept
                if cell.note_given == with_note and cell.status is not None
            ]
            if rows:
                written += AttendanceRecord.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=_KEY_FIELDS,
                    update_fields=["status", "marked_by", "marked_at", "updated_at", *(["note"] if with_note else [])],
                )
        # Read back (PostgreSQL returns the ids of inserted and updated rows alike): an omitted note keeps the
        # stored one, which only the database knows.
        stored = {
            (record.group_id, record.student_id, record.lesson_date): record
            for record in AttendanceRecord.objects.filter(pk__in=[record.pk for record in written])
        }
    result = []
    for key, cell in latest.items():
        record = stored.get(key)
        if record is None:
            result.append(StoredCell(group_id=cell.group_id, student_id=cell.student_id, lesson_date=cell.lesson_date))
        else:
            result.append(
                StoredCell(
                    group_id=record.group_id,
                    student_id=record.student_id,
                    lesson_date=record.lesson_date,
                    status=record.status,
                    note=record.note,
                    marked_by_id=record.marked_by_id,
                    marked_at=record.marked_at,
                )
            )
    return result
