"""A student's attempts (start, autosave, submit) and the teacher's marks for written questions."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.assessments.models import AttemptStatus, Test, TestAttempt
from bekrin.assessments.scoring import normalize_answers, normalize_written_scores
from bekrin.assessments.services.grades import (
    close_attempt,
    deadline_of,
    is_past,
    lock_attempt,
    scheme_of,
    settle,
    windows_of,
    written_scores_of,
)
from bekrin.assessments.windows import WindowState, window_state
from bekrin.core.errors import Conflict, DomainError, ErrorCode


def _close_expired(*, test: Test, student: User, now: datetime) -> None:
    """Closes the student's started attempts of this test whose time is over, grading the answers they had."""
    started = TestAttempt.objects.filter(test=test, student=student, status=AttemptStatus.STARTED)
    if not started.exists():
        return
    windows = windows_of(test.pk, student.pk)
    with transaction.atomic():
        for attempt_id in started.values_list("pk", flat=True):
            attempt = lock_attempt(attempt_id)
            deadline = deadline_of(attempt, windows)
            if attempt.status == AttemptStatus.STARTED and is_past(deadline, now):
                assert deadline is not None
                close_attempt(attempt, deadline)


def attempt_start(*, test: Test, student: User) -> TestAttempt:
    """Starts an attempt while a window is open and attempts are left (409 otherwise)."""
    now = timezone.now()
    _close_expired(test=test, student=student, now=now)
    with transaction.atomic():
        # The student's row serializes their starts, so parallel requests cannot exceed max_attempts.
        list(User.objects.select_for_update(no_key=True).filter(pk=student.pk).values_list("pk"))
        if window_state(windows_of(test.pk, student.pk), now) != WindowState.OPEN:
            raise Conflict(_("This test is not open now."), code=ErrorCode.WINDOW_CLOSED)
        if not scheme_of(test).questions:
            raise Conflict(_("This test has no questions yet."), code=ErrorCode.NOT_READY)
        attempts = TestAttempt.objects.filter(test=test, student=student)
        if attempts.filter(status=AttemptStatus.STARTED).exists():
            raise Conflict(_("Finish the attempt in progress first."), code=ErrorCode.ATTEMPT_IN_PROGRESS)
        max_attempts = (test.config or {}).get("max_attempts") or 1
        if attempts.count() >= max_attempts:
            raise Conflict(_("No attempts are left for this test."), code=ErrorCode.NO_ATTEMPTS_LEFT)
        return TestAttempt.objects.create(
            organization_id=test.organization_id, test=test, student=student, started_at=now, answers={}
        )


def _time_over() -> Conflict:
    return Conflict(
        _("The time for this attempt is over; it was submitted with the answers saved before."),
        code=ErrorCode.TIME_OVER,
    )


def _already_closed() -> Conflict:
    return Conflict(_("This attempt is already submitted."), code=ErrorCode.ALREADY_SUBMITTED)


def attempt_save_answers(*, attempt: TestAttempt, answers: object) -> TestAttempt:
    """Merges answers into an open attempt (a null answer clears it); past the deadline the attempt closes instead."""
    now = timezone.now()
    with transaction.atomic():
        attempt = lock_attempt(attempt.pk)
        if attempt.status != AttemptStatus.STARTED:
            raise _already_closed()
        deadline = deadline_of(attempt, windows_of(attempt.test_id, attempt.student_id))
        if not is_past(deadline, now):
            merged = dict(attempt.answers)
            for number, answer in normalize_answers(scheme_of(attempt.test), answers).items():
                if answer is None:
                    merged.pop(number, None)
                else:
                    merged[number] = answer
            attempt.answers = dict(sorted(merged.items(), key=lambda item: int(item[0])))
            attempt.save(update_fields=["answers"])
            return attempt
        assert deadline is not None
        close_attempt(attempt, deadline)
    # Raised after the commit: the attempt stays closed even though the request is refused.
    raise _time_over()


def attempt_submit(*, attempt: TestAttempt) -> TestAttempt:
    """Closes the attempt exactly once and grades it; a second submit, even a simultaneous one, gets 409."""
    now = timezone.now()
    with transaction.atomic():
        attempt = lock_attempt(attempt.pk)
        if attempt.status != AttemptStatus.STARTED:
            raise _already_closed()
        deadline = deadline_of(attempt, windows_of(attempt.test_id, attempt.student_id))
        close_attempt(attempt, deadline if deadline is not None and is_past(deadline, now) else now)
        return attempt


def attempt_mark_written(*, attempt: TestAttempt, written_scores: object) -> TestAttempt:
    """The teacher's marks for written questions; once every written question has one, the attempt is graded."""
    now = timezone.now()
    with transaction.atomic():
        attempt = lock_attempt(attempt.pk)
        if attempt.status == AttemptStatus.STARTED:
            deadline = deadline_of(attempt, windows_of(attempt.test_id, attempt.student_id))
            if not is_past(deadline, now):
                raise Conflict(_("The student is still working on this attempt."), code=ErrorCode.ATTEMPT_OPEN)
            assert deadline is not None
            close_attempt(attempt, deadline)
        scheme = scheme_of(attempt.test)
        marks = {**written_scores_of(attempt), **normalize_written_scores(scheme, written_scores)}
        missing = [str(q.number) for q in scheme.written if str(q.number) not in marks]
        if missing:
            problem = _("Questions %(numbers)s still need a mark.") % {"numbers": ", ".join(missing)}
            raise DomainError(problem, code=ErrorCode.INCOMPLETE, fields={"written_scores": [problem]})
        settle(attempt, scheme, marks)
        return attempt
