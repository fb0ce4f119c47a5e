from django.contrib import admin

from bekrin.assessments.models import Test, TestAnswerKey, TestAssignment, TestAttempt, TestResult
from bekrin.core.admin import FoldedSearchAdmin, SoftDeleteAdmin


class AnswerKeyInline(admin.StackedInline):
    model = TestAnswerKey
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = TestAssignment
    extra = 0
    raw_id_fields = ("group", "student")
    fields = ("group", "student", "available_from", "available_to")


@admin.register(Test)
class TestAdmin(SoftDeleteAdmin):
    list_display = ("title", "type", "is_active", "created_by", "created_at", "is_deleted")
    list_filter = ("type", "is_active", ("created_at", admin.DateFieldListFilter))
    search_fields = ("title",)
    raw_id_fields = ("created_by",)
    inlines = [AnswerKeyInline, AssignmentInline]


@admin.register(TestAttempt)
class TestAttemptAdmin(FoldedSearchAdmin):
    list_display = ("test", "student", "status", "score", "started_at", "submitted_at")
    list_filter = ("status", ("started_at", admin.DateFieldListFilter))
    search_fields = ("test__title", "student__full_name")
    list_select_related = ("test", "student")
    raw_id_fields = ("test", "student")


@admin.register(TestAssignment)
class TestAssignmentAdmin(FoldedSearchAdmin):
    list_display = ("test", "group", "student", "available_from", "available_to")
    list_filter = ("group",)
    search_fields = ("test__title", "group__display_name", "student__full_name")
    list_select_related = ("test", "group", "student")
    raw_id_fields = ("test", "group", "student")


@admin.register(TestResult)
class TestResultAdmin(FoldedSearchAdmin):
    tenant_path = "student_profile__user__organization"
    list_display = ("test_name", "student_profile", "group", "score", "max_score", "date")
    list_filter = ("group", ("date", admin.DateFieldListFilter))
    search_fields = ("test_name", "student_profile__user__full_name")
    list_select_related = ("student_profile__user", "group")
    raw_id_fields = ("student_profile", "group", "attempt")
