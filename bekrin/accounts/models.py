"""The user (email login, one role) and the teacher's profile."""

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekrin.core.models import Organization, TimeStampedModel, enum_check
from bekrin.core.roles import Role
from bekrin.core.search import AzSortKey, Folded, FoldedTextTable, SearchText

# The trigram index on "user" that migration 0002 builds where the server has pg_trgm, and 0003 drops: the people
# search reads accounts_user_search_text instead (UserSearchText below). Kept because 0002 reads it.
SEARCH_INDEXES = [
    GinIndex(
        OpClass(Folded(SearchText("full_name", "email", "phone")), name="gin_trgm_ops"), name="user_search_folded_trgm"
    )
]


def name_sort_key() -> AzSortKey:
    """The Azerbaijani order of people's names (docs/DECISIONS.md, decision 12). The lists order by it and the
    index user_name_order holds it, and the planner uses the index only for exactly the same expression, so both
    take it from here."""
    return AzSortKey("full_name")


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
        # Page 1 of the students or parents list (a school's users of one role by name) is a walk of this index
        # that stops after the page, instead of a sort of the whole school (bench/search_bench.py). The default
        # school (organization NULL, docs/DECISIONS.md, decision 6) has its own: the planner takes the order of an
        # index only after columns compared with `=`, and `IS NULL` is not that.
        indexes = [
            models.Index(F("organization"), F("role"), name_sort_key(), F("id"), name="user_name_order"),
            models.Index(
                F("role"), name_sort_key(), F("id"), condition=Q(organization=None), name="user_name_order_no_org"
            ),
        ]

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


class UserSearchText(models.Model):
    """Extension table (docs/schema/EXTENSIONS.md): what the people search looks in, one row per user, kept by the
    trigger user_search_text_sync on "user" (migration 0003). `folded` is the name, email and phone, folded
    (bekrin/core/search.py) and apart by a space so that a word is found within one field; `grams` its words'
    trigrams, GIN-indexed, so a search reads only the rows that can match, on any PostgreSQL. Where the server has
    pg_trgm, `folded` also has a trigram index. After a load with triggers off, `SELECT user_search_text_rebuild()`
    makes the table again."""

    # The row goes with its user in the database: migration 0003 declares the key itself, ON DELETE CASCADE, which
    # Django cannot declare towards a model whose own keys act in Python; deleting a user costs Django no query.
    user = models.OneToOneField(
        User, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    organization_id = models.BigIntegerField(null=True)  # the user's, copied by the trigger
    role = models.CharField(max_length=16)
    folded = models.TextField()
    grams = ArrayField(models.TextField())

    class Meta:
        db_table = "accounts_user_search_text"
        indexes = [GinIndex(fields=["grams"], name="user_search_text_grams")]

    def __str__(self) -> str:
        return self.folded


# Not organization_id: NULL for the school without an organization, where an equality would find nobody.
PEOPLE_SEARCH = FoldedTextTable(UserSearchText, row="user", copies=("role",))
