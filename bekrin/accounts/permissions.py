"""What each role may do in the staff admin (README, "Roles"). `User.has_perm` answers from here, so every admin
page, ours and the third-party ones (tokens, login lockouts), asks the same rule.

Both staff roles work on their whole school's teaching records, as in the API. The school office (`admin`) also
keeps staff accounts, login tokens and lockouts. Nobody but a superuser sees other schools or manages schools.
Users are managed by rank: a staff user manages users of a lower rank and themselves, never a superuser, and grants
only roles below their own.
"""

from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from bekrin.accounts.models import User
from bekrin.core.roles import STAFF, Role
from bekrin.core.tenancy import same_tenant

_RANK = {Role.STUDENT: 0, Role.PARENT: 0, Role.TEACHER: 1, Role.ADMIN: 2}
_SUPERUSER_RANK = max(_RANK.values()) + 1

# Admin pages of the school office: staff profiles, tokens and login records (`app_label.model_name`).
OFFICE_MODELS = frozenset(
    {"accounts.teacherprofile", "knox.authtoken", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
)
SUPERUSER_MODELS = frozenset({"core.organization"})


def rank_of(user: User) -> int:
    return _SUPERUSER_RANK if user.is_superuser else _RANK.get(Role(user.role), 0)


def is_admin_user(user: Any) -> bool:
    """Who enters the admin at all: active staff of a staff role, and superusers."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or (user.is_staff and user.role in STAFF))


def is_office_user(user: Any) -> bool:
    """The school office (the `admin` role) and superusers: who reads logins, tokens, lockouts and the audit trail."""
    return is_admin_user(user) and (user.is_superuser or user.role == Role.ADMIN)


def admin_permits(user: User, perm: str) -> bool:
    """Django's `<app_label>.<action>_<model_name>` permission, answered by role."""
    if not is_admin_user(user):
        return False
    if user.is_superuser:
        return True
    app_label, _dot, codename = perm.partition(".")
    model = f"{app_label}.{codename.partition('_')[2]}"
    if model in OFFICE_MODELS:
        return is_office_user(user)
    # Other third-party pages (the job queue holds every school's jobs) and the schools themselves are not a
    # school's to see.
    return app_label in _school_apps() and model not in SUPERUSER_MODELS


def admin_permits_app(user: User, app_label: str) -> bool:
    """Django's module permission: whether any page of the app may be the user's (the admin index asks)."""
    if not is_admin_user(user):
        return False
    if user.is_superuser or app_label in _school_apps():
        return True
    return is_office_user(user) and any(model.startswith(f"{app_label}.") for model in OFFICE_MODELS)


@cache
def _school_apps() -> frozenset[str]:
    return frozenset(config.label for config in apps.get_app_configs() if config.name.startswith("bekrin."))


def users_visible_in_admin(user: User, queryset: QuerySet[User], path: str = "") -> QuerySet[User]:
    """Users of the staff user's school, without superusers (who share the default school's NULL organization).
    `path` leads from the queryset's rows to the user."""
    if user.is_superuser:
        return queryset
    prefix = f"{path}__" if path else ""
    return queryset.filter(same_tenant(user, f"{prefix}organization")).exclude(**{f"{prefix}is_superuser": True})


def can_manage_user(actor: User, target: User) -> bool:
    """Change or set the password of `target`: themselves, or a user of the same school and a lower rank."""
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    if target.pk == actor.pk:
        return True
    return target.organization_id == actor.organization_id and rank_of(target) < rank_of(actor)


def roles_grantable_by(actor: User) -> list[str]:
    return [role for role in Role.values if actor.is_superuser or _RANK[Role(role)] < rank_of(actor)]
