"""Users, teacher profiles, login tokens and login lockouts in the admin: scoped to the school, managed by rank
(bekrin.accounts.permissions), written through the accounts services."""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, BaseUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from bekrin.accounts.models import TeacherProfile, User, normalize_email
from bekrin.accounts.permissions import can_manage_user, roles_grantable_by, users_visible_in_admin
from bekrin.accounts.services import auth_logout, user_create, user_update
from bekrin.core.admin import FoldedSearchAdmin, ReadOnlyMixin, changed_values
from bekrin.core.errors import ErrorCode
from bekrin.core.roles import STAFF

# Fields a staff user may correct on a user they manage; role, activity and admin rights are not among them.
_PROFILE_FIELDS = ("email", "full_name", "phone")
_ACCESS_FIELDS = ("role", "organization", "is_active", "is_staff", "is_superuser")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login counts failures with the API's (one lock per email) and says so when it is locked."""

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if email and AxesProxyHandler.is_locked(self.request, {"email": normalize_email(email)}):
            raise ValidationError(_("Too many failed logins. Try again later."), code=ErrorCode.TOO_MANY_ATTEMPTS)
        return super().clean()


admin.site.login_form = AdminLoginForm


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "role", "organization")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PasswordSetForm(AdminPasswordChangeForm):
    """Sets a new password through the accounts service, which checks it like every other way of setting one."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)  # a password is always set; logins are blocked by soft delete

    def save(self, commit: bool = True) -> User:
        user_update(user=self.user, changes={"password": self.cleaned_data["password1"]})
        return self.user


def _creatable_roles(user: User) -> list[str]:
    # Students and parents are created with their profiles, groups and links by the students' services (API).
    return [role for role in roles_grantable_by(user) if role in STAFF]


@admin.register(User)
class UserAdmin(FoldedSearchAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = PasswordSetForm
    list_display = ("full_name", "email", "phone", "role", "organization", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff", "organization")
    search_fields = ("full_name", "email", "phone")
    ordering = ("full_name",)
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined", "updated_at")
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "phone", "role", "organization")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": (*UserCreationForm.Meta.fields, "password1", "password2")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return users_visible_in_admin(request.user, super().get_queryset(request))  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and bool(_creatable_roles(request.user))  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Also guards the password form: nobody sets the password of a superuser or of a user of their rank.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_user(request.user, obj))  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None or request.user.is_superuser:  # type: ignore[union-attr]
            return readonly
        return readonly + tuple(name for name in _ACCESS_FIELDS if name not in readonly)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            # The change form keeps a student's or parent's own role among the choices (only a superuser may
            # change a role there; a missing choice would silently become the first one).
            adding = request.resolver_match is not None and request.resolver_match.url_name == "accounts_user_add"
            roles = _creatable_roles if adding else roles_grantable_by
            allowed = set(roles(request.user))  # type: ignore[arg-type]
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if not change:
            created, _generated = user_create(
                organization_id=obj.organization_id if actor.is_superuser else actor.organization_id,
                email=obj.email,
                full_name=obj.full_name,
                role=obj.role,
                phone=obj.phone,
                password=form.cleaned_data["password1"],
            )
            obj.pk, obj.password = created.pk, created.password
            obj._state.adding = False
            return
        user_update(user=User.objects.get(pk=obj.pk), changes=changed_values(form, _PROFILE_FIELDS))
        # Only a superuser's form has these fields (get_readonly_fields).
        access = [name for name in _ACCESS_FIELDS if name in form.changed_data]
        if access:
            obj.save(update_fields=[*access, "updated_at"])


@admin.register(TeacherProfile)
class TeacherProfileAdmin(FoldedSearchAdmin):
    tenant_path = "user__organization"
    list_display = ("user", "display_title", "created_at")
    search_fields = ("user__full_name", "user__email", "display_title")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


class _SchoolLoginRecords(ReadOnlyMixin):
    """Tokens and login records of the school's users only; rows that show who logged in are never edited."""

    user_path = "user"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request)  # type: ignore[misc]
        return users_visible_in_admin(request.user, rows, path=self.user_path)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)  # type: ignore[attr-defined,no-any-return]


class _SchoolAttempts(_SchoolLoginRecords):
    """Axes keeps the email typed, not the user: rows are the school's when the email is one of its users'."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super(_SchoolLoginRecords, self).get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:  # type: ignore[union-attr]
            return rows  # type: ignore[no-any-return]
        emails = users_visible_in_admin(request.user, User.objects.all()).values("email")  # type: ignore[arg-type]
        return rows.filter(username__in=emails)  # type: ignore[no-any-return]

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # Axes' clean-up action works on every school's attempts.
        if not request.user.is_superuser:  # type: ignore[union-attr]
            return {}
        return super().get_actions(request, action_location)  # type: ignore[misc,no-any-return]


def _reregister(model: type[Model], admin_class: type) -> None:
    """Replace a third-party admin (registered before ours, by INSTALLED_APPS order) with the scoped one."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, admin_class)


class LoginTokenAdmin(_SchoolLoginRecords, AuthTokenAdmin):
    """Office only (bekrin.accounts.permissions). A token made here would let its maker act as the user, so none
    are made; revoking one logs that device out."""

    actions = ["revoke_selected"]
    list_select_related = ("user",)

    @admin.action(description=_("Revoke selected tokens"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        tokens = list(queryset)
        for token in tokens:
            auth_logout(token=token)
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": len(tokens)}, messages.SUCCESS)


class LoginAttemptAdmin(_SchoolAttempts, AccessAttemptAdmin):
    pass


class LoginLogAdmin(_SchoolAttempts, AccessLogAdmin):
    pass


class LoginFailureLogAdmin(_SchoolAttempts, AccessFailureLogAdmin):
    pass


_reregister(AuthToken, LoginTokenAdmin)
_reregister(AccessAttempt, LoginAttemptAdmin)
_reregister(AccessLog, LoginLogAdmin)
_reregister(AccessFailureLog, LoginFailureLogAdmin)
