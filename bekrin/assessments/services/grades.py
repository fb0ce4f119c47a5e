"""Locks, shared reads and the stored grades (results, regrades): what the other service modules build on. The
scores themselves are computed by bekrin/assessments/scoring.py, which knows no database.

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

from django.db import connection
from django.utils import timezone

from bekrin.assessments.models import AttemptStatus, Test, TestAnswerKey, TestAttempt, TestResult
from bekrin.assessments.scoring import Grade, Scheme, build_scheme, grade
from bekrin.assessments.selectors import result_groups, windows_by_test
from bekrin.assessments.windows import Window, attempt_deadline

# An autosave sent in the last second before the deadline still counts: network latency is not the student's fault.
DEADLINE_GRACE = timedelta(seconds=10)
CLOSED_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.GRADED)


@dataclass(frozen=True)
class Regrade:
    attempts: int  # submitted and graded attempts graded again
    scores_changed: int  # of those, how many now have a different score


NO_REGRADE = Regrade(attempts=0, scores_changed=0)


# --- locks and shared reads -----------------------------------------------------------------------------------


def lock_test_for_change(test_id: int) -> Test:
    return Test.all_objects.select_for_update(no_key=True).get(pk=test_id)


def _lock_test_for_grading(test_id: int) -> None:
    with connection.cursor() as cursor:
        # Django has no select_for_share(); the table name is the model's constant, the id a parameter.
        cursor.execute(f'SELECT 1 FROM "{Test._meta.db_table}" WHERE id = %s FOR SHARE', [test_id])  # noqa: S608


def lock_attempt(attempt_id: int) -> TestAttempt:
    """The attempt, row-locked, with its test; the test is share-locked first (the fixed lock order)."""
    test_id = TestAttempt.objects.values_list("test_id", flat=True).get(pk=attempt_id)
    _lock_test_for_grading(test_id)
    return TestAttempt.objects.select_for_update(of=("self",)).select_related("test").get(pk=attempt_id)


def answer_key(test: Test) -> TestAnswerKey | None:
    return TestAnswerKey.objects.filter(test_id=test.pk).first()


def scheme_of(test: Test, key: TestAnswerKey | None = None) -> Scheme:
    key = key or answer_key(test)
    return build_scheme(test.config, key.mcq_answers if key else {}, key.numeric_answers if key else {})


def windows_of(test_id: int, student_id: int) -> list[Window]:
    return windows_by_test(student_id, [test_id]).get(test_id, [])


def deadline_of(attempt: TestAttempt, windows: list[Window]) -> datetime | None:
    limit = (attempt.test.config or {}).get("time_limit_minutes")
    return attempt_deadline(started_at=attempt.started_at, time_limit_minutes=limit, windows=windows)


def is_past(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline + DEADLINE_GRACE


def written_scores_of(attempt: TestAttempt) -> dict[str, str]:
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


def settle(attempt: TestAttempt, scheme: Scheme, written: dict[str, str]) -> Grade:
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


def close_attempt(attempt: TestAttempt, at: datetime) -> None:
    """Ends a started attempt (the caller holds its lock) and grades what it has."""
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = at
    settle(attempt, scheme_of(attempt.test), {})


def regrade(test: Test) -> Regrade:
    """Grades every closed attempt of the test again and writes only what changed, in a fixed number of queries;
    the caller holds the test FOR NO KEY UPDATE, so no submit grades with the old scheme meanwhile."""
    scheme = scheme_of(test)
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
