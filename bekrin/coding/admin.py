from django.contrib import admin

from bekrin.coding.models import CodingProgress, CodingSubmission, CodingTask, CodingTestCase, CodingTopic
from bekrin.core.admin import FoldedSearchAdmin, SoftDeleteAdmin


@admin.register(CodingTopic)
class CodingTopicAdmin(FoldedSearchAdmin):
    list_display = ("name", "organization", "created_at")
    search_fields = ("name",)


class TestCaseInline(admin.StackedInline):
    model = CodingTestCase
    extra = 0
    fields = ("order_index", "input", "expected", "explanation")


@admin.register(CodingTask)
class CodingTaskAdmin(SoftDeleteAdmin):
    list_display = ("title", "topic", "difficulty", "points", "order_index", "is_active", "is_deleted")
    list_filter = ("difficulty", "is_active", "topic")
    search_fields = ("title", "description", "topic__name")
    list_select_related = ("topic",)
    raw_id_fields = ("created_by",)
    inlines = [TestCaseInline]


@admin.register(CodingSubmission)
class CodingSubmissionAdmin(FoldedSearchAdmin):
    list_display = ("created_at", "student", "task", "status", "passed_count", "failed_count", "runtime_ms")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("student__full_name", "task__title")
    date_hierarchy = "created_at"
    list_select_related = ("student", "task")
    raw_id_fields = ("student", "task")


@admin.register(CodingProgress)
class CodingProgressAdmin(FoldedSearchAdmin):
    tenant_path = "student_profile__user__organization"
    list_display = ("student_profile", "exercise", "status", "score", "solved_at")
    list_filter = ("status",)
    search_fields = ("student_profile__user__full_name", "exercise__title")
    list_select_related = ("student_profile__user", "exercise")
    raw_id_fields = ("student_profile", "exercise")
