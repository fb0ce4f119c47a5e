"""The read phase of a bulk import: from the file's rows and the database, decide what to create, change and link.

Checks collect every problem as `{row, column, message}` rather than stopping at the first. The database is read
with a fixed number of queries whatever the number of rows: the users the file names, the organization's groups,
the links and the memberships already there.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import TeacherProfile, User, normalize_email
from bekrin.core.roles import Role
from bekrin.core.search import fold_text
from bekrin.core.tenancy import in_tenant
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile
from bekrin.students.services import IssuedPassword

COLUMNS = (
    "full_name",
    "email",
    "role",
    "phone",
    "grade",
    "group",
    "parent_full_name",
    "parent_email",
    "parent_phone",
    "relation",
    "password",
)
REQUIRED_COLUMNS = ("full_name", "email")
STUDENT_ONLY_COLUMNS = ("grade", "group", "parent_full_name", "parent_email", "parent_phone", "relation")
PARENT_COLUMNS = ("parent_full_name", "parent_phone", "relation")
IMPORTABLE_ROLES = (Role.STUDENT, Role.PARENT, Role.TEACHER)
# Several groups in one cell, for a student in more than one: `Qrup1 | Riyaziyyat`.
GROUP_SEPARATOR = "|"
MAX_LENGTHS = {
    "full_name": 200,
    "email": 254,
    "phone": 40,
    "grade": 20,
    "parent_full_name": 200,
    "parent_email": 254,
    "parent_phone": 40,
    "relation": 40,
    "password": 128,
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    linked: int  # parent links created or given a new relation, plus group memberships added or re-activated
    passwords: list[IssuedPassword]


@dataclass
class Row:
    number: int
    cells: dict[str, str]
    role: str = Role.STUDENT
    email: str = ""
    groups: list[StudyGroup] = field(default_factory=list)
    parent_email: str = ""


@dataclass
class NewUser:
    email: str
    full_name: str
    role: str
    phone: str | None
    grade: str = ""
    password: str | None = None  # chosen in the file; None: generated
    user: User | None = None  # set once written


@dataclass
class Plan:
    rows: int = 0
    existing: dict[str, User] = field(default_factory=dict)  # every user the file names, by email
    new_users: dict[str, NewUser] = field(default_factory=dict)  # by email, in file order
    updated: set[str] = field(default_factory=set)  # emails of existing users the import changes
    changed_users: list[User] = field(default_factory=list)
    changed_grades: list[StudentProfile] = field(default_factory=list)
    # Existing users of the role who lack its profile (made outside the API), with the grade for a student.
    missing_profiles: dict[str, tuple[User, str]] = field(default_factory=dict)
    unchanged: int = 0
    links: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (parent, student email) -> relation
    relinks: list[ParentStudent] = field(default_factory=list)
    memberships: dict[int, tuple[StudyGroup, list[str]]] = field(default_factory=dict)  # group id -> students
    membership_changes: int = 0

    def result(self, *, dry_run: bool, passwords: list[IssuedPassword]) -> ImportResult:
        return ImportResult(
            dry_run=dry_run,
            rows=self.rows,
            created=len(self.new_users),
            updated=len(self.updated),
            unchanged=self.unchanged,
            linked=len(self.links) + len(self.relinks) + self.membership_changes,
            passwords=passwords,
        )


def header_problems(header: list[str]) -> list[Problem]:
    problems = []
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(Problem(1, name, _("This column is required.")))
    seen: set[str] = set()
    for name in filter(None, header):
        if name in seen:
            problems.append(Problem(1, name, _("This column appears twice.")))
        elif name not in COLUMNS:
            message = _("Unknown column; the columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)}
            problems.append(Problem(1, name, message))
        seen.add(name)
    return problems


def _cell(row: Row, column: str) -> str:
    return row.cells.get(column, "")


def _role(value: str) -> str | None:
    """A role by its value or its Azerbaijani label (`student`, `Şagird`), ignoring case; None if not importable."""
    if not value:
        return Role.STUDENT
    folded = fold_text(value)
    for role in IMPORTABLE_ROLES:
        if folded in (fold_text(role.value), fold_text(str(role.label))):
            return role
    return None


def _email_problem(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return _("Enter a valid email address.")
    return None


def _check_cells(row: Row, problems: list[Problem]) -> None:
    """Checks of a row on its own: required cells, lengths, email syntax, role, columns that need a student."""
    for column in REQUIRED_COLUMNS:
        if not _cell(row, column):
            problems.append(Problem(row.number, column, _("This cell is required.")))
    for column, limit in MAX_LENGTHS.items():
        if len(_cell(row, column)) > limit:
            problems.append(Problem(row.number, column, _("At most %(count)d characters.") % {"count": limit}))
    row.email = normalize_email(_cell(row, "email"))
    if row.email and (message := _email_problem(row.email)):
        problems.append(Problem(row.number, "email", message))
    role = _role(_cell(row, "role"))
    if role is None:
        message = _("Unknown role; use student, parent or teacher.")
        problems.append(Problem(row.number, "role", message))
        return
    row.role = role
    if role != Role.STUDENT:
        for column in STUDENT_ONLY_COLUMNS:
            if _cell(row, column):
                problems.append(Problem(row.number, column, _("Only a student's row may fill this column.")))
        return
    parent_email = normalize_email(_cell(row, "parent_email"))
    if parent_email:
        if message := _email_problem(parent_email):
            problems.append(Problem(row.number, "parent_email", message))
        elif parent_email == row.email:
            problems.append(Problem(row.number, "parent_email", _("A student cannot be their own parent.")))
        else:
            row.parent_email = parent_email  # only a usable parent email goes on to be found or created
    elif any(_cell(row, column) for column in PARENT_COLUMNS):
        problems.append(Problem(row.number, "parent_email", _("Give the parent's email with the parent's details.")))


class _Groups:
    """The organization's groups, found by id, code or name (case and Azerbaijani letters folded)."""

    def __init__(self, actor: User) -> None:
        self.by_key: dict[str, set[int]] = {}
        self.groups: dict[int, StudyGroup] = {}
        for group in in_tenant(StudyGroup.objects.all(), actor):
            self.groups[group.pk] = group
            for key in (str(group.pk), group.code or "", group.name):
                if key:
                    self.by_key.setdefault(fold_text(key.strip()), set()).add(group.pk)

    def find(self, reference: str) -> tuple[StudyGroup | None, str | None]:
        found = self.by_key.get(fold_text(reference), set())
        if len(found) == 1:
            return self.groups[next(iter(found))], None
        if not found:
            return None, _("No group “%(group)s” in your school.") % {"group": reference}
        return None, _("More than one group is called “%(group)s”; use its code or id.") % {"group": reference}


def _existing_users(emails: Iterable[str]) -> dict[str, User]:
    rows = User.objects.filter(email__in=set(emails)).select_related(
        "student_profile", "parent_profile", "teacher_profile"
    )
    return {user.email: user for user in rows}


def _profile(user: User) -> StudentProfile | ParentProfile | TeacherProfile | None:
    name = {Role.STUDENT: "student_profile", Role.PARENT: "parent_profile", Role.TEACHER: "teacher_profile"}[
        Role(user.role)
    ]
    return getattr(user, name, None)


def _usable(actor: User, user: User, role: str) -> str | None:
    """Why this existing account cannot be the row's user (or parent), or None."""
    if user.organization_id != actor.organization_id:
        return _("A user with this email already exists.")
    if user.role != role:
        return _("This email belongs to a user with the role “%(role)s”; import does not change roles.") % {
            "role": user.role
        }
    profile = _profile(user)
    if profile is not None and getattr(profile, "deleted_at", None) is not None:
        return _("This user is deleted; restore them before importing them again.")
    return None


def plan_import(*, actor: User, rows: list[Row], problems: list[Problem]) -> Plan:
    plan = Plan(rows=len(rows))
    first_row: dict[str, int] = {}
    for row in rows:
        _check_cells(row, problems)
        if row.email in first_row:
            message = _("This email is also on row %(row)d.") % {"row": first_row[row.email]}
            problems.append(Problem(row.number, "email", message))
        elif row.email:
            first_row[row.email] = row.number

    plan.existing = existing = _existing_users([row.email for row in rows] + [row.parent_email for row in rows])
    groups = _Groups(actor) if any(_cell(row, "group") for row in rows) else None
    user_rows = {row.email: row for row in rows if first_row.get(row.email) == row.number}
    now = timezone.now()

    for row in user_rows.values():
        _plan_user(actor=actor, row=row, user=existing.get(row.email), plan=plan, problems=problems, now=now)
        if groups is not None and row.role == Role.STUDENT:
            for reference in filter(None, (part.strip() for part in _cell(row, "group").split(GROUP_SEPARATOR))):
                group, why_not = groups.find(reference)
                if group is None:
                    problems.append(Problem(row.number, "group", str(why_not)))
                elif group not in row.groups:
                    row.groups.append(group)
    for row in user_rows.values():
        if row.parent_email:
            _plan_parent(actor=actor, row=row, user_rows=user_rows, existing=existing, plan=plan, problems=problems)
    _plan_links(plan)
    _plan_memberships(plan, user_rows.values())
    return plan


def _plan_user(*, actor: User, row: Row, user: User | None, plan: Plan, problems: list[Problem], now: datetime) -> None:
    full_name, phone, grade = _cell(row, "full_name"), _cell(row, "phone"), _cell(row, "grade")
    password = _cell(row, "password")
    if user is None:
        new = NewUser(row.email, full_name, row.role, phone or None, grade, password or None)
        if password:
            try:
                validate_password(password, user=User(email=row.email, full_name=full_name))
            except ValidationError as error:
                problems.extend(Problem(row.number, "password", message) for message in error.messages)
        plan.new_users[row.email] = new
        return
    if message := _usable(actor, user, row.role):
        problems.append(Problem(row.number, "email" if user.role == row.role else "role", message))
        return
    if (full_name and full_name != user.full_name) or (phone and phone != user.phone):
        user.full_name, user.phone, user.updated_at = full_name or user.full_name, phone or user.phone, now
        plan.changed_users.append(user)
        plan.updated.add(row.email)
    profile = _profile(user)
    if profile is None:
        plan.missing_profiles[row.email] = (user, grade)
        plan.updated.add(row.email)
    elif isinstance(profile, StudentProfile) and grade and grade != profile.grade:
        profile.grade, profile.updated_at = grade, now
        plan.changed_grades.append(profile)
        plan.updated.add(row.email)
    if row.email not in plan.updated:
        plan.unchanged += 1


def _plan_parent(
    *,
    actor: User,
    row: Row,
    user_rows: dict[str, Row],
    existing: dict[str, User],
    plan: Plan,
    problems: list[Problem],
) -> None:
    """The parent of a student's row: a row of the file, an existing parent, or a new one from the parent columns."""
    email = row.parent_email
    if email in user_rows:
        if user_rows[email].role != Role.PARENT:
            message = _("Row %(row)d imports this email as a %(role)s, not a parent.") % {
                "row": user_rows[email].number,
                "role": user_rows[email].role,
            }
            problems.append(Problem(row.number, "parent_email", message))
            return
    elif email in existing:
        parent = existing[email]
        if reason := _usable(actor, parent, Role.PARENT):
            problems.append(Problem(row.number, "parent_email", reason))
            return
        if _profile(parent) is None:
            plan.missing_profiles.setdefault(email, (parent, ""))
    elif email not in plan.new_users:
        name = _cell(row, "parent_full_name")
        if not name:
            problems.append(Problem(row.number, "parent_full_name", _("Required for a new parent.")))
            return
        plan.new_users[email] = NewUser(email, name, Role.PARENT, _cell(row, "parent_phone") or None)
    plan.links[(email, row.email)] = _cell(row, "relation") or None


def _plan_links(plan: Plan) -> None:
    """Drop the links that exist already; keep those whose relation changes as `relinks`."""
    known = {
        (link.parent.email, link.student.email): link
        for link in ParentStudent.objects.filter(
            parent__email__in={parent for parent, _student in plan.links},
            student__email__in={student for _parent, student in plan.links},
        ).select_related("parent", "student")
    }
    for pair, relation in list(plan.links.items()):
        link = known.get(pair)
        if link is None:
            continue
        del plan.links[pair]
        if relation is not None and relation != link.relation:
            link.relation = relation
            plan.relinks.append(link)


def _plan_memberships(plan: Plan, rows: Iterable[Row]) -> None:
    active = set(
        GroupMembership.objects.filter(
            student__email__in=[row.email for row in rows if row.groups], is_active=True
        ).values_list("group_id", "student__email")
    )
    for row in rows:
        for group in row.groups:
            plan.memberships.setdefault(group.pk, (group, []))[1].append(row.email)
            if (group.pk, row.email) not in active:
                plan.membership_changes += 1
