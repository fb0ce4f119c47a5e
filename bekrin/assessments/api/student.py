"""The student's side: assigned tests with their windows, attempts (start, autosave, submit) and own results."""

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.assessments.api.serializers import AttemptOut, QuestionOut, score_field
from bekrin.assessments.filters import OwnAttemptFilters, StudentTestFilters
from bekrin.assessments.models import Test, TestAttempt, TestType
from bekrin.assessments.permissions import attempts_visible_to, tests_visible_to
from bekrin.assessments.selectors import (
    student_attempt_views,
    student_attempts,
    student_test_states,
    student_tests,
)
from bekrin.assessments.services import attempt_save_answers, attempt_start, attempt_submit
from bekrin.assessments.windows import WindowState
from bekrin.core.api_base import ApiView, validated
from bekrin.core.filters import ListView
from bekrin.core.roles import STUDENTS

TEST_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The test.")
ATTEMPT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The attempt.")


class StudentTestOut(serializers.Serializer):
    """A test as a student sees it (a StudentTestState): the window and their own attempts, never the key."""

    id = serializers.IntegerField(source="test.id")
    type = serializers.ChoiceField(choices=TestType.choices, source="test.type")
    title = serializers.CharField(source="test.title")
    window = serializers.ChoiceField(choices=WindowState.choices)
    available_from = serializers.DateTimeField(allow_null=True)
    available_to = serializers.DateTimeField(allow_null=True)
    max_attempts = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    question_count = serializers.IntegerField()
    max_score = score_field(source="scheme.max_score")
    attempts_used = serializers.IntegerField()
    can_start = serializers.BooleanField(help_text="The window is open, no attempt is in progress, attempts are left.")
    last_attempt = AttemptOut(allow_null=True)


class StudentTestDetailOut(StudentTestOut):
    pdf_url = serializers.CharField(allow_null=True, help_text="Null until a window has opened, or without a paper.")
    questions = QuestionOut(many=True, source="scheme.questions", help_text="Numbers and types; never the answers.")
    attempts = AttemptOut(many=True, help_text="Own attempts, oldest first.")


class AnswersIn(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text='Question number → answer, merged into those saved, e.g. {"1": "A", "11": "2,5"}; null clears one.',
    )


CLOSED = OpenApiResponse(description="`already_submitted`, or `time_over` (the attempt was closed instead)")


class StudentTestListView(ListView, ApiView):
    """Tests assigned to the student directly or through an active group, with window and own attempt state."""

    allowed_roles = STUDENTS
    filterset_class = StudentTestFilters

    def visible(self, user: User) -> QuerySet[Test]:
        return student_tests(tests_visible_to(user), user.pk)

    @extend_schema(
        operation_id="student_tests_list", responses={200: StudentTestOut(many=True)}, summary="Assigned tests"
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(self.get_queryset()))
        states = student_test_states(page or [], self.actor.pk, timezone.now())
        return self.get_paginated_response(StudentTestOut(states, many=True).data)


class StudentTestDetailView(ApiView):
    """An assigned test: the paper's address, question numbers with their types, and own attempts."""

    allowed_roles = STUDENTS

    def visible(self, user: User) -> QuerySet[Test]:
        return student_tests(tests_visible_to(user), user.pk)

    @extend_schema(parameters=[TEST_ID], responses={200: StudentTestDetailOut}, summary="An assigned test")
    def get(self, request: Request, pk: int) -> Response:
        state = student_test_states([self.get_object()], self.actor.pk, timezone.now())[0]
        return Response(StudentTestDetailOut(state).data)


def _attempt_response(view: ApiView, attempt: TestAttempt, code: int = status.HTTP_200_OK) -> Response:
    fresh = student_attempts(attempts_visible_to(view.actor)).get(pk=attempt.pk)
    rendered = student_attempt_views([fresh], fresh.student_id, timezone.now())[0]
    return Response(AttemptOut(rendered).data, status=code)


class StudentAttemptStartView(ApiView):
    """Starts an attempt at an assigned test while a window is open and attempts are left."""

    allowed_roles = STUDENTS

    def visible(self, user: User) -> QuerySet[Test]:
        return tests_visible_to(user)

    @extend_schema(
        parameters=[TEST_ID],
        request=None,
        responses={
            201: AttemptOut,
            409: OpenApiResponse(
                description="`window_closed`, `no_attempts_left`, `attempt_in_progress` or `not_ready` (no questions)"
            ),
        },
        summary="Start an attempt",
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = attempt_start(test=self.get_object(), student=self.actor)
        return _attempt_response(self, attempt, status.HTTP_201_CREATED)


class StudentAttemptListView(ListView, ApiView):
    """The student's own attempts with scores and marks, newest first: their results."""

    allowed_roles = STUDENTS
    filterset_class = OwnAttemptFilters

    def visible(self, user: User) -> QuerySet[TestAttempt]:
        return student_attempts(attempts_visible_to(user))

    @extend_schema(
        operation_id="student_tests_attempts_list",
        responses={200: AttemptOut(many=True)},
        summary="Own attempts and results (`?test_id=`)",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_list(self.get_queryset()))
        views = student_attempt_views(page or [], self.actor.pk, timezone.now())
        return self.get_paginated_response(AttemptOut(views, many=True).data)


class StudentAttemptDetailView(ApiView):
    """One own attempt; answers are saved (merged) while it is open and within its time limit."""

    allowed_roles = STUDENTS

    def visible(self, user: User) -> QuerySet[TestAttempt]:
        return student_attempts(attempts_visible_to(user))

    @extend_schema(parameters=[ATTEMPT_ID], responses={200: AttemptOut}, summary="An own attempt")
    def get(self, request: Request, pk: int) -> Response:
        return _attempt_response(self, self.get_object())

    @extend_schema(
        parameters=[ATTEMPT_ID],
        request=AnswersIn,
        responses={200: AttemptOut, 409: CLOSED},
        summary="Save answers (autosave)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        attempt = self.get_object()
        return _attempt_response(self, attempt_save_answers(attempt=attempt, **validated(self, AnswersIn)))


class StudentAttemptSubmitView(ApiView):
    """Closes an own attempt exactly once and grades it: MCQ and numeric at once, written by the teacher later."""

    allowed_roles = STUDENTS

    def visible(self, user: User) -> QuerySet[TestAttempt]:
        return attempts_visible_to(user)

    @extend_schema(
        parameters=[ATTEMPT_ID],
        request=None,
        responses={200: AttemptOut, 409: OpenApiResponse(description="`already_submitted`")},
        summary="Submit an attempt → score and per-question marks",
    )
    def post(self, request: Request, pk: int) -> Response:
        return _attempt_response(self, attempt_submit(attempt=self.get_object()))
