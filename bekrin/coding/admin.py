from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekrin.coding.models import CodingProgress, CodingSubmission, CodingTask, CodingTestCase, CodingTopic
from bekrin.coding.services.authoring import TaskChanges, task_delete, task_restore, task_update, topic_create
from bekrin.core.admin import FoldedSearchAdmin, ReadOnlyInline, SoftDeleteAdmin, changed_values


@admin.register(CodingTopic)
class CodingTopicAdmin(FoldedSearchAdmin):
    list_display = ("name", "organization", "created_at")
    search_fields = ("name",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)  # topics are added, not renamed

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created = topic_create(actor=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        obj.pk = created.pk
        obj._state.adding = False


class TestCaseInline(ReadOnlyInline):
    """Cases are checked and the task rejudged when they change through the API."""

    model = CodingTestCase
    fields = ("order_index", "input", "expected", "explanation")


@admin.register(CodingTask)
class CodingTaskAdmin(SoftDeleteAdmin):
    """Tasks are made with their test cases through the API; here the task's fields are corrected through the
    authoring service."""

    list_display = ("title", "topic", "difficulty", "points", "order_index", "is_active", "is_deleted")
    list_filter = ("difficulty", "is_active", "topic")
    search_fields = ("title", "description", "topic__name")
    list_select_related = ("topic",)
    readonly_fields = ("created_by", "topic_name")
    inlines = [TestCaseInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        task_update(task=obj, changes=changed_values(form, TaskChanges.__annotations__))

    def soft_delete(self, obj: Any) -> None:
        task_delete(task=obj)

    def restore(self, obj: Any) -> None:
        task_restore(task=obj)


@admin.register(CodingSubmission)
class CodingSubmissionAdmin(FoldedSearchAdmin):
    read_only = True  # written by the judge
    list_display = ("created_at", "student", "task", "status", "passed_count", "failed_count", "runtime_ms")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("student__full_name", "task__title")
    date_hierarchy = "created_at"
    list_select_related = ("student", "task")
    raw_id_fields = ("student", "task")


@admin.register(CodingProgress)
class CodingProgressAdmin(FoldedSearchAdmin):
    read_only = True  # derived from submissions by the judge
    tenant_path = "student_profile__user__organization"
    list_display = ("student_profile", "exercise", "status", "score", "solved_at")
    list_filter = ("status",)
    search_fields = ("student_profile__user__full_name", "exercise__title")
    list_select_related = ("student_profile__user", "exercise")
    raw_id_fields = ("student_profile", "exercise")
