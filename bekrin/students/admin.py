from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekrin.core.admin import FoldedSearchAdmin, SoftDeleteAdmin, changed_values
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile
from bekrin.students.services import (
    parent_restore,
    parent_soft_delete,
    student_restore,
    student_soft_delete,
    student_update,
)


@admin.register(StudentProfile)
class StudentProfileAdmin(SoftDeleteAdmin):
    """Students are created through the API (user, profile, groups and parent in one service); here the office
    corrects the grade and notes and soft-deletes or restores, all through the student services."""

    tenant_path = "user__organization"
    list_display = ("user", "grade", "balance", "is_deleted", "created_at")
    list_filter = ("grade", "user__organization")
    search_fields = ("user__full_name", "user__email", "user__phone")
    list_select_related = ("user",)
    readonly_fields = ("user", "balance")  # the balance is derived from payments, written only by their services

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        student_update(student=obj.user, changes=changed_values(form, ("grade", "notes")))

    def soft_delete(self, obj: Any) -> None:
        student_soft_delete(student=obj.user)  # blocks the login, ends memberships (docs/DECISIONS.md, decision 8)

    def restore(self, obj: Any) -> None:
        student_restore(student=obj.user)


@admin.register(ParentProfile)
class ParentProfileAdmin(SoftDeleteAdmin):
    tenant_path = "user__organization"
    read_only = True  # parents are created with their children (API); only deletion and restore happen here
    list_display = ("user", "is_deleted", "created_at")
    list_filter = ("user__organization",)
    search_fields = ("user__full_name", "user__email", "user__phone")
    list_select_related = ("user",)

    def soft_delete(self, obj: Any) -> None:
        parent_soft_delete(parent=obj.user)  # also blocks the login and revokes the tokens

    def restore(self, obj: Any) -> None:
        parent_restore(parent=obj.user)


@admin.register(ParentStudent)
class ParentStudentAdmin(FoldedSearchAdmin):
    read_only = True  # links are made by the parent services, which check both roles and the school
    list_display = ("parent", "student", "relation", "organization", "created_at")
    list_filter = ("relation", "organization")
    search_fields = ("parent__full_name", "student__full_name", "parent__email", "student__email")
    list_select_related = ("parent", "student", "organization")
