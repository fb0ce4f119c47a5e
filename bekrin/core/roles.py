"""A user's role, and the sets of roles that views declare (`allowed_roles`) and permission rules ask about.

In core, below accounts, so the API base (bekrin/core/api_base.py) and every app name roles without importing the
user model's app; `bekrin.accounts.models.User.role` takes its choices from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Müəllim")
    STUDENT = "student", _("Şagird")
    PARENT = "parent", _("Valideyn")
    ADMIN = "admin", _("Administrator")


ANY_ROLE = frozenset(Role)
STAFF = frozenset({Role.TEACHER, Role.ADMIN})
STUDENTS = frozenset({Role.STUDENT})
PARENTS = frozenset({Role.PARENT})
