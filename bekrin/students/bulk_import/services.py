"""Bulk import of users from a CSV file: students, parents and teachers, group membership and parent links.

Two phases inside one transaction. `plan_import` (planning.py) reads the file and the database (a fixed number of
queries whatever the number of rows) and decides, row by row, what to create, change or link, collecting every
problem as `{row, column, message}`; any problem stops the import before a single write. `_apply_plan` then writes
with one bulk statement per table. A dry run stops after the plan, with the same counts a real run would report.

Matching is by email, so a second import of the same file finds every user, link and membership in place and
changes nothing. An empty cell never clears a stored value, and the `password` column sets only the initial
password of a new user (a bulk file is no way to reset the passwords of people who already chose theirs).
"""

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.hashers import initial_password, initial_password_hash
from bekrin.accounts.models import TeacherProfile, User
from bekrin.core.errors import Conflict, DomainError, ErrorCode
from bekrin.core.roles import Role
from bekrin.groups.services import memberships_add
from bekrin.students.bulk_import.planning import (
    COLUMNS,
    ImportResult,
    NewUser,
    Plan,
    Problem,
    Row,
    header_problems,
    plan_import,
)
from bekrin.students.bulk_import.reading import read_table
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile
from bekrin.students.services import IssuedPassword

_BATCH = 1_000
# Argon2 costs ~0.22 s a password on two cores whatever the threads (it already runs 8 lanes), so a request hashes
# at most this many typed passwords: ~11 s, a third of the web server's 30 s limit. Generated ones cost nothing.
MAX_TYPED_PASSWORDS = 50


class InvalidRows(DomainError):
    """400 with every problem of the file: `fields.rows` is a list of `{row, column, message}`."""

    code = ErrorCode.INVALID_ROWS

    def __init__(self, problems: list[Problem]) -> None:
        rows = [{"row": p.row, "column": p.column, "message": p.message} for p in problems]
        message = _("The file has %(count)d problem(s); nothing was imported.") % {"count": len(problems)}
        super().__init__(message, fields={"rows": rows})


def users_import(*, actor: User, data: bytes, dry_run: bool = False) -> ImportResult:
    """Import the CSV `data` for the actor's organization; all or nothing (see the module's docstring)."""
    table = read_table(data, COLUMNS)
    problems = header_problems(table.header)
    if problems:
        raise InvalidRows(problems)
    problems = [
        Problem(number, "", _("This row has more cells than the header has columns.")) for number in table.extra_cells
    ]
    # Spreadsheets often save empty columns after the data; a column without a name only matters if it holds data.
    unnamed = [index for index, name in enumerate(table.header) if not name]
    problems += [
        Problem(number, "", _("This row has data in a column without a name."))
        for number, cells in table.rows
        if any(cells[index] for index in unnamed)
    ]
    rows = [Row(number=number, cells=dict(zip(table.header, cells, strict=True))) for number, cells in table.rows]
    with transaction.atomic():
        plan = plan_import(actor=actor, rows=rows, problems=problems)
        _check_typed_passwords(plan)
        if problems:
            raise InvalidRows(
                sorted(problems, key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else -1))
            )
        if dry_run:
            return plan.result(dry_run=True, passwords=[])
        try:
            passwords = _apply_plan(actor=actor, plan=plan)
        except IntegrityError as error:
            # Another request created one of these emails, links or memberships after the plan read them.
            raise Conflict(
                _("These users changed while the file was imported; import it again."), code=ErrorCode.IMPORT_CONFLICT
            ) from error
    return plan.result(dry_run=False, passwords=passwords)


def _check_typed_passwords(plan: Plan) -> None:
    """A 400 on column `password` when the file would make the request hash more than MAX_TYPED_PASSWORDS."""
    typed = sum(1 for new in plan.new_users.values() if new.password is not None)
    if typed > MAX_TYPED_PASSWORDS:
        problem = _(
            "A file may set at most %(max)d passwords of new users (this one sets %(count)d): split it, or leave "
            "the passwords empty to have them generated."
        ) % {"max": MAX_TYPED_PASSWORDS, "count": typed}
        raise DomainError(problem, code=ErrorCode.TOO_MANY_PASSWORDS, fields={"password": [problem]})


def _apply_plan(*, actor: User, plan: Plan) -> list[IssuedPassword]:
    """Write the plan with bulk statements; answers the generated passwords, in file order."""
    passwords = _create_users(actor=actor, new_users=list(plan.new_users.values()))
    users = {**plan.existing, **{new.email: new.user for new in plan.new_users.values() if new.user is not None}}
    if plan.changed_users:
        User.objects.bulk_update(plan.changed_users, ["full_name", "phone", "updated_at"], batch_size=_BATCH)
    if plan.changed_grades:
        StudentProfile.all_objects.bulk_update(plan.changed_grades, ["grade", "updated_at"], batch_size=_BATCH)
    _create_profiles(list(plan.new_users.values()), missing=list(plan.missing_profiles.values()))
    ParentStudent.objects.bulk_create(
        [
            ParentStudent(
                organization_id=actor.organization_id, parent=users[parent], student=users[student], relation=relation
            )
            for (parent, student), relation in plan.links.items()
        ],
        batch_size=_BATCH,
    )
    if plan.relinks:
        ParentStudent.objects.bulk_update(plan.relinks, ["relation"], batch_size=_BATCH)
    at = timezone.now()
    for group, emails in plan.memberships.values():
        memberships_add(group=group, students=[users[email] for email in emails], at=at)
    return passwords


def _create_users(*, actor: User, new_users: list[NewUser]) -> list[IssuedPassword]:
    """One INSERT for all new users. A generated password goes under the fast initial hasher; a chosen one under
    the default (Argon2), as every password a person chose."""
    passwords = []
    for new in new_users:
        if new.password is None:
            secret = initial_password()
            passwords.append(IssuedPassword(new.email, secret))
            hashed = initial_password_hash(secret)
        else:
            hashed = make_password(new.password)
        new.user = User(
            organization_id=actor.organization_id,
            email=new.email,
            full_name=new.full_name,
            role=new.role,
            phone=new.phone,
            password=hashed,
            is_active=True,
        )
    User.objects.bulk_create([new.user for new in new_users if new.user is not None], batch_size=_BATCH)
    return passwords


def _create_profiles(new_users: list[NewUser], *, missing: list[tuple[User, str]]) -> None:
    students, parents, teachers = [], [], []
    pending = [(new.user, new.grade) for new in new_users if new.user is not None] + missing
    for user, grade in pending:
        if user.role == Role.STUDENT:
            students.append(StudentProfile(user=user, grade=grade))
        elif user.role == Role.PARENT:
            parents.append(ParentProfile(user=user))
        else:
            teachers.append(TeacherProfile(user=user))
    StudentProfile.objects.bulk_create(students, batch_size=_BATCH)
    ParentProfile.objects.bulk_create(parents, batch_size=_BATCH)
    TeacherProfile.objects.bulk_create(teachers, batch_size=_BATCH)
