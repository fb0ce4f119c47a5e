"""The teacher's (and admin's) side: tests, answer keys, assignments, attempts and marking written answers."""

from datetime import datetime
from typing import Any

from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from bekrin.accounts.models import User
from bekrin.accounts.people import students_visible_to
from bekrin.assessments.api.serializers import (
    ConfigOut,
    QuestionOut,
    TeacherAttemptOut,
    questions_of,
    score_field,
)
from bekrin.assessments.filters import AssignmentFilters, AttemptFilters, TestFilters
from bekrin.assessments.models import Test, TestAssignment, TestAttempt, TestType
from bekrin.assessments.permissions import assignments_visible_to, attempts_visible_to, tests_visible_to
from bekrin.assessments.scoring import effective_config
from bekrin.assessments.selectors import (
    answer_key_of,
    attempt_view,
    teacher_attempt_views,
    test_assignments,
    test_attempts,
    test_scheme,
    with_counts,
)
from bekrin.assessments.services import (
    FIRST_WINDOW_YEAR,
    LAST_WINDOW_YEAR,
    answer_key_save,
    assignment_create,
    assignment_delete,
    attempt_mark_written,
    test_create,
    test_delete,
    test_restore,
    test_update,
    window_years_problem,
)
from bekrin.core.api_base import ApiView, ScopedIdField, validated
from bekrin.core.errors import NotFound
from bekrin.core.filters import ListView
from bekrin.core.form_input import FormInputSerializer
from bekrin.core.parsers import JsonParser
from bekrin.core.roles import STAFF
from bekrin.core.serializers import GroupRefOut, PersonRefOut
from bekrin.groups.permissions import groups_visible_to

TEST_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The test.")
ATTEMPT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The attempt.")


# --- serializers ------------------------------------------------------------------------------------------------


class AnswerKeyOut(serializers.Serializer):
    test_id = serializers.IntegerField()
    mcq_answers = serializers.DictField(child=serializers.CharField(), help_text='{"1": "A"}')
    numeric_answers = serializers.DictField(child=serializers.CharField(), help_text='{"11": "2.5"}')
    written_instructions = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()


class RegradeOut(serializers.Serializer):
    attempts = serializers.IntegerField(help_text="Submitted and graded attempts graded again.")
    scores_changed = serializers.IntegerField(help_text="How many of them now have a different score.")


class TestOut(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=TestType.choices)
    title = serializers.CharField()
    pdf_url = serializers.CharField(help_text="`/api/tests/{id}/pdf` for an uploaded paper, or the external URL.")
    config = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    created_by_id = serializers.IntegerField()
    created_by = PersonRefOut()
    has_answer_key = serializers.SerializerMethodField()
    assignment_count = serializers.IntegerField()
    attempt_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    deleted_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(ConfigOut)
    def get_config(self, test: Test) -> dict[str, Any]:
        return effective_config(test.config)

    def get_has_answer_key(self, test: Test) -> bool:
        return answer_key_of(test) is not None


class TestDetailOut(TestOut):
    questions = serializers.SerializerMethodField()
    max_score = serializers.SerializerMethodField()
    answer_key = serializers.SerializerMethodField()

    @extend_schema_field(QuestionOut(many=True))
    def get_questions(self, test: Test) -> list[dict[str, Any]]:
        return questions_of(test_scheme(test))

    @extend_schema_field(score_field())
    def get_max_score(self, test: Test) -> str:
        return score_field().to_representation(test_scheme(test).max_score)

    @extend_schema_field(AnswerKeyOut(allow_null=True))
    def get_answer_key(self, test: Test) -> dict[str, Any] | None:
        key = answer_key_of(test)
        return AnswerKeyOut(key).data if key else None


class TestChangedOut(TestDetailOut):
    regraded = RegradeOut(help_text="New weights or written questions regrade the closed attempts.")


class AnswerKeySavedOut(AnswerKeyOut):
    regraded = RegradeOut(help_text="Only a changed key regrades; otherwise both counts are 0.")


class TestWriteIn(FormInputSerializer):
    title = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=TestType.choices)
    is_active = serializers.BooleanField(
        required=False, help_text="Students see only active tests. A new test is active unless this says false."
    )
    config = serializers.JSONField(
        required=False,
        help_text="`{max_attempts (default 1), time_limit_minutes, question_weights, written_questions}`; in "
        "multipart, a JSON text.",
    )
    pdf_url = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A paper kept elsewhere: an http(s) URL; empty for none.",
    )
    pdf = serializers.FileField(required=False, help_text="The paper: a PDF of at most 20 MB (multipart only).")


class TestUpdateIn(TestWriteIn):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class AnswerKeyIn(serializers.Serializer):
    mcq_answers = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    numeric_answers = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    written_instructions = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=20_000)


class WindowMomentField(serializers.DateTimeField):
    """A window's start or end. The year is checked as written, before DRF moves the moment to Asia/Baku: that
    conversion itself overflows near the years 1 and 9999 (the service checks the converted moment again)."""

    def enforce_timezone(self, value: datetime) -> datetime:
        if not FIRST_WINDOW_YEAR <= value.year <= LAST_WINDOW_YEAR:
            raise serializers.ValidationError(window_years_problem())
        return super().enforce_timezone(value)


class AssignmentIn(serializers.Serializer):
    group_id = ScopedIdField(visible=groups_visible_to, source="group", required=False, allow_null=True)
    student_id = ScopedIdField(visible=students_visible_to, source="student", required=False, allow_null=True)
    available_from = WindowMomentField(required=False, allow_null=True, help_text="In the years 2000 to 2100")
    available_to = WindowMomentField(required=False, allow_null=True, help_text="In the years 2000 to 2100")


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    test_id = serializers.IntegerField()
    group_id = serializers.IntegerField(allow_null=True)
    group = GroupRefOut(allow_null=True)
    student_id = serializers.IntegerField(allow_null=True)
    student = PersonRefOut(allow_null=True)
    available_from = serializers.DateTimeField(allow_null=True)
    available_to = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class WrittenScoresIn(serializers.Serializer):
    written_scores = serializers.DictField(
        child=serializers.JSONField(), help_text='Question number → mark, e.g. {"21": 2}; from 0 to its weight.'
    )


# --- views ------------------------------------------------------------------------------------------------------


class TestViewMixin:
    """For the endpoints under /teacher/tests/{id}: the test, among the caller's school's, with its key."""

    def visible(self, user: User) -> QuerySet[Test]:
        return tests_visible_to(user).select_related("answer_key")


class TeacherTestListView(ListView, ApiView):
    """Tests of the caller's school; create one from an uploaded PDF (multipart) or a pdf_url (JSON)."""

    allowed_roles = STAFF
    parser_classes = (JsonParser, MultiPartParser, FormParser)
    filterset_class = TestFilters

    def visible(self, user: User) -> QuerySet[Test]:
        return with_counts(tests_visible_to(user))

    @extend_schema(
        operation_id="teacher_tests_list",
        responses={200: TestOut(many=True)},
        summary="List tests (`?status=active|deleted`, `?type=`, `?is_active=`, `?search=` in the title)",
    )
    def get(self, request: Request) -> Response:
        rows = self.filter_list(with_counts(tests_visible_to(self.actor, include_deleted=True)))  # TestFilters
        page = self.paginate_queryset(rows)  # chooses active or deleted
        return self.get_paginated_response(TestOut(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": TestWriteIn, "application/json": TestWriteIn},
        responses={
            201: TestDetailOut,
            413: OpenApiResponse(description="The PDF is larger than 20 MB"),
        },
        summary="Create a test; a `pdf` must be a real PDF of at most 20 MB (400 `invalid_pdf`, 413 `too_large`)",
    )
    def post(self, request: Request) -> Response:
        test = test_create(author=self.actor, **validated(self, TestWriteIn))
        return Response(TestDetailOut(self.get_queryset().get(pk=test.pk)).data, status=status.HTTP_201_CREATED)


class TeacherTestDetailView(ApiView):
    """One test with its questions and answer key: read, change (also the PDF) or soft delete."""

    allowed_roles = STAFF
    parser_classes = (JsonParser, MultiPartParser, FormParser)

    def visible(self, user: User) -> QuerySet[Test]:
        return with_counts(tests_visible_to(user))

    @extend_schema(parameters=[TEST_ID], responses={200: TestDetailOut}, summary="A test with its answer key")
    def get(self, request: Request, pk: int) -> Response:
        return Response(TestDetailOut(self.get_object()).data)

    @extend_schema(
        parameters=[TEST_ID],
        request={"multipart/form-data": TestUpdateIn, "application/json": TestUpdateIn},
        responses={
            200: TestChangedOut,
            409: OpenApiResponse(description="`written_questions_locked`: graded attempts have no mark for it"),
            413: OpenApiResponse(description="The PDF is larger than 20 MB"),
        },
        summary="Change a test; new weights or written questions regrade its closed attempts",
    )
    def patch(self, request: Request, pk: int) -> Response:
        test = self.get_object()
        test, regrade = test_update(test=test, changes=validated(self, TestUpdateIn))
        body = TestDetailOut(self.get_queryset().get(pk=test.pk)).data
        return Response({**body, "regraded": RegradeOut(regrade).data})

    @extend_schema(parameters=[TEST_ID], responses={204: None}, summary="Soft delete a test")
    def delete(self, request: Request, pk: int) -> Response:
        test_delete(test=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeacherTestRestoreView(ApiView):
    """Undo the soft delete of a test."""

    allowed_roles = STAFF

    def visible(self, user: User) -> QuerySet[Test]:
        return tests_visible_to(user, include_deleted=True).filter(deleted_at__isnull=False)

    @extend_schema(parameters=[TEST_ID], request=None, responses={200: TestDetailOut}, summary="Restore a test")
    def post(self, request: Request, pk: int) -> Response:
        test = test_restore(test=self.get_object())
        return Response(TestDetailOut(with_counts(tests_visible_to(self.actor)).get(pk=test.pk)).data)


class TeacherAnswerKeyView(TestViewMixin, ApiView):
    """The answer key of a test; saving a changed key regrades every submitted attempt."""

    allowed_roles = STAFF

    @extend_schema(
        parameters=[TEST_ID],
        responses={200: AnswerKeyOut, 404: OpenApiResponse(description="No such test, or it has no key yet")},
        summary="The answer key",
    )
    def get(self, request: Request, pk: int) -> Response:
        key = answer_key_of(self.get_object())
        if key is None:
            raise NotFound(_("This test has no answer key yet."))
        return Response(AnswerKeyOut(key).data)

    @extend_schema(
        parameters=[TEST_ID],
        request=AnswerKeyIn,
        responses={200: AnswerKeySavedOut},
        summary="Save the answer key (question numbers ≥ 1, none in both maps, MCQ letters A–H, numbers)",
    )
    def post(self, request: Request, pk: int) -> Response:
        test = self.get_object()
        data = validated(self, AnswerKeyIn)
        key, regrade = answer_key_save(test=test, **data)
        return Response({**AnswerKeyOut(key).data, "regraded": RegradeOut(regrade).data})

    @extend_schema(
        parameters=[TEST_ID],
        request=AnswerKeyIn,
        responses={200: AnswerKeySavedOut},
        summary="Save the answer key (same as POST)",
        operation_id="teacher_tests_answer_key_replace",
    )
    def put(self, request: Request, pk: int) -> Response:
        return self.post(request, pk)


class TeacherAssignmentListView(TestViewMixin, ListView, ApiView):
    """Who a test is assigned to: a group (its active members at any moment) or one student, in an optional window."""

    allowed_roles = STAFF
    filterset_class = AssignmentFilters

    @extend_schema(
        operation_id="teacher_tests_assignments_list",
        parameters=[TEST_ID],
        responses={200: AssignmentOut(many=True)},
        summary="Assignments of a test, newest first",
    )
    def get(self, request: Request, pk: int) -> Response:
        page = self.paginate_queryset(self.filter_list(test_assignments(self.get_object())))
        return self.get_paginated_response(AssignmentOut(page, many=True).data)

    @extend_schema(
        parameters=[TEST_ID],
        request=AssignmentIn,
        responses={201: AssignmentOut},
        summary="Assign the test to a group or a student (at least one id; the window must end after it starts)",
    )
    def post(self, request: Request, pk: int) -> Response:
        test = self.get_object()
        assignment = assignment_create(test=test, **validated(self, AssignmentIn))
        return Response(AssignmentOut(assignment).data, status=status.HTTP_201_CREATED)


class TeacherAssignmentDetailView(ApiView):
    """One assignment of a test; deleting it takes the test away from its students (their attempts stay)."""

    allowed_roles = STAFF
    lookup_url_kwarg = "assignment_id"

    def visible(self, user: User) -> QuerySet[TestAssignment]:
        return assignments_visible_to(user).filter(test_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[TEST_ID, OpenApiParameter("assignment_id", int, OpenApiParameter.PATH)],
        responses={204: None},
        summary="Remove an assignment",
    )
    def delete(self, request: Request, pk: int, assignment_id: int) -> Response:
        assignment_delete(assignment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeacherTestAttemptListView(TestViewMixin, ListView, ApiView):
    """The attempts at a test with student, answers, per-question marks and score."""

    allowed_roles = STAFF
    filterset_class = AttemptFilters

    @extend_schema(
        operation_id="teacher_tests_attempts_list",
        parameters=[TEST_ID],
        responses={200: TeacherAttemptOut(many=True)},
        summary="Attempts at a test, newest first (`?status=`, `?student_id=`)",
    )
    def get(self, request: Request, pk: int) -> Response:
        test = self.get_object()
        rows = self.filter_list(test_attempts(attempts_visible_to(self.actor), test=test))
        page = self.paginate_queryset(rows)
        views = teacher_attempt_views(page or [], test, timezone.now())
        return self.get_paginated_response(TeacherAttemptOut(views, many=True).data)


class TeacherAttemptDetailView(ApiView):
    """One attempt; the teacher's marks for its written questions make it `graded`."""

    allowed_roles = STAFF

    def visible(self, user: User) -> QuerySet[TestAttempt]:
        return attempts_visible_to(user).select_related("student", "result", "test", "test__answer_key")

    def _render(self, attempt: TestAttempt) -> Response:
        return Response(TeacherAttemptOut(attempt_view(attempt, test_scheme(attempt.test), None, timezone.now())).data)

    @extend_schema(parameters=[ATTEMPT_ID], responses={200: TeacherAttemptOut}, summary="An attempt")
    def get(self, request: Request, pk: int) -> Response:
        return self._render(self.get_object())

    @extend_schema(
        parameters=[ATTEMPT_ID],
        request=WrittenScoresIn,
        responses={
            200: TeacherAttemptOut,
            409: OpenApiResponse(description="`attempt_open`: the student is still working on it"),
        },
        summary="Mark written questions (every one needs a mark) → status `graded`, score recomputed",
    )
    def patch(self, request: Request, pk: int) -> Response:
        attempt = self.get_object()
        attempt_mark_written(attempt=attempt, **validated(self, WrittenScoresIn))
        return self._render(self.get_queryset().get(pk=attempt.pk))
