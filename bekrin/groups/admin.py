from django.contrib import admin

from bekrin.core.admin import FoldedSearchAdmin, SoftDeleteAdmin
from bekrin.groups.models import GroupMembership, StudyGroup


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ("student",)
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


@admin.register(GroupMembership)
class GroupMembershipAdmin(FoldedSearchAdmin):
    list_display = ("student", "group", "joined_at", "left_at", "is_active")
    list_filter = ("is_active", "group", ("joined_at", admin.DateFieldListFilter))
    search_fields = ("student__full_name", "student__email", "group__display_name")
    list_select_related = ("student", "group")
    raw_id_fields = ("student", "group")
