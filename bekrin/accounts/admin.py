from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from bekrin.accounts.models import TeacherProfile, User
from bekrin.core.admin import FoldedSearchAdmin


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "phone", "role", "organization")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(FoldedSearchAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
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


@admin.register(TeacherProfile)
class TeacherProfileAdmin(FoldedSearchAdmin):
    tenant_path = "user__organization"
    list_display = ("user", "display_title", "created_at")
    search_fields = ("user__full_name", "user__email", "display_title")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
