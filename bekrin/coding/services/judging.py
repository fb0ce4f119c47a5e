"""Submissions: saving them, queueing them, judging them in a worker, and the progress every verdict updates.

The life of a submission: `submission_create` saves it `pending` and, once committed, defers a job on the
`judge` queue (procrastinate, in the same PostgreSQL). A worker runs `submission_judge`, which

1. takes a session-level advisory lock on the submission, held by the worker's database session for as long as it
   judges. PostgreSQL releases it by itself when that session ends, so a lock nobody holds means nobody alive is
   judging the submission;
2. claims it with a conditional UPDATE (`pending` or `running` → `running`). Taking over a `running` row is safe
   only because of the lock: whoever set it to `running` before us has died (a worker that finishes writes a final
   status before it lets go). A claim that matches no row (already judged) ends the job without judging;
3. runs the sandboxed judge outside any transaction;
4. writes the verdict and the student's coding_progress in one transaction, with the UPDATE conditional on the row
   still being `running` and on this being the same database session that took the lock, and announces it in the
   same transaction to the requests waiting for it (bekrin.coding.verdicts). A rejudge that put the
   row back to `pending` meanwhile wins: the stale verdict is dropped and the rejudge's own job judges again.

So two workers never judge one submission at the same time, and judging it twice in a row is harmless.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, DataError, connection, transaction
from django.db.models import DecimalField, F, Max, Min, Q
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.exceptions import AlreadyEnqueued
from rest_framework import status

from bekrin.accounts.models import User
from bekrin.coding.models import (
    FINAL_SUBMISSION_STATUSES,
    UNJUDGED_SUBMISSION_STATUSES,
    CodingProgress,
    CodingSubmission,
    CodingTask,
    CodingTestCase,
    ProgressStatus,
    SubmissionStatus,
)
from bekrin.coding.verdicts import SUBMISSION_JUDGED, announce
from bekrin.core.errors import DomainError, ErrorCode, PayloadTooLarge
from bekrin.students.models import StudentProfile
from judge import Budget, JudgeFailure, JudgeRequest, JudgeResult, Limits, TestCase, Verdict, judge

logger = logging.getLogger(__name__)

JUDGE_TASK = "coding.judge_submission"
JUDGE_QUEUE = "judge"
# Fresh submissions go before rejudges, so a student waiting for a verdict is not stuck behind a whole task's
# history (procrastinate takes higher priorities first). A student's submission goes one step lower for each of
# their unjudged submissions before it (fairness between students: bekrin/coding/tasks.py).
SUBMIT_PRIORITY = 1000
REJUDGE_PRIORITY = 0
MAX_CODE_BYTES = 64 * 1024
# What a failed example shows of its input, expected and actual output: enough to see the mistake, never a page.
SHOWN_TEXT_CHARS = 2000
SHOWN_EXAMPLES = 3


class SubmissionThrottled(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = ErrorCode.THROTTLED


class JudgeUnavailable(DomainError):
    """The sandbox cannot run where the judging was asked for (a worker checking an import's reference solutions)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = ErrorCode.JUDGE_UNAVAILABLE


class SubmissionBusy(Exception):
    """Another live worker is judging this submission (or this worker lost its claim): the job tries again later."""


def judge_limits() -> Limits:
    return Limits(**settings.JUDGE_LIMITS)


def submission_budget() -> Budget:
    return Budget(**settings.JUDGE_SUBMISSION_BUDGET)


def _check_code(code: str) -> None:
    if not code.strip():
        raise DomainError(_("The code is empty."), fields={"code": [_("Write some code first.")]})
    if len(code.encode("utf-8")) > MAX_CODE_BYTES:
        raise PayloadTooLarge(
            _("The code is larger than 64 KB."), fields={"code": [_("At most 64 KB (65,536 bytes).")]}
        )


def _queueing_lock(submission_id: int) -> str:
    return f"coding.submission:{submission_id}"


def _student_lock(student_id: int) -> str:
    return f"coding.student:{student_id}"


def _backlog_ahead(submission_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each submission, its student and how many of that student's unjudged submissions came before it."""
    students = dict(
        CodingSubmission.objects.filter(pk__in=submission_ids).order_by("pk").values_list("pk", "student_id")
    )
    unjudged = CodingSubmission.objects.filter(
        student_id__in=set(students.values()), status__in=UNJUDGED_SUBMISSION_STATUSES
    ).order_by("pk")
    seen: dict[int, int] = {}
    ahead: dict[int, int] = {}
    for pk, student_id in unjudged.values_list("pk", "student_id"):
        ahead[pk] = seen.get(student_id, 0)
        seen[student_id] = ahead[pk] + 1
    return {pk: (student_id, ahead.get(pk, 0)) for pk, student_id in students.items()}


def queue_judging(submission_ids: Iterable[int], *, priority: int = SUBMIT_PRIORITY) -> None:
    """Defer one judge job per submission. The queueing lock keeps at most one job per submission waiting; one
    already waiting will read the test cases when it runs, so it is enough. The student's lock and the priority
    lowered by the student's backlog make the queue fair between students (see bekrin/coding/tasks.py)."""
    for submission_id, (student_id, ahead) in _backlog_ahead(list(submission_ids)).items():
        deferrer = app.configure_task(
            JUDGE_TASK,
            allow_unknown=False,
            queueing_lock=_queueing_lock(submission_id),
            lock=_student_lock(student_id),
            priority=priority - ahead,
        )
        try:
            # A savepoint when called inside a transaction: a refused duplicate must not abort the caller's.
            with transaction.atomic():
                deferrer.defer(submission_id=submission_id)
        except AlreadyEnqueued:
            continue


def submission_create(*, student: User, task: CodingTask, code: str) -> CodingSubmission:
    """Save a student's code as `pending` with the next attempt number and queue it for judging.

    At most CODING_SUBMISSIONS_PER_MINUTE submissions a student per minute, counted from the table, so every web
    process shares the count. The student's profile row is locked first, so concurrent submits of one student
    queue up: the count and the attempt number are never read stale.
    """
    _check_code(code)
    with transaction.atomic():
        profile = StudentProfile.all_objects.select_for_update().filter(pk=student.pk).order_by("pk").first()
        if profile is None:
            raise DomainError(_("Only students can submit code."))
        since = timezone.now() - timedelta(minutes=1)
        recent = CodingSubmission.objects.filter(student=student, created_at__gte=since).count()
        if recent >= settings.CODING_SUBMISSIONS_PER_MINUTE:
            raise SubmissionThrottled(
                _("At most %(limit)d submissions a minute; wait a little and try again.")
                % {"limit": settings.CODING_SUBMISSIONS_PER_MINUTE}
            )
        last = CodingSubmission.objects.filter(student=student, task=task).aggregate(last=Max("attempt_no"))["last"]
        submission = CodingSubmission.objects.create(
            organization_id=task.organization_id,
            task=task,
            student=student,
            submitted_code=code,
            status=SubmissionStatus.PENDING,
            attempt_no=(last or 0) + 1,
        )
        CodingProgress.objects.bulk_create(
            [CodingProgress(student_profile=profile, exercise=task, status=ProgressStatus.ATTEMPTED)],
            ignore_conflicts=True,
        )
        # In the submission's own transaction: the row and its job commit together (one commit, not two, on the
        # way to the worker), and a worker never sees a job for a row it cannot read. A queue hiccup must not turn
        # a saved submission into a 500: its savepoint is undone and the sweeper queues the row later.
        try:
            with transaction.atomic():
                queue_judging([submission.pk])
        except Exception:
            logger.exception("Could not queue submission %s; the sweeper will", submission.pk)
    return submission


def progress_recompute(*, student_id: int, task_id: int) -> CodingProgress | None:
    """Set the student's coding_progress for the task from their judged submissions: `solved` once any passed
    (`solved_at` = the first pass), and `score` = the best share of test cases passed times the task's points."""
    with transaction.atomic():
        if not StudentProfile.all_objects.filter(pk=student_id).exists():
            return None
        CodingProgress.objects.bulk_create(
            [CodingProgress(student_profile_id=student_id, exercise_id=task_id, status=ProgressStatus.ATTEMPTED)],
            ignore_conflicts=True,
        )
        # The row lock queues two verdicts of one student and task, so the second recomputes after the first.
        progress = CodingProgress.objects.select_for_update().get(student_profile_id=student_id, exercise_id=task_id)
        points = CodingTask.all_objects.values_list("points", flat=True).get(pk=task_id) or 0
        ratio = Cast(F("passed_count"), DecimalField(max_digits=12, decimal_places=6)) / NullIf(
            F("passed_count") + F("failed_count"), 0
        )
        summary = CodingSubmission.objects.filter(
            student_id=student_id, task_id=task_id, status__in=FINAL_SUBMISSION_STATUSES
        ).aggregate(
            solved_at=Min("created_at", filter=Q(status=SubmissionStatus.PASSED)),
            best=Max(ratio, output_field=DecimalField(max_digits=12, decimal_places=6)),
        )
        progress.status = ProgressStatus.SOLVED if summary["solved_at"] else ProgressStatus.ATTEMPTED
        progress.solved_at = summary["solved_at"]
        best: Decimal | None = summary["best"]
        progress.score = None if best is None else (best * points).quantize(Decimal("0.01"))
        progress.save(update_fields=["status", "solved_at", "score", "updated_at"])
        return progress


@dataclass(frozen=True)
class _Verdict:
    status: str
    passed_count: int
    failed_count: int
    runtime_ms: int | None
    error_message: str | None


def _shown(text: str) -> str:
    text = text.rstrip("\n")
    return text if len(text) <= SHOWN_TEXT_CHARS else text[:SHOWN_TEXT_CHARS] + "…"


def verdict_report(result: JudgeResult, cases: Sequence[CodingTestCase]) -> str | None:
    """The submission's error_message: the judge's sentence and, for each visible example that did not pass, its
    input, expected and actual output. A hidden case is only ever named by its number (docs/DECISIONS.md, decision
    13): the judge's sentence already leaves out anything its input could have shaped, and its output is never
    kept."""
    if result.verdict == Verdict.PASSED:
        return None
    first_failure = next((r for r in result.cases if r.verdict != Verdict.PASSED), None)
    if result.verdict == Verdict.FAILED and first_failure is not None:
        # The commonest verdict gets a translated sentence; the judge's other sentences are English only.
        parts = [_("Wrong answer on test case %(number)d.") % {"number": first_failure.index + 1}]
    else:
        parts = [result.message or _("The program did not pass.")]
    if result.cases and len(result.cases) < len(cases):
        failed = len(result.cases) - result.passed_count
        parts.append(
            _(
                "Judging stopped after test case %(run)d of %(total)d: %(passed)d passed, %(failed)d failed, "
                "%(skipped)d not run (they count as not passed)."
            )
            % {
                "run": len(result.cases),
                "total": len(cases),
                "passed": result.passed_count,
                "failed": failed,
                "skipped": len(cases) - len(result.cases),
            }
        )
    failed_examples = [r for r in result.cases if r.verdict != Verdict.PASSED and cases[r.index].is_visible]
    for case_result in failed_examples[:SHOWN_EXAMPLES]:
        case = cases[case_result.index]
        parts.append(
            "\n".join(
                [
                    _("Test case %(number)d (an example)") % {"number": case_result.index + 1},
                    _("Input:"),
                    _shown(case.input),
                    _("Expected output:"),
                    _shown(case.expected),
                    _("Your output:"),
                    _shown(case_result.output),
                ]
            )
        )
    return "\n\n".join(parts)


def _judged(result: JudgeResult, cases: Sequence[CodingTestCase]) -> _Verdict:
    return _Verdict(
        status=str(result.verdict),
        passed_count=result.passed_count,
        failed_count=result.failed_count,
        runtime_ms=result.runtime_ms,
        error_message=verdict_report(result, cases),
    )


def _release(submission_id: int) -> None:
    """Hand an unfinished claim back (`running` → `pending`) so the next attempt starts clean."""
    CodingSubmission.objects.filter(pk=submission_id, status=SubmissionStatus.RUNNING).update(
        status=SubmissionStatus.PENDING
    )


def _session_lock(key: str, *, take: bool) -> tuple[bool, int]:
    function = "pg_try_advisory_lock" if take else "pg_advisory_unlock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(hashtextextended(%s, 0)), pg_backend_pid()", [key])
        row: Any = cursor.fetchone()
    return bool(row[0]), int(row[1])


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row: Any = cursor.fetchone()
    return int(row[0])


def submission_judge(
    *, submission_id: int, last_attempt: bool = False, should_stop: Callable[[], bool] | None = None
) -> bool:
    """Judge one submission in this worker (see the module's docstring); True when this call wrote its verdict.

    Raises SubmissionBusy when a live worker holds it, SandboxUnavailable and JudgeFailure when the judge cannot
    run, and JudgeStopped when `should_stop` (asked before each test case) said the worker is shutting down; in
    all three the row goes back to `pending` for a later attempt. On the last attempt a JudgeFailure is recorded as
    an `error` verdict instead, so a program that keeps breaking the judge does not stay pending for ever; so is a
    verdict the database refuses to store (DataError), which no retry would change.
    """
    key = _queueing_lock(submission_id)
    locked, session = _session_lock(key, take=True)
    if not locked:
        raise SubmissionBusy(submission_id)
    try:
        claimed = CodingSubmission.objects.filter(pk=submission_id, status__in=UNJUDGED_SUBMISSION_STATUSES).update(
            status=SubmissionStatus.RUNNING
        )
        if not claimed:
            return False
        submission = CodingSubmission.objects.get(pk=submission_id)
        cases = list(CodingTestCase.objects.filter(task_id=submission.task_id))
        verdict = _run(submission, cases, last_attempt=last_attempt, should_stop=should_stop)
        try:
            return _write_verdict(submission, verdict, session=session, with_progress=True)
        except DataError:
            # A value the database refuses (a score beyond coding_progress.score's numeric(7,2), from points set
            # before they were capped) would be refused again on every retry, and the sweeper would queue the
            # still-`running` row for ever. So the submission ends as an `error` the teacher can see, without the
            # progress that could not be stored; the job itself succeeds.
            logger.exception("the verdict of submission %s could not be stored", submission_id)
            failed = _Verdict(
                SubmissionStatus.ERROR,
                0,
                len(cases),
                None,
                _("The verdict could not be saved. Ask your teacher to check the task."),
            )
            return _write_verdict(submission, failed, session=session, with_progress=False)
    finally:
        try:
            _session_lock(key, take=False)
        except DatabaseError:
            connection.close()  # ending the session releases the lock too


def _write_verdict(submission: CodingSubmission, verdict: _Verdict, *, session: int, with_progress: bool) -> bool:
    """Store the verdict, and the student's progress with it, unless a rejudge or another session took over."""
    with transaction.atomic():
        if _backend_pid() != session:
            raise SubmissionBusy(submission.pk)  # the connection was replaced: the lock went with it
        written = CodingSubmission.objects.filter(pk=submission.pk, status=SubmissionStatus.RUNNING).update(
            status=verdict.status,
            passed_count=verdict.passed_count,
            failed_count=verdict.failed_count,
            runtime_ms=verdict.runtime_ms,
            error_message=verdict.error_message,
        )
        if written and with_progress:
            progress_recompute(student_id=submission.student_id, task_id=submission.task_id)
        if written:
            announce(SUBMISSION_JUDGED, submission.pk)
    return bool(written)


def _run(
    submission: CodingSubmission,
    cases: list[CodingTestCase],
    *,
    last_attempt: bool,
    should_stop: Callable[[], bool] | None,
) -> _Verdict:
    if not cases:
        return _Verdict(SubmissionStatus.ERROR, 0, 0, None, _("This task has no test cases yet; tell your teacher."))
    request = JudgeRequest(
        code=submission.submitted_code,
        cases=[TestCase(input=case.input, expected=case.expected, visible=case.is_visible) for case in cases],
        limits=judge_limits(),
        budget=submission_budget(),
        stop_at_hidden_failure=True,
    )
    try:
        return _judged(judge(request, should_stop=should_stop), cases)
    except JudgeFailure:
        if last_attempt:
            logger.exception("judge failed on submission %s for the last time", submission.pk)
            return _Verdict(
                SubmissionStatus.ERROR,
                0,
                len(cases),
                None,
                _("The judge could not run this program. Try again, or ask your teacher."),
            )
        _release(submission.pk)
        raise
    except Exception:
        _release(submission.pk)
        raise


def submissions_requeue_forgotten(*, older_than: timedelta, limit: int = 500) -> int:
    """Queue again the unjudged submissions that have no job waiting or running: a defer lost to a crash right
    after the commit, or a job that gave up. Returns how many were queued."""
    queued = set(
        ProcrastinateJob.objects.filter(
            task_name=JUDGE_TASK, status__in=("todo", "doing"), queueing_lock__isnull=False
        ).values_list("queueing_lock", flat=True)
    )
    unjudged = CodingSubmission.objects.filter(
        status__in=UNJUDGED_SUBMISSION_STATUSES, created_at__lt=timezone.now() - older_than
    ).order_by("pk")
    forgotten = [pk for pk in unjudged.values_list("pk", flat=True) if _queueing_lock(pk) not in queued][:limit]
    queue_judging(forgotten, priority=REJUDGE_PRIORITY)
    return len(forgotten)
