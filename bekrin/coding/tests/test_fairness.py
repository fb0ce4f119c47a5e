"""Judging fairly: a submission's budget across its cases, the stop at a failed hidden case, and
a queue where one student's backlog does not hold back another student's submission. And a task import's
reference solutions run in a worker, within a budget enforced case by case.

The queue tests start their own workers (no shared worker in this module), so each decides how many run.
"""

import time

import pytest
from django.utils import translation

from bekrin.coding.models import CodingTask, SubmissionStatus
from bekrin.coding.services import submission_create, submission_judge
from bekrin.coding.tests.factories import SUM_SOLUTION, TaskFactory
from bekrin.coding.tests.test_judging import pending, wait_for_status

FINAL = set(SubmissionStatus) - {SubmissionStatus.PENDING, SubmissionStatus.RUNNING}
# Passes every case, slowly: three cases (the factory's default) of 1.2 s of sleep, no CPU.
SLOW_SOLUTION = "import time\ntime.sleep(1.2)\n" + SUM_SOLUTION
# One visible example, then five hidden cases; the wrong solution fails the second hidden one (2 2).
SIX_CASES = [("2 3\n", "5\n", "2 + 3 = 5"), *((f"{n} {n}\n", f"{2 * n}\n", None) for n in range(1, 6))]
WRONG_ON_2_2 = "a, b = map(int, input().split())\nprint(a + b + (a == b == 2))\n"


@pytest.mark.django_db
def test_a_submission_sleeping_on_every_case_stops_when_its_budget_is_spent_and_says_so(personas, settings):
    settings.JUDGE_SUBMISSION_BUDGET = {"wall_ms": 1000, "cpu_ms": 5000}
    task = TaskFactory(created_by=personas.teacher, cases=SIX_CASES)
    submission = pending(task, personas.student, code="import time\ntime.sleep(0.4)\n" + SUM_SOLUTION)
    with translation.override("en"):
        assert submission_judge(submission_id=submission.pk) is True
    submission.refresh_from_db()
    run = submission.passed_count  # 3 × 0.4 s spend the budget; fewer on a loaded machine
    assert submission.status == "timeout" and run in (1, 2, 3)
    assert submission.failed_count == 6 - run
    assert f"Judging stopped after test case {run} of 6: {run} passed, 0 failed, {6 - run} not run" in (
        submission.error_message or ""
    )


@pytest.mark.django_db
def test_the_first_failed_hidden_case_ends_the_judging_and_the_message_counts_what_ran(personas):
    task = TaskFactory(created_by=personas.teacher, cases=SIX_CASES)
    submission = pending(task, personas.student, code=WRONG_ON_2_2)
    with translation.override("en"):
        submission_judge(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.passed_count, submission.failed_count) == ("failed", 2, 4)
    assert submission.error_message == (
        "Wrong answer on test case 3.\n\n"
        "Judging stopped after test case 3 of 6: 2 passed, 1 failed, 3 not run (they count as not passed)."
    )


def _wait_until_running(submission, seconds=20):
    return wait_for_status(submission, {SubmissionStatus.RUNNING} | FINAL, seconds=seconds)


@pytest.mark.django_db(transaction=True)
def test_with_one_worker_another_students_submission_goes_right_after_the_one_in_hand(personas, start_worker):
    start_worker()
    task = TaskFactory(created_by=personas.teacher)
    backlog = [submission_create(student=personas.student, task=task, code=SLOW_SOLUTION) for _ in range(3)]
    _wait_until_running(backlog[0])
    theirs = submission_create(student=personas.other_student, task=task, code=SUM_SOLUTION)
    wait_for_status(theirs, FINAL)
    for submission in backlog[1:]:
        submission.refresh_from_db()
    assert theirs.status == "passed"
    assert [submission.status for submission in backlog[1:]] in (["pending", "pending"], ["running", "pending"])


@pytest.mark.django_db(transaction=True)
def test_with_two_workers_one_students_backlog_takes_one_and_leaves_the_other_to_everyone_else(personas, start_worker):
    start_worker()
    start_worker()
    task = TaskFactory(created_by=personas.teacher)
    backlog = [submission_create(student=personas.student, task=task, code=SLOW_SOLUTION) for _ in range(3)]
    _wait_until_running(backlog[0])
    time.sleep(0.5)  # time enough for the second worker to take another of them, if it could
    running = [submission for submission in backlog if _refreshed(submission).status == "running"]
    assert len(running) == 1, "one student has at most one submission being judged"

    started = time.monotonic()
    theirs = submission_create(student=personas.other_student, task=task, code=SUM_SOLUTION)
    wait_for_status(theirs, FINAL)
    assert theirs.status == "passed"
    assert time.monotonic() - started < 2, "the free worker judges the other student's submission at once"


def _refreshed(submission):
    submission.refresh_from_db()
    return submission


@pytest.mark.django_db(transaction=True)
def test_a_reference_solution_slow_on_every_case_stops_at_the_import_budget_in_the_worker(
    personas, api_client_for, start_worker, monkeypatch
):
    """One task, 23 cases of 0.5 s: 11.5 s in all, against a budget of 2 s. The budget is the worker's setting (this
    process keeps 60 s), so the refusal also shows that the worker ran the solution."""
    monkeypatch.setenv("JUDGE_IMPORT_BUDGET_SECONDS", "2")
    start_worker()
    task = {
        "title": "Yavaş",
        "description": "Cəm.",
        "difficulty": "easy",
        "test_cases": [{"input": f"{n} {n}\n", "expected": f"{2 * n}\n"} for n in range(23)],
        "reference_solution": "import time\ntime.sleep(0.5)\n" + SUM_SOLUTION,
    }
    started = time.monotonic()
    response = api_client_for(personas.teacher).post("/api/teacher/coding/import", {"tasks": [task]}, format="json")
    assert time.monotonic() - started < 9, "all 23 cases would have taken 11.5 s and more"
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "reference_solutions_too_slow"
    assert not CodingTask.objects.exists()
