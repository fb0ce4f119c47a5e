from typing import Any

from django.contrib import admin

from bekrin.core.admin import FoldedSearchAdmin, SoftDeleteAdmin
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile
from bekrin.students.services import student_restore, student_soft_delete


@admin.register(StudentProfile)
class StudentProfileAdmin(SoftDeleteAdmin):
    tenant_path = "user__organization"
    list_display = ("user", "grade", "balance", "is_deleted", "created_at")
    list_filter = ("grade", "user__organization")
    search_fields = ("user__full_name", "user__email", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("balance",)  # derived from payments; written only by the payment services

    def soft_delete(self, obj: Any) -> None:
        student_soft_delete(student=obj.user)  # also blocks the login and ends memberships (decision 8)

    def restore(self, obj: Any) -> None:
        student_restore(student=obj.user)


@admin.register(ParentProfile)
class ParentProfileAdmin(SoftDeleteAdmin):
    tenant_path = "user__organization"
    list_display = ("user", "is_deleted", "created_at")
    list_filter = ("user__organization",)
    search_fields = ("user__full_name", "user__email", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ParentStudent)
class ParentStudentAdmin(FoldedSearchAdmin):
    list_display = ("parent", "student", "relation", "organization", "created_at")
    list_filter = ("relation", "organization")
    search_fields = ("parent__full_name", "student__full_name", "parent__email", "student__email")
    list_select_related = ("parent", "student", "organization")
    raw_id_fields = ("parent", "student")
