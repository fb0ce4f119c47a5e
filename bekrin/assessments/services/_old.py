"""Every write to tests, answer keys, assignments, attempts and their results.

Locks are always taken in one order: the test row, then the student's user row, then attempt rows. Changing what
grading depends on (the key, the weights, the written questions) holds the test row FOR NO KEY UPDATE while it
regrades; grading one attempt (submit, the teacher's marks, closing an expired attempt) holds it FOR SHARE. So a
submit never grades with a key that is being replaced, many students still submit in parallel, and inserting
attempts (which only needs FOR KEY SHARE on the test) is never blocked by either.

`test_result` is the summary of a graded attempt: it exists exactly while its attempt is `graded`, and it also keeps
the teacher's marks for written questions (`written_scores`), the one part of a grade that cannot be recomputed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.assessments.grading import (
    Grade,
    Scheme,
    build_scheme,
    grade,
    normalize_answer_key,
    normalize_answers,
    normalize_config,
    normalize_written_scores,
)
from bekrin.assessments.models import (
    AttemptStatus,
    Test,
    TestAnswerKey,
    TestAssignment,
    TestAttempt,
    TestResult,
)
from bekrin.assessments.papers import check_pdf, has_stored_paper, paper_url, remove_paper, store_paper
from bekrin.assessments.selectors import result_groups, windows_by_test
from bekrin.assessments.windows import Window, WindowState, attempt_deadline, window_state
from bekrin.core.errors import Conflict, DomainError
from bekrin.groups.models import GroupMembership, StudyGroup

# An autosave sent in the last second before the deadline still counts: network latency is not the student's fault.
DEADLINE_GRACE = timedelta(seconds=10)
CLOSED_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.GRADED)


@dataclass(frozen=True)
class Regrade:
    attempts: int  # submitted and graded attempts graded again
    scores_changed: int  # of those, how many now have a different score


NO_REGRADE = Regrade(attempts=0, scores_changed=0)


# --- locks and shared reads -----------------------------------------------------------------------------------


def _lock_test_for_change(test_id: int) -> Test:
    return Test.all_objects.select_for_update(no_key=True).get(pk=test_id)


def _lock_test_for_grading(test_id: int) -> None:
    with connection.cursor() as cursor:
        # Django has no select_for_share(); the table name is the model's constant, the id a parameter.
        cursor.execute(f'SELECT 1 FROM "{Test._meta.db_table}" WHERE id = %s FOR SHARE', [test_id])  # noqa: S608


def _lock_attempt(attempt_id: int) -> TestAttempt:
    """The attempt, row-locked, with its test; the test is share-locked first (the fixed lock order)."""
    test_id = TestAttempt.objects.values_list("test_id", flat=True).get(pk=attempt_id)
    _lock_test_for_grading(test_id)
    return TestAttempt.objects.select_for_update(of=("self",)).select_related("test").get(pk=attempt_id)


def _answer_key(test: Test) -> TestAnswerKey | None:
    return TestAnswerKey.objects.filter(test_id=test.pk).first()


def _scheme(test: Test, key: TestAnswerKey | None = None) -> Scheme:
    key = key or _answer_key(test)
    return build_scheme(test.config, key.mcq_answers if key else {}, key.numeric_answers if key else {})


def _windows(test_id: int, student_id: int) -> list[Window]:
    return windows_by_test(student_id, [test_id]).get(test_id, [])


def _deadline(attempt: TestAttempt, windows: list[Window]) -> datetime | None:
    limit = (attempt.test.config or {}).get("time_limit_minutes")
    return attempt_deadline(started_at=attempt.started_at, time_limit_minutes=limit, windows=windows)


def _past(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline + DEADLINE_GRACE


def _written_scores(attempt: TestAttempt) -> dict[str, str]:
    summary = TestResult.objects.filter(attempt=attempt).only("written_scores").first()
    return dict(summary.written_scores) if summary else {}


# --- grading ----------------------------------------------------------------------------------------------------


def _kept_marks(scheme: Scheme, written: dict[str, str]) -> dict[str, str]:
    """The teacher's marks for questions that are still written questions."""
    numbers = {str(question.number) for question in scheme.written}
    return {key: value for key, value in written.items() if key in numbers}


def _status(result: Grade) -> AttemptStatus:
    return AttemptStatus.GRADED if result.complete else AttemptStatus.SUBMITTED


def _new_result(attempt: TestAttempt, result: Grade, written: dict[str, str], group_id: int | None) -> TestResult:
    assert attempt.submitted_at is not None
    return TestResult(
        attempt=attempt,
        student_profile_id=attempt.student_id,
        group_id=group_id,
        test_name=attempt.test.title,
        score=result.score,
        max_score=result.max_score,
        written_scores=written,
        date=timezone.localdate(attempt.submitted_at),
    )


def _refresh_result(summary: TestResult, attempt: TestAttempt, result: Grade, written: dict[str, str]) -> bool:
    """Brings an existing summary row in step with the grade; True when something changed."""
    values = {
        "score": result.score,
        "max_score": result.max_score,
        "written_scores": written,
        "test_name": attempt.test.title,
    }
    if all(getattr(summary, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(summary, name, value)
    return True


def _settle(attempt: TestAttempt, scheme: Scheme, written: dict[str, str]) -> Grade:
    """Grades one closed attempt and keeps its status and summary row in step with the grade."""
    written = _kept_marks(scheme, written)
    result = grade(scheme, attempt.answers, written)
    attempt.score, attempt.status = result.score, _status(result)
    attempt.save(update_fields=["score", "status", "submitted_at"])
    summary = TestResult.objects.filter(attempt=attempt).first()
    if attempt.status != AttemptStatus.GRADED:
        if summary is not None:
            summary.delete()
    elif summary is None:
        group_id = result_groups(attempt.test_id, [attempt.student_id]).get(attempt.student_id)
        _new_result(attempt, result, written, group_id).save()
    elif _refresh_result(summary, attempt, result, written):
        summary.save(update_fields=["score", "max_score", "written_scores", "test_name"])
    return result


def _close(attempt: TestAttempt, at: datetime) -> None:
    """Ends a started attempt (the caller holds its lock) and grades what it has."""
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = at
    _settle(attempt, _scheme(attempt.test), {})


def _regrade(test: Test) -> Regrade:
    """Grades every closed attempt of the test again and writes only what changed, in a fixed number of queries;
    the caller holds the test FOR NO KEY UPDATE, so no submit grades with the old scheme meanwhile."""
    scheme = _scheme(test)
    attempts = list(
        TestAttempt.objects.select_for_update(of=("self",))
        .filter(test=test, status__in=CLOSED_STATUSES)
        .select_related("test", "result")
        .order_by("pk")
    )
    changed_attempts: list[TestAttempt] = []
    changed_results: list[TestResult] = []
    new_results: list[tuple[TestAttempt, Grade, dict[str, str]]] = []
    stale_results: list[int] = []
    scores_changed = 0
    for attempt in attempts:
        summary: TestResult | None = getattr(attempt, "result", None)
        written = _kept_marks(scheme, dict(summary.written_scores) if summary else {})
        result = grade(scheme, attempt.answers, written)
        scores_changed += attempt.score != result.score
        if (attempt.score, attempt.status) != (result.score, _status(result)):
            attempt.score, attempt.status = result.score, _status(result)
            changed_attempts.append(attempt)
        if attempt.status != AttemptStatus.GRADED:
            if summary is not None:
                stale_results.append(summary.pk)
        elif summary is None:
            new_results.append((attempt, result, written))  # the last written question was just removed
        elif _refresh_result(summary, attempt, result, written):
            changed_results.append(summary)
    _write_grades(changed_attempts, changed_results)
    if new_results:
        groups = result_groups(test.pk, [attempt.student_id for attempt, _result, _written in new_results])
        TestResult.objects.bulk_create(
            _new_result(attempt, result, written, groups.get(attempt.student_id))
            for attempt, result, written in new_results
        )
    TestResult.objects.filter(pk__in=stale_results).delete()
    return Regrade(attempts=len(attempts), scores_changed=scores_changed)


def _write_grades(attempts: list[TestAttempt], results: list[TestResult]) -> None:
    """One UPDATE per table from arrays. Django's bulk_update builds a CASE per row and costs seconds for a few
    thousand attempts, which a teacher saving a key would wait for."""
    with connection.cursor() as cursor:
        if attempts:
            cursor.execute(
                f"""
                UPDATE "{TestAttempt._meta.db_table}" AS attempt SET score = new.score, status = new.status
                FROM unnest(%s::bigint[], %s::numeric[], %s::varchar[]) AS new(id, score, status)
                WHERE attempt.id = new.id
                """,  # noqa: S608 - the table name is the model's constant; values are parameters
                [[a.pk for a in attempts], [a.score for a in attempts], [str(a.status) for a in attempts]],
            )
        if results:
            cursor.execute(
                f"""
                UPDATE "{TestResult._meta.db_table}" AS result
                SET score = new.score, max_score = new.max_score, written_scores = new.written_scores,
                    test_name = new.test_name
                FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::jsonb[], %s::varchar[])
                    AS new(id, score, max_score, written_scores, test_name)
                WHERE result.id = new.id
                """,  # noqa: S608 - the table name is the model's constant; values are parameters
                [
                    [r.pk for r in results],
                    [r.score for r in results],
                    [r.max_score for r in results],
                    [json.dumps(r.written_scores) for r in results],
                    [r.test_name for r in results],
                ],
            )


# --- tests ------------------------------------------------------------------------------------------------------


def _check_pdf_choice(pdf: UploadedFile[bytes] | None, pdf_url: str | None) -> None:
    if pdf is not None and pdf_url:
        problem = _("Send either a PDF file or a pdf_url, not both.")
        raise DomainError(problem, fields={"pdf_url": [problem]})


def test_create(
    *,
    author: User,
    title: str,
    type: str,
    config: object = None,
    is_active: bool = True,
    pdf_url: str = "",
    pdf: UploadedFile[bytes] | None = None,
) -> Test:
    _check_pdf_choice(pdf, pdf_url)
    normalized = normalize_config(config)
    if pdf is not None:
        check_pdf(pdf)
    with transaction.atomic():
        test: Test = Test.objects.create(
            organization_id=author.organization_id,
            created_by=author,
            type=type,
            title=title,
            config=normalized,
            is_active=is_active,
            pdf_url=pdf_url,
        )
        if pdf is not None:
            # Stored inside the transaction, as its last step: a failed write leaves no test pointing at nothing,
            # while a rollback after it (unlikely) leaves only an unreachable file.
            store_paper(test, pdf)
            test.pdf_url = paper_url(test)
            test.save(update_fields=["pdf_url"])
    return test


def _check_written_change(test: Test, scheme: Scheme) -> None:
    """A written question added after attempts were marked would leave them graded without a mark for it."""
    written = {str(question.number) for question in scheme.written}
    results = TestResult.objects.filter(attempt__test=test).values_list("written_scores", flat=True)
    unmarked = sorted({number for scores in results for number in written - set(scores)}, key=int)
    if unmarked:
        raise Conflict(
            _("Questions %(numbers)s cannot become written questions: attempts were already graded without them.")
            % {"numbers": ", ".join(unmarked)},
            code="written_questions_locked",
        )


def _grading_settings(config: dict[str, Any] | None) -> tuple[Any, Any]:
    config = config or {}
    return config.get("question_weights") or {}, config.get("written_questions") or []


def test_update(
    *,
    test: Test,
    title: str | None = None,
    type: str | None = None,
    is_active: bool | None = None,
    config: object = None,
    pdf_url: str | None = None,
    pdf: UploadedFile[bytes] | None = None,
) -> tuple[Test, Regrade]:
    """Changes the given fields; new weights or written questions regrade the test's closed attempts."""
    _check_pdf_choice(pdf, pdf_url)
    if pdf is not None:
        check_pdf(pdf)
    with transaction.atomic():
        test = _lock_test_for_change(test.pk)
        regrade_needed = False
        if config is not None:
            normalized = normalize_config(config, base=test.config)
            key = _answer_key(test)
            keyed = set(key.mcq_answers) | set(key.numeric_answers) if key else set()
            clash = sorted({str(n) for n in normalized["written_questions"]} & keyed, key=int)
            if clash:
                problem = _("Questions %(numbers)s already have an answer in the key.") % {"numbers": ", ".join(clash)}
                raise DomainError(problem, fields={"config": {"written_questions": [problem]}})
            _check_written_change(test, build_scheme(normalized, {}, {}))
            regrade_needed = _grading_settings(normalized) != _grading_settings(test.config)
            test.config = normalized
        if title is not None and title != test.title:
            test.title = title
            TestResult.objects.filter(attempt__test=test).update(test_name=title)
        if type is not None:
            test.type = type
        if is_active is not None:
            test.is_active = is_active
        if pdf is not None:
            store_paper(test, pdf)
            test.pdf_url = paper_url(test)
        elif pdf_url is not None and pdf_url != test.pdf_url:
            if has_stored_paper(test):
                remove_paper(test)
            test.pdf_url = pdf_url
        test.save()
        return test, (_regrade(test) if regrade_needed else NO_REGRADE)


def test_delete(*, test: Test) -> None:
    with transaction.atomic():
        test = _lock_test_for_change(test.pk)
        test.mark_deleted()
        test.save(update_fields=["deleted_at", "updated_at"])


def test_restore(*, test: Test) -> Test:
    with transaction.atomic():
        test = _lock_test_for_change(test.pk)
        test.mark_restored()
        test.save(update_fields=["deleted_at", "updated_at"])
        return test


def answer_key_save(
    *,
    test: Test,
    mcq_answers: object,
    numeric_answers: object,
    written_instructions: str | None = None,
) -> tuple[TestAnswerKey, Regrade]:
    """Replaces the key; when its answers changed, every submitted and graded attempt is graded again."""
    with transaction.atomic():
        test = _lock_test_for_change(test.pk)
        mcq, numeric = normalize_answer_key(
            mcq_answers=mcq_answers,
            numeric_answers=numeric_answers,
            written_questions=(test.config or {}).get("written_questions") or [],
        )
        key = _answer_key(test) or TestAnswerKey(test=test)
        changed = key.pk is None or key.mcq_answers != mcq or key.numeric_answers != numeric
        key.mcq_answers, key.numeric_answers, key.written_instructions = mcq, numeric, written_instructions
        key.save()
        return key, (_regrade(test) if changed else NO_REGRADE)


# --- assignments ------------------------------------------------------------------------------------------------


def assignment_create(
    *,
    test: Test,
    group: StudyGroup | None = None,
    student: User | None = None,
    available_from: datetime | None = None,
    available_to: datetime | None = None,
) -> TestAssignment:
    """Assigns the test to a group (its active members at any moment) or to one student, in an optional window."""
    if group is None and student is None:
        problem = _("Give a group_id, a student_id, or both.")
        raise DomainError(problem, fields={"group_id": [problem], "student_id": [problem]})
    if available_from is not None and available_to is not None and available_from >= available_to:
        problem = _("The window must end after it starts.")
        raise DomainError(problem, fields={"available_to": [problem]})
    if (
        group is not None
        and student is not None
        and not GroupMembership.objects.filter(group=group, student=student, is_active=True).exists()
    ):
        problem = _("The student is not an active member of this group.")
        raise DomainError(problem, fields={"student_id": [problem]})
    return TestAssignment.objects.create(
        organization_id=test.organization_id,
        test=test,
        group=group,
        student=student,
        available_from=available_from,
        available_to=available_to,
    )


def assignment_delete(*, assignment: TestAssignment) -> None:
    assignment.delete()


# --- attempts ---------------------------------------------------------------------------------------------------


def _close_expired(*, test: Test, student: User, now: datetime) -> None:
    """Closes the student's started attempts of this test whose time is over, grading the answers they had."""
    started = TestAttempt.objects.filter(test=test, student=student, status=AttemptStatus.STARTED)
    if not started.exists():
        return
    windows = _windows(test.pk, student.pk)
    with transaction.atomic():
        for attempt_id in started.values_list("pk", flat=True):
            attempt = _lock_attempt(attempt_id)
            deadline = _deadline(attempt, windows)
            if attempt.status == AttemptStatus.STARTED and _past(deadline, now):
                assert deadline is not None
                _close(attempt, deadline)


def attempt_start(*, test: Test, student: User) -> TestAttempt:
    """Starts an attempt while a window is open and attempts are left (409 otherwise)."""
    now = timezone.now()
    _close_expired(test=test, student=student, now=now)
    with transaction.atomic():
        # The student's row serializes their starts, so parallel requests cannot exceed max_attempts.
        list(User.objects.select_for_update(no_key=True).filter(pk=student.pk).values_list("pk"))
        if window_state(_windows(test.pk, student.pk), now) != WindowState.OPEN:
            raise Conflict(_("This test is not open now."), code="window_closed")
        if not _scheme(test).questions:
            raise Conflict(_("This test has no questions yet."), code="not_ready")
        attempts = TestAttempt.objects.filter(test=test, student=student)
        if attempts.filter(status=AttemptStatus.STARTED).exists():
            raise Conflict(_("Finish the attempt in progress first."), code="attempt_in_progress")
        max_attempts = (test.config or {}).get("max_attempts") or 1
        if attempts.count() >= max_attempts:
            raise Conflict(_("No attempts are left for this test."), code="no_attempts_left")
        return TestAttempt.objects.create(
            organization_id=test.organization_id, test=test, student=student, started_at=now, answers={}
        )


def _time_over() -> Conflict:
    return Conflict(
        _("The time for this attempt is over; it was submitted with the answers saved before."), code="time_over"
    )


def _already_closed() -> Conflict:
    return Conflict(_("This attempt is already submitted."), code="already_submitted")


def attempt_save_answers(*, attempt: TestAttempt, answers: object) -> TestAttempt:
    """Merges answers into an open attempt (a null answer clears it); past the deadline the attempt closes instead."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _lock_attempt(attempt.pk)
        if attempt.status != AttemptStatus.STARTED:
            raise _already_closed()
        deadline = _deadline(attempt, _windows(attempt.test_id, attempt.student_id))
        if not _past(deadline, now):
            merged = dict(attempt.answers)
            for number, answer in normalize_answers(_scheme(attempt.test), answers).items():
                if answer is None:
                    merged.pop(number, None)
                else:
                    merged[number] = answer
            attempt.answers = dict(sorted(merged.items(), key=lambda item: int(item[0])))
            attempt.save(update_fields=["answers"])
            return attempt
        assert deadline is not None
        _close(attempt, deadline)
    # Raised after the commit: the attempt stays closed even though the request is refused.
    raise _time_over()


def attempt_submit(*, attempt: TestAttempt) -> TestAttempt:
    """Closes the attempt exactly once and grades it; a second submit, even a simultaneous one, gets 409."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _lock_attempt(attempt.pk)
        if attempt.status != AttemptStatus.STARTED:
            raise _already_closed()
        deadline = _deadline(attempt, _windows(attempt.test_id, attempt.student_id))
        _close(attempt, deadline if deadline is not None and _past(deadline, now) else now)
        return attempt


def attempt_mark_written(*, attempt: TestAttempt, written_scores: object) -> TestAttempt:
    """The teacher's marks for written questions; once every written question has one, the attempt is graded."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _lock_attempt(attempt.pk)
        if attempt.status == AttemptStatus.STARTED:
            deadline = _deadline(attempt, _windows(attempt.test_id, attempt.student_id))
            if not _past(deadline, now):
                raise Conflict(_("The student is still working on this attempt."), code="attempt_open")
            assert deadline is not None
            _close(attempt, deadline)
        scheme = _scheme(attempt.test)
        marks = {**_written_scores(attempt), **normalize_written_scores(scheme, written_scores)}
        missing = [str(q.number) for q in scheme.written if str(q.number) not in marks]
        if missing:
            problem = _("Questions %(numbers)s still need a mark.") % {"numbers": ", ".join(missing)}
            raise DomainError(problem, code="incomplete", fields={"written_scores": [problem]})
        _settle(attempt, scheme, marks)
        return attempt
