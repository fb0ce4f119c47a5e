from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekrin.core.admin import FoldedSearchAdmin, ReadOnlyInline, SoftDeleteAdmin, changed_values
from bekrin.groups.models import GroupMembership, StudyGroup
from bekrin.groups.services import GroupFields, group_create, group_restore, group_soft_delete, group_update


class MembershipInline(ReadOnlyInline):
    """Members are added and removed through the API, whose service checks role, school and a deleted group."""

    model = GroupMembership
    fields = ("student", "joined_at", "left_at", "is_active")


@admin.register(StudyGroup)
class StudyGroupAdmin(SoftDeleteAdmin):
    list_display = ("display_name", "name", "code", "teacher", "is_active", "sort_order", "is_deleted")
    list_filter = ("is_active", "teacher", "organization")
    search_fields = ("display_name", "name", "code", "teacher__full_name")
    list_select_related = ("teacher",)
    raw_id_fields = ("teacher",)
    readonly_fields = ("display_name",)
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            group_update(group=obj, changes=changed_values(form, GroupFields.__annotations__))
            return
        fields = {name: form.cleaned_data[name] for name in GroupFields.__annotations__ if name in form.cleaned_data}
        created = group_create(actor=request.user, **fields)  # type: ignore[arg-type]
        obj.pk = created.pk
        obj._state.adding = False

    def soft_delete(self, obj: Any) -> None:
        group_soft_delete(group=obj)

    def restore(self, obj: Any) -> None:
        group_restore(group=obj)


@admin.register(GroupMembership)
class GroupMembershipAdmin(FoldedSearchAdmin):
    read_only = True  # written by the membership services (API)
    list_display = ("student", "group", "joined_at", "left_at", "is_active")
    list_filter = ("is_active", "group", ("joined_at", admin.DateFieldListFilter))
    search_fields = ("student__full_name", "student__email", "group__display_name")
    list_select_related = ("student", "group")
    raw_id_fields = ("student", "group")
