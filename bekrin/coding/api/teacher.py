"""The teacher's coding endpoints: topics, tasks with test cases, the JSON import, submissions and the ranking."""

import re
from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.coding.api.common import TASK_ID, TeacherSubmissionOut, TopicBriefOut
from bekrin.coding.filters import SubmissionFilters, TaskFilters, TopicFilters, any_task
from bekrin.coding.models import (
    CodingImport,
    CodingTask,
    CodingTestCase,
    CodingTopic,
    Difficulty,
    ImportStatus,
)
from bekrin.coding.permissions import imports_visible_to, submissions_visible_to, tasks_visible_to, topics_visible_to
from bekrin.coding.selectors import (
    RankingFilters,
    RankingPages,
    RankingRow,
    coding_ranking_json,
    import_wait_for_outcome,
    submission_list,
    task_detail,
    task_list,
    topic_list,
)
from bekrin.coding.services import (
    MAX_CODE_BYTES,
    MAX_POINTS,
    import_start,
    task_create,
    task_delete,
    task_restore,
    task_update,
    topic_create,
)
from bekrin.core.api_base import ApiView, DateRangeQuery, ScopedIdField, flat_errors, query_params, validated
from bekrin.core.errors import DomainError, ErrorCode
from bekrin.core.filters import ListView
from bekrin.core.pagination import StandardPagination
from bekrin.core.roles import STAFF
from bekrin.groups.models import StudyGroup
from bekrin.groups.permissions import groups_visible_to

INT32_MAX = 2**31 - 1
MAX_CASE_TEXT = 1_000_000


class TopicOut(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True, help_text="Tasks of the topic that are not deleted.")

    class Meta:
        model = CodingTopic
        fields = ["id", "name", "task_count", "created_at"]
        read_only_fields = fields


class TopicIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class TopicListView(ListView, ApiView):
    """Coding topics of the caller's school; POST adds one (names are unique per school, 409 on a duplicate)."""

    allowed_roles = STAFF
    filterset_class = TopicFilters

    def visible(self, user: User) -> Any:
        return topics_visible_to(user)

    @extend_schema(responses={200: TopicOut(many=True)}, summary="List coding topics")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(topic_list(self.get_queryset())))
        return self.get_paginated_response(TopicOut(page, many=True).data)

    @extend_schema(
        request=TopicIn, responses={201: TopicOut, 409: OpenApiResponse(description="Name used")}, summary="Add a topic"
    )
    def post(self, request: Request) -> Response:
        topic = topic_create(actor=self.actor, **validated(self, TopicIn))
        return Response(TopicOut(topic_list(self.get_queryset()).get(pk=topic.pk)).data, status=status.HTTP_201_CREATED)


class TestCaseOut(serializers.ModelSerializer):
    __test__ = False  # not a pytest test class, despite the name
    is_visible = serializers.BooleanField(read_only=True, help_text="A non-empty explanation shows it to students.")

    class Meta:
        model = CodingTestCase
        fields = ["id", "input", "expected", "explanation", "order_index", "is_visible"]
        read_only_fields = fields


class TaskOut(serializers.ModelSerializer):
    topic = TopicBriefOut(allow_null=True)
    test_case_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CodingTask
        fields = [
            "id",
            "title",
            "description",
            "starter_code",
            "difficulty",
            "points",
            "order_index",
            "is_active",
            "topic_id",
            "topic",
            "created_by_id",
            "test_case_count",
            "created_at",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = fields


class TaskDetailOut(TaskOut):
    test_cases = TestCaseOut(many=True, read_only=True, help_text="Every test case, hidden ones included.")

    class Meta(TaskOut.Meta):
        fields = [*TaskOut.Meta.fields, "test_cases"]
        read_only_fields = fields


class TestCaseIn(serializers.Serializer):
    __test__ = False  # not a pytest test class, despite the name
    input = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=MAX_CASE_TEXT)
    expected = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=MAX_CASE_TEXT)
    explanation = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=5000,
        help_text="Not empty: a visible example students see. Empty or absent: a hidden case.",
    )
    order_index = serializers.IntegerField(required=False, allow_null=True, min_value=-INT32_MAX, max_value=INT32_MAX)


class TaskFieldsIn(serializers.Serializer):
    """The fields a task is made of, in a POST body and in the import."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    starter_code = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_CODE_BYTES
    )
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    points = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_POINTS)
    order_index = serializers.IntegerField(required=False, allow_null=True, min_value=-INT32_MAX, max_value=INT32_MAX)
    test_cases = TestCaseIn(many=True, allow_empty=False)


class TestCasesIn(serializers.Serializer):
    __test__ = False  # not a pytest test class, despite the name
    test_cases = TestCaseIn(many=True, allow_empty=False)


class TaskIn(TaskFieldsIn):
    is_active = serializers.BooleanField(required=False)
    topic_id = ScopedIdField(visible=topics_visible_to, source="topic", required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        if self.partial and "test_cases" in values:
            # DRF hands `partial` down to nested serializers, which then skip their required keys; the given test
            # cases replace the old ones whole, so each is checked whole.
            whole = TestCasesIn(data={"test_cases": data["test_cases"]}, context=self.context)
            whole.is_valid(raise_exception=True)
            values["test_cases"] = whole.validated_data["test_cases"]
        return values


class TaskListView(ListView, ApiView):
    """Coding tasks of the caller's school (`?status=deleted` for the soft-deleted ones); POST creates one with its
    test cases."""

    allowed_roles = STAFF
    filterset_class = TaskFilters

    def visible(self, user: User) -> Any:
        return tasks_visible_to(user)

    @extend_schema(responses={200: TaskOut(many=True)}, summary="List tasks")
    def get(self, request: Request) -> Response:
        tasks = self.filter_list(task_list(any_task(request.user)))  # TaskFilters chooses active or deleted
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskOut(page, many=True).data)

    @extend_schema(request=TaskIn, responses={201: TaskDetailOut}, summary="Create a task with its test cases")
    def post(self, request: Request) -> Response:
        task = task_create(actor=self.actor, **validated(self, TaskIn))
        return Response(TaskDetailOut(task_detail(self.get_queryset()).get(pk=task.pk)).data, status=201)


class TaskDetailView(ApiView):
    """One task with every test case; PATCH changes it (`test_cases` replace the old ones and, when what they check
    changes, every submission of the task is judged again); DELETE is a soft delete."""

    allowed_roles = STAFF

    def visible(self, user: User) -> Any:
        return tasks_visible_to(user)

    def detail(self, pk: int) -> Response:
        return Response(TaskDetailOut(get_object_or_404(task_detail(self.get_queryset()), pk=pk)).data)

    @extend_schema(parameters=[TASK_ID], responses={200: TaskDetailOut}, summary="A task with its test cases")
    def get(self, request: Request, pk: int) -> Response:
        return self.detail(pk)

    @extend_schema(
        parameters=[TASK_ID], request=TaskIn, responses={200: TaskDetailOut}, summary="Change a task (partial)"
    )
    def patch(self, request: Request, pk: int) -> Response:
        task = self.get_object()
        task_update(task=task, changes=validated(self, TaskIn, partial=True))
        return self.detail(pk)

    @extend_schema(parameters=[TASK_ID], request=None, responses={204: None}, summary="Soft-delete a task")
    def delete(self, request: Request, pk: int) -> Response:
        task_delete(task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskRestoreView(ApiView):
    """Undoes a soft delete; only a deleted task of the caller's school is found here."""

    allowed_roles = STAFF

    def visible(self, user: User) -> Any:
        return tasks_visible_to(user, deleted=True)

    @extend_schema(parameters=[TASK_ID], request=None, responses={200: TaskDetailOut}, summary="Restore a task")
    def post(self, request: Request, pk: int) -> Response:
        task = task_restore(task=self.get_object())
        return Response(TaskDetailOut(task_detail(tasks_visible_to(request.user)).get(pk=task.pk)).data)


class ImportTaskIn(TaskFieldsIn):
    topic = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=200)
    reference_solution = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_CODE_BYTES,
        help_text="Optional: must pass every test case of the task in the judge, or nothing is imported.",
    )


class ImportIn(serializers.Serializer):
    tasks = ImportTaskIn(many=True, allow_empty=False)


class ImportOut(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    topics_created = serializers.IntegerField()
    task_ids = serializers.ListField(child=serializers.IntegerField(), help_text="In the order of the file.")


def import_error(body: Any, fields: dict[str, list[str]]) -> DomainError:
    """The first problem in words that name the task (number and title) and the test case."""
    key, messages = next(iter(fields.items()))
    where = []
    task_match = re.match(r"tasks\[(\d+)\]", key)
    if task_match:
        index = int(task_match.group(1))
        try:
            title = str(body["tasks"][index]["title"])
        except (KeyError, IndexError, TypeError):
            title = ""
        where.append(
            _("Task %(number)d (“%(title)s”)") % {"number": index + 1, "title": title}
            if title
            else _("Task %(number)d") % {"number": index + 1}
        )
    case_match = re.search(r"test_cases\[(\d+)\]", key)
    if case_match:
        where.append(_("test case %(number)d") % {"number": int(case_match.group(1)) + 1})
    field = key.rsplit(".", 1)[-1]
    prefix = ", ".join(where)
    return DomainError(f"{prefix}, {field}: {messages[0]}" if prefix else f"{field}: {messages[0]}", fields=fields)


class ImportStatusOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    result = ImportOut(allow_null=True, help_text="When `done`: what was imported.")
    error = serializers.JSONField(
        allow_null=True,
        help_text="When `failed`: `{code, message, fields?}`, as the import itself would have answered; nothing was "
        "written.",
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


def import_status(row: CodingImport) -> dict[str, Any]:
    error = None
    if row.error is not None:
        error = {name: value for name, value in row.error.items() if name != "status"}
    return ImportStatusOut(
        {
            "id": row.pk,
            "status": row.status,
            "result": row.result,
            "error": error,
            "created_at": row.created_at,
            "finished_at": row.finished_at,
        }
    ).data


def import_outcome(row: CodingImport) -> Response:
    """What the import answers: the counts once done, the recorded error (same code, status and fields as the
    import's own checks give), or 202 with where to read the outcome while a worker is still at it."""
    if row.status == ImportStatus.DONE:
        return Response(ImportOut(row.result).data)
    if row.status == ImportStatus.FAILED and row.error is not None:
        failure = DomainError(row.error["message"], code=ErrorCode(row.error["code"]), fields=row.error.get("fields"))
        failure.status_code = row.error["status"]
        raise failure
    return Response(import_status(row), status=status.HTTP_202_ACCEPTED)


class TaskImportView(ApiView):
    """Imports tasks from JSON, all or nothing: topics are created by name, a task with the same title and topic is
    updated, and a given `reference_solution` must pass all its test cases in the judge. A judge worker runs the
    reference solutions (never this process); the request waits up to `JUDGE_SUBMIT_WAIT_SECONDS` for it, then
    answers 202 with the import's `id`: read the outcome from `GET /api/teacher/coding/imports/{id}`."""

    allowed_roles = STAFF

    @extend_schema(
        request=ImportIn,
        responses={
            200: ImportOut,
            202: OpenApiResponse(ImportStatusOut, description="A worker is still checking the reference solutions."),
            503: OpenApiResponse(description="The judge cannot run here"),
        },
        summary="Import tasks from JSON",
    )
    def post(self, request: Request) -> Response:
        data = ImportIn(data=request.data, context=self.get_serializer_context())
        if not data.is_valid():
            raise import_error(request.data, flat_errors(data.errors))
        started = import_start(actor=self.actor, tasks=data.validated_data["tasks"])
        import_wait_for_outcome(import_id=started.pk, seconds=settings.JUDGE_SUBMIT_WAIT_SECONDS)
        return import_outcome(imports_visible_to(request.user).get(pk=started.pk))


class TaskImportStatusView(ApiView):
    """One task import of the caller's school: `pending` or `running` while a worker checks its reference
    solutions, then `done` with what was imported or `failed` with why."""

    allowed_roles = STAFF

    def visible(self, user: User) -> Any:
        return imports_visible_to(user)

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The import.")],
        responses=ImportStatusOut,
        summary="A task import's outcome",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(import_status(self.get_object()))


class TeacherSubmissionListView(ListView, ApiView):
    """Submissions of the caller's school, newest first, with their code; filters by student, task, group (its
    active members) and status."""

    allowed_roles = STAFF
    filterset_class = SubmissionFilters

    def visible(self, user: User) -> Any:
        return submissions_visible_to(user)

    @extend_schema(responses={200: TeacherSubmissionOut(many=True)}, summary="List submissions")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(submission_list(self.get_queryset())))
        return self.get_paginated_response(TeacherSubmissionOut(page, many=True).data)


class RankingOut(serializers.Serializer):
    rank = serializers.IntegerField()
    student_id = serializers.IntegerField()
    full_name = serializers.CharField()
    solved_count = serializers.IntegerField()
    total_points = serializers.IntegerField()
    attempts = serializers.IntegerField()
    last_solved_at = serializers.DateTimeField(allow_null=True)


_TIMESTAMP = serializers.DateTimeField()


def ranking_row(row: RankingRow) -> dict[str, Any]:
    last = row.last_solved_at
    return {
        "rank": row.rank,
        "student_id": row.student_id,
        "full_name": row.full_name,
        "solved_count": row.solved_count,
        "total_points": row.total_points,
        "attempts": row.attempts,
        "last_solved_at": None if last is None else _TIMESTAMP.to_representation(last),
    }


class RankingQuery(DateRangeQuery):
    group_id = ScopedIdField(visible=partial(groups_visible_to, include_deleted=True), required=False)
    topic_id = ScopedIdField(visible=topics_visible_to, required=False)
    # Checked here so a bad one is a 400 naming it; the paginator then reads them as every list's does.
    page = serializers.IntegerField(min_value=1, max_value=INT32_MAX, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=StandardPagination.max_page_size, required=False)


class RankingView(ApiView):
    """Students ranked by the points of the distinct tasks they solved, ties broken by solved count, then by who
    got there first. The whole list, or with `page` or `page_size` one page of it in the page envelope; a row's
    rank is its place in the whole list either way."""

    allowed_roles = STAFF
    optionally_paginated = True  # the schema declares both answers (bekrin.core.list_schema.ListSchema)

    @extend_schema(
        parameters=[
            OpenApiParameter("group_id", int, description="Only the group's active members; also `groupId`."),
            OpenApiParameter("topic_id", int, description="Only tasks of this topic; also `topicId`."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Submissions sent on or after (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Submissions sent on or before (YYYY-MM-DD)."),
        ],
        responses={200: RankingOut(many=True)},
        summary="The coding ranking",
    )
    def get(self, request: Request) -> Response | HttpResponse:
        names = ("group_id", "topic_id", "from", "to")
        paging = {name: request.query_params[name] for name in ("page", "page_size") if name in request.query_params}
        query = validated(self, RankingQuery, query_params(request, names) | paging)
        group: StudyGroup | None = query.get("group_id")
        topic: CodingTopic | None = query.get("topic_id")
        filters = RankingFilters(
            organization_id=self.actor.organization_id,
            group_id=group.pk if group else None,
            topic_id=topic.pk if topic else None,
            date_from=query.get("from"),
            date_to=query.get("to"),
        )
        # Built by hand rather than through RankingOut (which documents it): a whole school's ranking is thousands
        # of rows, and a serializer per row would cost more than the query. The whole list is JSON from PostgreSQL,
        # in the shape RankingOut gives (bekrin/coding/tests/test_ranking.py compares them).
        if not paging:
            body = coding_ranking_json(filters, timezone.get_current_timezone_name())
            return HttpResponse(body, content_type="application/json")
        # The paginator takes CountedRows, as RankingPages is (a bounded count and slices); its rows are RankingRows.
        page: list[RankingRow] = self.paginate_queryset(RankingPages(filters)) or []  # type: ignore[arg-type,assignment]
        return self.get_paginated_response([ranking_row(row) for row in page])
