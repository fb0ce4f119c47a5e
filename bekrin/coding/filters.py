"""The queries of the coding lists (bekrin/core/filters.py says what every list takes)."""

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

from django.db.models import F, QuerySet
from django_filters import rest_framework as filters

from bekrin.accounts.people import students_visible_to
from bekrin.coding.models import CodingSubmission, CodingTask, CodingTopic, Difficulty, SubmissionStatus
from bekrin.coding.permissions import tasks_visible_to, topics_visible_to
from bekrin.coding.selectors import submissions_of_active_members
from bekrin.core.filters import DeletedFilter, IdFilter, ListFilterSet, ListOrdering, ScopedIdFilter, StatusAliasFilter
from bekrin.groups.permissions import groups_visible_to

TASK_ORDERING = {
    "order_index": F("order_index"),
    "title": F("title"),
    "difficulty": F("difficulty"),
    "points": F("points"),
    "created_at": F("created_at"),
}
TASK_DEFAULT = "Default: order_index (empty last), then id."
SUBMISSION_ORDERING = {"created_at": F("created_at"), "status": F("status"), "attempt_no": F("attempt_no")}
NEWEST_FIRST = "Default: newest first."


def any_task(user: Any) -> QuerySet[CodingTask]:
    """The school's tasks, soft-deleted ones included (the staff's task list and submission filter)."""
    return tasks_visible_to(user) | tasks_visible_to(user, deleted=True)


class TopicFilters(ListFilterSet):
    search_fields = ("name",)

    ordering = ListOrdering(
        {"name": F("name"), "task_count": F("task_count"), "created_at": F("created_at")}, default="Default: name."
    )

    class Meta:
        model = CodingTopic
        fields: list[str] = []


class StudentTaskFilters(ListFilterSet):
    search_fields = ("title", "topic__name")

    topic_id = IdFilter(help_text="Tasks of this topic (also `topicId`).")
    difficulty = filters.ChoiceFilter(choices=Difficulty.choices)
    ordering = ListOrdering(TASK_ORDERING, default=TASK_DEFAULT)

    class Meta:
        model = CodingTask
        fields: list[str] = []


class TaskFilters(StudentTaskFilters):
    topic_id = ScopedIdFilter(visible=topics_visible_to, help_text="Tasks of this topic (also `topicId`).")
    deleted = DeletedFilter(alias="status")
    status = StatusAliasFilter()

    class Meta(StudentTaskFilters.Meta):
        pass


class StudentSubmissionFilters(ListFilterSet):
    search_fields: ClassVar[Sequence[str]] = ("task__title",)

    task_id = IdFilter(help_text="Also `taskId`.")
    status = filters.ChoiceFilter(choices=SubmissionStatus.choices)
    ordering = ListOrdering(SUBMISSION_ORDERING, default=NEWEST_FIRST)

    class Meta:
        model = CodingSubmission
        fields: list[str] = []


def _of_group(rows: QuerySet[CodingSubmission], group_id: int, filterset: ListFilterSet) -> QuerySet[CodingSubmission]:
    return submissions_of_active_members(rows, group_id)


class SubmissionFilters(StudentSubmissionFilters):
    search_fields = ("student__full_name", "task__title")

    student_id = ScopedIdFilter(
        visible=partial(students_visible_to, include_deleted=True), help_text="Also `studentId`."
    )
    task_id = ScopedIdFilter(visible=any_task, help_text="Also `taskId`.")
    group_id = ScopedIdFilter(
        visible=partial(groups_visible_to, include_deleted=True),
        narrow=_of_group,
        help_text="Active members of the group; also `groupId`.",
    )
    ordering = ListOrdering({**SUBMISSION_ORDERING, "student": F("student__full_name")}, default=NEWEST_FIRST)

    class Meta(StudentSubmissionFilters.Meta):
        pass
