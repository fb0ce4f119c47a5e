"""The student's coding endpoints: tasks with their own status, the visible examples, submitting code and reading
their own submissions. Nothing here ever serializes a hidden test case (docs/DECISIONS.md, decision 13)."""

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.coding.api.common import (
    SUBMISSION_ID,
    TASK_ID,
    ExampleOut,
    SubmissionOut,
    TopicBriefOut,
)
from bekrin.coding.filters import StudentSubmissionFilters, StudentTaskFilters
from bekrin.coding.models import CodingTask
from bekrin.coding.permissions import submissions_visible_to, tasks_visible_to
from bekrin.coding.selectors import (
    examples,
    student_task_detail,
    student_task_list,
    student_task_status,
    submission_awaited,
    submission_list,
    submission_wait_for_verdict,
)
from bekrin.coding.services import MAX_CODE_BYTES, submission_create
from bekrin.coding.verdicts import SubmitTurn
from bekrin.core.api_base import ApiView, query_params, validated
from bekrin.core.filters import ListView
from bekrin.core.roles import STUDENTS


class StudentTaskOut(serializers.ModelSerializer):
    topic = TopicBriefOut(allow_null=True)
    status = serializers.SerializerMethodField(help_text="solved, attempted or not_started")
    best_score = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="The best share of test cases passed times the task's points.",
    )
    attempts = serializers.IntegerField(read_only=True)

    class Meta:
        model = CodingTask
        fields = [
            "id",
            "title",
            "difficulty",
            "points",
            "order_index",
            "topic_id",
            "topic",
            "status",
            "best_score",
            "attempts",
        ]
        read_only_fields = fields

    def get_status(self, task: Any) -> str:
        return student_task_status(task)


class StudentTaskDetailOut(StudentTaskOut):
    test_cases = serializers.SerializerMethodField(help_text="Only the visible examples; hidden cases never appear.")

    class Meta(StudentTaskOut.Meta):
        fields = [*StudentTaskOut.Meta.fields, "description", "starter_code", "test_cases"]
        read_only_fields = fields

    @extend_schema_field(ExampleOut(many=True))
    def get_test_cases(self, task: CodingTask) -> Any:
        return ExampleOut(examples(task), many=True).data


class StudentTaskListView(ListView, ApiView):
    """Active tasks of the student's school with their own status (`solved`, `attempted`, `not_started`) and best
    result."""

    allowed_roles = STUDENTS
    filterset_class = StudentTaskFilters

    def visible(self, user: User) -> Any:
        return tasks_visible_to(user)

    @extend_schema(responses={200: StudentTaskOut(many=True)}, summary="My coding tasks")
    def get(self, request: Request) -> Response:
        tasks = self.filter_list(student_task_list(self.get_queryset(), student_id=self.actor.pk))
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(StudentTaskOut(page, many=True).data)


class StudentTaskDetailView(ApiView):
    """One task with its description, starter code and the visible test cases only."""

    allowed_roles = STUDENTS

    def visible(self, user: User) -> Any:
        return tasks_visible_to(user)

    @extend_schema(parameters=[TASK_ID], responses={200: StudentTaskDetailOut}, summary="A coding task")
    def get(self, request: Request, pk: int) -> Response:
        tasks = student_task_detail(self.get_queryset(), student_id=self.actor.pk)
        return Response(StudentTaskDetailOut(get_object_or_404(tasks, pk=pk)).data)


class SubmitIn(serializers.Serializer):
    code = serializers.CharField(
        trim_whitespace=False, help_text="A Python program reading stdin and printing to stdout; at most 64 KB."
    )


class SubmitView(ApiView):
    """Sends code to the judge: 201 with the verdict when it is ready within 10 s, else 202 with `status: pending`
    (read it later from the submission, `?wait=` waits for it). A server with every waiting slot taken answers 202
    at once. At most 10 submissions a minute (429)."""

    allowed_roles = STUDENTS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The turn is taken before authentication, which is most of a submit's own work, and given back by post
        # before it waits for the verdict, or here whatever the request ended with.
        self.turn = SubmitTurn()
        self.turn.take()
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            self.turn.give_back()

    def visible(self, user: User) -> Any:
        return tasks_visible_to(user)

    @extend_schema(
        parameters=[TASK_ID],
        request=SubmitIn,
        responses={
            201: SubmissionOut,
            202: OpenApiResponse(SubmissionOut, description="Not judged yet: `status` is pending or running."),
            413: OpenApiResponse(description=f"The code is larger than {MAX_CODE_BYTES} bytes"),
        },
        summary="Submit code",
    )
    def post(self, request: Request, pk: int) -> Response:
        task = self.get_object()
        submission = submission_create(student=self.actor, task=task, **validated(self, SubmitIn))
        self.turn.give_back()
        # The worker judges it; this request only watches the row, never runs the code.
        judged = submission_wait_for_verdict(submission_id=submission.pk, seconds=settings.JUDGE_SUBMIT_WAIT_SECONDS)
        fresh = submissions_visible_to(self.actor).select_related("task").get(pk=submission.pk)
        return Response(
            SubmissionOut(fresh).data, status=status.HTTP_201_CREATED if judged else status.HTTP_202_ACCEPTED
        )


class StudentSubmissionListView(ListView, ApiView):
    """The student's own submissions, newest first."""

    allowed_roles = STUDENTS
    filterset_class = StudentSubmissionFilters

    def visible(self, user: User) -> Any:
        return submissions_visible_to(user)

    @extend_schema(responses={200: SubmissionOut(many=True)}, summary="My submissions")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(submission_list(self.get_queryset())))
        return self.get_paginated_response(SubmissionOut(page, many=True).data)


LONG_POLL_MAX_SECONDS = 25


class DigitsIntegerField(serializers.IntegerField):
    """A whole number written in digits only: DRF's IntegerField also takes `5.0`."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, str) or not re.fullmatch("[0-9]{1,9}", data):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class SubmissionWaitIn(serializers.Serializer):
    wait = DigitsIntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=LONG_POLL_MAX_SECONDS,
        help_text="Seconds to wait for the verdict of a pending submission (a long poll); the answer comes the "
        "moment it is judged, or with the submission as it is when the time runs out.",
    )


class StudentSubmissionDetailView(ApiView):
    """One of the student's own submissions with its verdict; `?wait=N` holds the answer until it is judged or N
    seconds pass (a server with every waiting slot taken answers at once)."""

    allowed_roles = STUDENTS

    def visible(self, user: User) -> Any:
        return submissions_visible_to(user)

    @extend_schema(
        parameters=[SUBMISSION_ID, SubmissionWaitIn], responses={200: SubmissionOut}, summary="My submission"
    )
    def get(self, request: Request, pk: int) -> Response:
        wait = validated(self, SubmissionWaitIn, query_params(request, ("wait",)))["wait"]
        rows = submission_list(self.get_queryset())
        submission = get_object_or_404(rows, pk=pk)
        seconds = min(wait, settings.JUDGE_LONG_POLL_SECONDS)
        return Response(SubmissionOut(submission_awaited(rows, submission, seconds=seconds)).data)
