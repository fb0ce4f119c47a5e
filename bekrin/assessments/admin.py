from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekrin.assessments.models import Test, TestAnswerKey, TestAssignment, TestAttempt, TestResult
from bekrin.assessments.services.authoring import test_delete, test_restore, test_update
from bekrin.core.admin import FoldedSearchAdmin, ReadOnlyInline, SoftDeleteAdmin, changed_values


class AnswerKeyInline(ReadOnlyInline):
    """The key is checked against the paper and regrades the attempts when saved through the API."""

    model = TestAnswerKey
    fields = ("mcq_answers", "numeric_answers", "written_instructions")


class AssignmentInline(ReadOnlyInline):
    model = TestAssignment
    fields = ("group", "student", "available_from", "available_to")


@admin.register(Test)
class TestAdmin(SoftDeleteAdmin):
    """Tests are made with their paper and key through the API; here the fields without grading consequences
    are corrected through the authoring service."""

    list_display = ("title", "type", "is_active", "created_by", "created_at", "is_deleted")
    list_filter = ("type", "is_active", ("created_at", admin.DateFieldListFilter))
    search_fields = ("title",)
    # The grading settings are validated and regrade attempts when changed through the API.
    readonly_fields = ("created_by", "config")
    inlines = [AnswerKeyInline, AssignmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        test_update(test=obj, changes=changed_values(form, ("title", "type", "is_active", "pdf_url")))

    def soft_delete(self, obj: Any) -> None:
        test_delete(test=obj)

    def restore(self, obj: Any) -> None:
        test_restore(test=obj)


@admin.register(TestAttempt)
class TestAttemptAdmin(FoldedSearchAdmin):
    read_only = True  # attempts are graded and closed by the attempt services
    list_display = ("test", "student", "status", "score", "started_at", "submitted_at")
    list_filter = ("status", ("started_at", admin.DateFieldListFilter))
    search_fields = ("test__title", "student__full_name")
    list_select_related = ("test", "student")
    raw_id_fields = ("test", "student")


@admin.register(TestAssignment)
class TestAssignmentAdmin(FoldedSearchAdmin):
    read_only = True  # windows are checked by the assignment service (API)
    list_display = ("test", "group", "student", "available_from", "available_to")
    list_filter = ("group",)
    search_fields = ("test__title", "group__display_name", "student__full_name")
    list_select_related = ("test", "group", "student")
    raw_id_fields = ("test", "group", "student")


@admin.register(TestResult)
class TestResultAdmin(FoldedSearchAdmin):
    read_only = True  # derived from attempts by the grading service
    tenant_path = "student_profile__user__organization"
    list_display = ("test_name", "student_profile", "group", "score", "max_score", "date")
    list_filter = ("group", ("date", admin.DateFieldListFilter))
    search_fields = ("test_name", "student_profile__user__full_name")
    list_select_related = ("student_profile__user", "group")
    raw_id_fields = ("student_profile", "group", "attempt")
