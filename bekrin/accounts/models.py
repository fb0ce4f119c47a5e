"""The user (email login, one role) and the teacher's profile."""

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import Organization, TimeStampedModel, enum_check
from bekrin.core.roles import Role
from bekrin.core.search import Folded, SearchText

# What a search of people (the students and parents lists) looks in: name, email and phone as one text, the
# fields apart by a space, so a word is found in one field as before. Search (bekrin/core/search.py) compares the
# folded text with LIKE '%word%'; a pg_trgm GIN index on exactly that expression answers it in a fraction of a
# millisecond on a school of 10,000 students (bench/search_bench.py). Migration accounts 0002 creates it where the
# server has pg_trgm (PostgreSQL's contrib; the embedded development server has not), so it is not in User.Meta.
SEARCH_TEXT = SearchText("full_name", "email", "phone")
SEARCH_INDEXES = [GinIndex(OpClass(Folded(SEARCH_TEXT), name="gin_trgm_ops"), name="user_search_folded_trgm")]


def normalize_email(email: str) -> str:
    """Emails are logins: compared and stored trimmed and lower-case so that one person is one account."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("full_name", email)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """Decision 5 (docs/DECISIONS.md): `password` lives in column password_hash, Django's date_joined in created_at.

    Permissions are by role, not Django's group/permission tables, so the user table gets only the two extra
    columns the ERD allows (is_staff, is_superuser): bekrin.accounts.permissions decides what staff reach.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    email = models.EmailField(_("email"), max_length=254, unique=True)
    password = models.CharField(_("password"), max_length=128, db_column="password_hash")
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, null=True, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff (admin access)"), default=False)
    is_superuser = models.BooleanField(_("superuser"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now, db_column="created_at")
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        db_table = "user"
        ordering = ["full_name", "id"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [enum_check("role", Role.values)]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        from bekrin.accounts.permissions import admin_permits  # the rule by role lives with the other permissions

        return admin_permits(self, perm)

    def has_module_perms(self, app_label: str) -> bool:
        from bekrin.accounts.permissions import admin_permits_app

        return admin_permits_app(self, app_label)


class TeacherProfile(TimeStampedModel):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="teacher_profile")
    display_title = models.CharField(_("title"), max_length=200, null=True, blank=True)

    class Meta:
        db_table = "teacher_profile"
        verbose_name = _("teacher profile")
        verbose_name_plural = _("teacher profiles")

    def __str__(self) -> str:
        return str(self.user.full_name)
