"""Every read of tests, attempts and results, each costing a fixed number of queries whatever the list's length.

The parent dashboard reads children's results through `student_recent_results` and `student_results`, and a
child's tests through `student_test_states` (the same rows a student sees).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from bekrin.assessments.models import AttemptStatus, Test, TestAnswerKey, TestAssignment, TestAttempt, TestResult
from bekrin.assessments.permissions import assignments_reaching
from bekrin.assessments.scoring import Scheme, build_scheme, grade
from bekrin.assessments.windows import Window as TestWindow
from bekrin.assessments.windows import WindowState, attempt_deadline, shown_window, window_state
from bekrin.core.subqueries import count_per_row

# --- schemes and attempt views --------------------------------------------------------------------------------


def answer_key_of(test: Test) -> TestAnswerKey | None:
    """The test's key from select_related / an earlier access, or None when it has none."""
    try:
        return test.answer_key
    except TestAnswerKey.DoesNotExist:
        return None


def test_scheme(test: Test) -> Scheme:
    key = answer_key_of(test)
    return build_scheme(test.config, key.mcq_answers if key else {}, key.numeric_answers if key else {})


def _written_scores(attempt: TestAttempt) -> dict[str, str]:
    try:
        return dict(attempt.result.written_scores)
    except TestResult.DoesNotExist:
        return {}


@dataclass(frozen=True)
class AttemptView:
    """An attempt with what is derived from it: per-question marks, the maximum, and (while started) its deadline."""

    attempt: TestAttempt
    marks: dict[str, Decimal | None] | None  # None while the attempt is still started
    max_score: Decimal
    written_scores: dict[str, str]
    deadline: datetime | None
    is_open: bool


def attempt_view(
    attempt: TestAttempt, scheme: Scheme, windows: Iterable[TestWindow] | None, now: datetime
) -> AttemptView:
    """`windows` are those reaching the attempt's student; without them no deadline is worked out (teacher lists)."""
    written = _written_scores(attempt)
    started = attempt.status == AttemptStatus.STARTED
    deadline = None
    if started and windows is not None:
        limit = (attempt.test.config or {}).get("time_limit_minutes")
        deadline = attempt_deadline(started_at=attempt.started_at, time_limit_minutes=limit, windows=windows)
    return AttemptView(
        attempt=attempt,
        marks=None if started else grade(scheme, attempt.answers, written).marks,
        max_score=scheme.max_score,
        written_scores=written,
        deadline=deadline,
        is_open=started and (deadline is None or now <= deadline),
    )


def windows_by_test(student_id: int, test_ids: Iterable[int]) -> dict[int, list[TestWindow]]:
    """The windows of the assignments reaching the student, per test, in one query."""
    rows = (
        assignments_reaching([student_id])
        .filter(test_id__in=list(test_ids))
        .values_list("test_id", "available_from", "available_to")
    )
    windows: dict[int, list[TestWindow]] = defaultdict(list)
    for test_id, start, end in rows:
        windows[test_id].append(TestWindow(start=start, end=end))
    return windows


def result_groups(test_id: int, student_ids: list[int]) -> dict[int, int]:
    """Per student, the group through which the test reached them (of the latest such assignment), for the
    summary rows; a student reached only by a direct assignment without a group has none. Two queries."""
    with_group = TestAssignment.objects.filter(test_id=test_id, group__isnull=False)
    named = with_group.filter(student_id__in=student_ids).values_list("student_id", "created_at", "pk", "group_id")
    via_membership = with_group.filter(
        student__isnull=True,
        group__deleted_at__isnull=True,
        group__memberships__student_id__in=student_ids,
        group__memberships__is_active=True,
    ).values_list("group__memberships__student_id", "created_at", "pk", "group_id")
    latest: dict[int, tuple[datetime, int, int]] = {}
    for student_id, created_at, pk, group_id in [*named, *via_membership]:
        if student_id not in latest or (created_at, pk) > latest[student_id][:2]:
            latest[student_id] = (created_at, pk, group_id)
    return {student_id: group_id for student_id, (_created, _pk, group_id) in latest.items()}


# --- teacher ----------------------------------------------------------------------------------------------------


def with_counts(tests: QuerySet[Test]) -> QuerySet[Test]:
    return tests.select_related("created_by", "answer_key").annotate(
        assignment_count=count_per_row(TestAssignment.objects.filter(test_id=OuterRef("pk")), "test_id"),
        attempt_count=count_per_row(TestAttempt.objects.filter(test_id=OuterRef("pk")), "test_id"),
    )


def tests_waiting_for_marks(tests: QuerySet[Test], *, limit: int) -> list[Test]:
    """The tests with submitted attempts whose written answers have no mark yet (`waiting`: how many), the most
    waiting first (a teacher's home)."""
    waiting = TestAttempt.objects.filter(test_id=OuterRef("pk"), status=AttemptStatus.SUBMITTED)
    annotated = tests.annotate(waiting=count_per_row(waiting, "test_id")).filter(waiting__gt=0)
    return list(annotated.order_by("-waiting", "pk")[:limit])


def test_assignments(test: Test) -> QuerySet[TestAssignment]:
    return test.assignments.select_related("group", "student").order_by("-created_at", "-pk")


def test_attempts(attempts: QuerySet[TestAttempt], *, test: Test) -> QuerySet[TestAttempt]:
    return attempts.filter(test=test).select_related("student", "result").order_by("-started_at", "-pk")


def teacher_attempt_views(attempts: Iterable[TestAttempt], test: Test, now: datetime) -> list[AttemptView]:
    scheme = test_scheme(test)
    rows = []
    for attempt in attempts:
        attempt.test = test  # every row is of this test; spares a query per row
        rows.append(attempt_view(attempt, scheme, None, now))
    return rows


# --- student ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentTestState:
    test: Test
    scheme: Scheme
    window: WindowState
    available_from: datetime | None
    available_to: datetime | None
    attempts: list[AttemptView]  # own attempts, oldest first
    max_attempts: int
    can_start: bool
    paper_open: bool  # the PDF is handed out once a window has opened

    @property
    def time_limit_minutes(self) -> int | None:
        return (self.test.config or {}).get("time_limit_minutes")

    @property
    def question_count(self) -> int:
        return len(self.scheme.questions)

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def last_attempt(self) -> AttemptView | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def pdf_url(self) -> str | None:
        return (self.test.pdf_url or None) if self.paper_open else None


def student_tests(tests: QuerySet[Test], student_id: int) -> QuerySet[Test]:
    own = TestAttempt.objects.filter(student_id=student_id).select_related("result").order_by("started_at", "pk")
    return tests.select_related("answer_key").prefetch_related(Prefetch("attempts", queryset=own, to_attr="own"))


def student_test_states(tests: Iterable[Test], student_id: int, now: datetime) -> list[StudentTestState]:
    """Tests from `student_tests` with the window, the attempts and whether a new attempt may start."""
    tests = list(tests)
    windows = windows_by_test(student_id, [test.pk for test in tests])
    states = []
    for test in tests:
        scheme = test_scheme(test)
        test_windows = windows.get(test.pk, [])
        state = window_state(test_windows, now)
        shown = shown_window(test_windows, now)
        views = []
        for attempt in getattr(test, "own", []):
            attempt.test = test
            views.append(attempt_view(attempt, scheme, test_windows, now))
        max_attempts = (test.config or {}).get("max_attempts") or 1
        states.append(
            StudentTestState(
                test=test,
                scheme=scheme,
                window=state,
                available_from=shown.start if shown else None,
                available_to=shown.end if shown else None,
                attempts=views,
                max_attempts=max_attempts,
                can_start=state == WindowState.OPEN
                and bool(scheme.questions)
                and not any(view.is_open for view in views)
                and len(views) < max_attempts,
                paper_open=any(window.has_opened(now) for window in test_windows),
            )
        )
    return states


def student_attempts(attempts: QuerySet[TestAttempt]) -> QuerySet[TestAttempt]:
    return attempts.select_related("test", "test__answer_key", "result").order_by("-started_at", "-pk")


def student_attempt_views(attempts: Iterable[TestAttempt], student_id: int, now: datetime) -> list[AttemptView]:
    attempts = list(attempts)
    windows = windows_by_test(student_id, {attempt.test_id for attempt in attempts})
    return [attempt_view(a, test_scheme(a.test), windows.get(a.test_id, []), now) for a in attempts]


# --- results (parent dashboard) -----------------------------------------------------------------------------------


def student_results(student_ids: Iterable[int]) -> QuerySet[TestResult]:
    """The students' graded results, newest first; results of soft-deleted tests are left out like the tests."""
    return (
        TestResult.objects.filter(student_profile_id__in=list(student_ids))
        .filter(Q(attempt__isnull=True) | Q(attempt__test__deleted_at__isnull=True))
        .select_related("attempt")
        .order_by(F("attempt__submitted_at").desc(nulls_last=True), "-date", "-pk")
    )


def student_recent_results(student_ids: Iterable[int], limit: int = 5) -> dict[int, list[dict[str, Any]]]:
    """Each student's latest `limit` graded results, in one query: {student_id: [{test_id, attempt_id, title,
    score, max_score, submitted_at, date}]} with Decimal scores; a student without results maps to []."""
    ids = list(student_ids)
    ranked = (
        student_results(ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("student_profile_id"),
                order_by=[F("attempt__submitted_at").desc(nulls_last=True), F("date").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=limit)
        .values(
            "student_profile_id",
            "attempt_id",
            "test_name",
            "score",
            "max_score",
            "date",
            test_id=F("attempt__test_id"),
            submitted_at=F("attempt__submitted_at"),
        )
    )
    recent: dict[int, list[dict[str, Any]]] = {student_id: [] for student_id in ids}
    for row in ranked:
        recent[row["student_profile_id"]].append(
            {
                "test_id": row["test_id"],
                "attempt_id": row["attempt_id"],
                "title": row["test_name"],
                "score": row["score"],
                "max_score": row["max_score"],
                "submitted_at": row["submitted_at"],
                "date": row["date"],
            }
        )
    return recent
