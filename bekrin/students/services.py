"""Every write to students, parents and their links; the bulk import (docs/API.md#bulk-import-of-users) reuses
them per row.

Rows created here take the actor's organization (docs/DECISIONS.md, decision 6). Passwords: a chosen one must pass
Django's validators; without one a password is generated and handed back once (`IssuedPassword`), never stored in
clear.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from bekrin.accounts.models import User, normalize_email
from bekrin.accounts.services import EmailTaken, UserChanges, user_create, user_update
from bekrin.core.errors import Conflict, DomainError, ErrorCode, NotFound
from bekrin.core.models import apply_changes, restore, soft_delete
from bekrin.core.roles import Role
from bekrin.groups.models import StudyGroup
from bekrin.groups.services import memberships_end_all, memberships_resume, memberships_set_for_student
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile


@dataclass(frozen=True)
class IssuedPassword:
    """A generated initial password, shown to the teacher once and never again."""

    email: str
    password: str


@dataclass(frozen=True)
class ParentInput:
    full_name: str
    email: str
    phone: str | None = None
    relation: str | None = None


@dataclass(frozen=True)
class ParentResult:
    parent: User
    created: bool
    password: IssuedPassword | None = None


@dataclass(frozen=True)
class StudentCreated:
    student: User
    parent: ParentResult | None = None
    passwords: list[IssuedPassword] = field(default_factory=list)


class StudentChanges(UserChanges, total=False):
    """Fields a PATCH may change; `groups` becomes exactly the student's set of active groups."""

    grade: str
    notes: str | None
    groups: Sequence[StudyGroup]


def _nested(prefix: str, error: DomainError) -> DomainError:
    """The same error with its fields under `prefix`, as a nested serializer would report them."""
    error.fields = {prefix: error.fields} if error.fields else None
    return error


def _check_same_tenant(*, actor: User, user: User, role: str, field_name: str) -> None:
    if user.role != role or user.organization_id != actor.organization_id:
        message = _("Not found: %(id)s.") % {"id": user.pk}
        raise NotFound(message, fields={field_name: [message]})


def student_create(
    *,
    actor: User,
    full_name: str,
    email: str,
    grade: str,
    phone: str | None = None,
    notes: str | None = None,
    password: str | None = None,
    groups: Sequence[StudyGroup] = (),
    parent: ParentInput | None = None,
) -> StudentCreated:
    """User + StudentProfile (+ active memberships of `groups`) (+ the parent, found or created, and the link),
    all or nothing. `passwords` lists the generated ones: the student's when `password` is None, a new parent's.
    """
    with transaction.atomic():
        student, generated = user_create(
            organization_id=actor.organization_id,
            email=email,
            full_name=full_name,
            role=Role.STUDENT,
            phone=phone,
            password=password,
        )
        StudentProfile.objects.create(user=student, grade=grade.strip(), notes=notes or None)
        passwords = [IssuedPassword(student.email, generated)] if generated else []
        if groups:
            memberships_set_for_student(student=student, groups=groups)
        found = None
        if parent is not None:
            try:
                found = parent_get_or_create(
                    actor=actor, full_name=parent.full_name, email=parent.email, phone=parent.phone
                )
            except DomainError as error:
                raise _nested("parent", error) from error
            parent_link(actor=actor, parent=found.parent, student=student, relation=parent.relation)
            if found.password is not None:
                passwords.append(found.password)
        return StudentCreated(student=student, parent=found, passwords=passwords)


def student_update(*, student: User, changes: StudentChanges) -> User:
    """Apply the given changes, writing only the fields that really changed."""
    user_changes = cast(
        UserChanges, {key: value for key, value in changes.items() if key in UserChanges.__annotations__}
    )
    profile_values: dict[str, Any] = {}
    if "grade" in changes:
        profile_values["grade"] = changes["grade"].strip()
    if "notes" in changes:
        profile_values["notes"] = changes["notes"] or None
    with transaction.atomic():
        user_update(user=student, changes=user_changes)
        profile = StudentProfile.all_objects.select_for_update().get(pk=student.pk)
        apply_changes(profile, profile_values)
        if "groups" in changes:
            memberships_set_for_student(student=student, groups=changes["groups"])
    return student


def _login_blocked(user_id: int, at: datetime) -> None:
    """A deleted student's or parent's login ends: the user is inactive and every token is revoked."""
    User.objects.filter(pk=user_id).update(is_active=False, updated_at=at)
    AuthToken.objects.filter(user_id=user_id).delete()


def _login_allowed(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(is_active=True, updated_at=timezone.now())


def student_soft_delete(*, student: User) -> None:
    """Decision 8 (docs/DECISIONS.md): the profile is marked deleted, the user can no longer log in (tokens
    revoked), active memberships end with `left_at` = the deletion time; attendance, payments and links stay."""

    def then(_profile: StudentProfile, at: datetime) -> None:
        _login_blocked(student.pk, at)
        memberships_end_all(student=student, at=at)

    soft_delete(StudentProfile, student.pk, then=then)


def student_restore(*, student: User) -> None:
    """Undo a soft delete: login works again and the memberships the deletion ended are active again."""

    def then(_profile: StudentProfile, deleted_at: datetime) -> None:
        _login_allowed(student.pk)
        memberships_resume(student=student, ended_at=deleted_at)

    restore(StudentProfile, student.pk, then=then)


def student_hard_delete(*, student: User) -> dict[str, int]:
    """Delete a soft-deleted student's user and every row that points at it; answers the count per table.

    A student who is not soft-deleted first is a 409: deleting for good is a second, deliberate step.
    """
    with transaction.atomic():
        profile = StudentProfile.all_objects.select_for_update().get(pk=student.pk)
        if profile.deleted_at is None:
            raise Conflict(_("Only a soft-deleted student can be deleted for good."), code=ErrorCode.NOT_DELETED)
        try:
            _total, per_model = User.objects.filter(pk=student.pk).delete()
        except (ProtectedError, RestrictedError) as error:
            raise Conflict(_("Other records still depend on this user."), code=ErrorCode.IN_USE) from error
    return {apps.get_model(label)._meta.db_table: count for label, count in sorted(per_model.items()) if count}


def parent_get_or_create(
    *,
    actor: User,
    full_name: str,
    email: str,
    phone: str | None = None,
    password: str | None = None,
) -> ParentResult:
    """The parent of the actor's organization with this email, or a new one (with a generated password when none
    is given). An email that belongs to anyone else is a 400 on field `email`; an existing parent is not changed.

    Two requests that both find no parent both try to create one (siblings saved at once): the unique email lets
    one insert win and makes the other wait for it to commit; the loser then finds the winner's parent and links.
    """
    normalized = normalize_email(email)
    with transaction.atomic():
        existing = User.objects.filter(email=normalized).first()
        if existing is None:
            try:
                return parent_create(actor=actor, full_name=full_name, email=email, phone=phone, password=password)
            except EmailTaken:
                existing = User.objects.filter(email=normalized).first()
                if existing is None:  # the other request's user was deleted again meanwhile
                    raise
        if existing.role != Role.PARENT or existing.organization_id != actor.organization_id:
            raise EmailTaken()
        ParentProfile.all_objects.get_or_create(user=existing)
        return ParentResult(parent=existing, created=False)


def parent_create(
    *,
    actor: User,
    full_name: str,
    email: str,
    phone: str | None = None,
    password: str | None = None,
) -> ParentResult:
    """A new parent (user + ParentProfile) of the actor's organization; a taken email is a 400 on `email`."""
    with transaction.atomic():
        parent, generated = user_create(
            organization_id=actor.organization_id,
            email=email,
            full_name=full_name,
            role=Role.PARENT,
            phone=phone,
            password=password,
        )
        ParentProfile.objects.create(user=parent)
    issued = IssuedPassword(parent.email, generated) if generated else None
    return ParentResult(parent=parent, created=True, password=issued)


def parent_update(*, parent: User, changes: UserChanges) -> User:
    """Apply the given changes, writing only the fields that really changed."""
    return user_update(user=parent, changes=changes)


def parent_soft_delete(*, parent: User) -> None:
    """As a student's (docs/DECISIONS.md, decision 8): the profile is marked deleted and the parent can no longer
    log in (tokens revoked); links to children stay, so a restore brings the dashboard back as it was."""
    soft_delete(ParentProfile, parent.pk, then=lambda _profile, at: _login_blocked(parent.pk, at))


def parent_restore(*, parent: User) -> None:
    """Undo a soft delete: login works again."""
    restore(ParentProfile, parent.pk, then=lambda _profile, _at: _login_allowed(parent.pk))


def parent_link(*, actor: User, parent: User, student: User, relation: str | None = None) -> tuple[ParentStudent, bool]:
    """Link a parent and a student of the actor's organization; linking again only updates a given `relation`.
    Answers the link and whether it is new."""
    _check_same_tenant(actor=actor, user=parent, role=Role.PARENT, field_name="parent_id")
    _check_same_tenant(actor=actor, user=student, role=Role.STUDENT, field_name="student_id")
    relation = (relation or "").strip() or None
    with transaction.atomic():
        link, created = ParentStudent.objects.get_or_create(
            parent=parent,
            student=student,
            defaults={"relation": relation, "organization_id": actor.organization_id},
        )
        if not created and relation is not None and link.relation != relation:
            link.relation = relation
            link.save(update_fields=["relation"])
    return link, created


def parent_unlink(*, parent: User, student: User) -> bool:
    """Remove the link if there is one; answers whether there was."""
    with transaction.atomic():
        deleted, _per_model = ParentStudent.objects.filter(parent=parent, student=student).delete()
    return deleted > 0
