"""The worker side: claims, takeovers, recovery from a killed worker, requeueing and progress.

This module runs no shared worker: the tests call the judging service the way a worker does, or start and kill
their own worker processes.
"""

import threading
import time
from datetime import timedelta

import psycopg
import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from bekrin.coding.models import CodingProgress, CodingSubmission, CodingTask, ProgressStatus, SubmissionStatus
from bekrin.coding.services import (
    SubmissionBusy,
    progress_recompute,
    submission_create,
    submission_judge,
    submissions_requeue_forgotten,
    task_rejudge,
)
from bekrin.coding.tasks import stalled_jobs_retry
from bekrin.coding.tests.factories import SUM_SOLUTION, SubmissionFactory, TaskFactory
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.server import database_url_of_this_run

concurrent = pytest.mark.django_db(transaction=True)


def pending(task, student, code=SUM_SOLUTION):
    return SubmissionFactory(
        task=task, student=student, submitted_code=code, status="pending", passed_count=None, failed_count=None
    )


def wait_for_status(submission, statuses, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.status in statuses:
            return submission
        time.sleep(0.05)
    raise AssertionError(f"submission {submission.pk} stayed {submission.status}")


@concurrent
def test_two_workers_claiming_one_submission_at_once_judge_it_once(personas):
    submission = pending(TaskFactory(created_by=personas.teacher), personas.student)

    def claim() -> bool | str:
        try:
            return submission_judge(submission_id=submission.pk)
        except SubmissionBusy:
            return "busy"

    outcomes = run_in_parallel([claim, claim])
    # The other one either found it locked or, coming later, already judged.
    assert outcomes.count(True) == 1
    assert [outcome for outcome in outcomes if outcome is not True] in (["busy"], [False])
    submission.refresh_from_db()
    assert (submission.status, submission.passed_count) == ("passed", 3)


@pytest.mark.django_db
def test_a_judged_submission_is_not_judged_again(personas):
    submission = SubmissionFactory(task=TaskFactory(created_by=personas.teacher), student=personas.student)
    assert submission_judge(submission_id=submission.pk) is False
    assert submission_judge(submission_id=987654321) is False


@pytest.mark.django_db
def test_a_running_submission_nobody_holds_is_taken_over(personas):
    """`running` with no live lock holder: the worker that claimed it is gone."""
    submission = pending(TaskFactory(created_by=personas.teacher), personas.student)
    CodingSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RUNNING)
    assert submission_judge(submission_id=submission.pk) is True
    submission.refresh_from_db()
    assert submission.status == "passed"


@concurrent
def test_a_submission_a_live_worker_holds_is_busy_and_left_alone(personas):
    submission = pending(TaskFactory(created_by=personas.teacher), personas.student)
    CodingSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RUNNING)
    with psycopg.connect(database_url_of_this_run(), autocommit=True) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"coding.submission:{submission.pk}"])
        with pytest.raises(SubmissionBusy):
            submission_judge(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.status == "running"


@concurrent
def test_a_rejudge_during_judging_drops_the_stale_verdict(personas):
    task = TaskFactory(created_by=personas.teacher)
    submission = pending(task, personas.student, code="import time\ntime.sleep(0.5)\n" + SUM_SOLUTION)
    outcome = []

    def judge_it():
        try:
            outcome.append(submission_judge(submission_id=submission.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=judge_it)
    thread.start()
    wait_for_status(submission, {SubmissionStatus.RUNNING})
    task_rejudge(task_id=task.pk)  # the test cases changed while it ran
    thread.join()
    assert outcome == [False]
    submission.refresh_from_db()
    assert (submission.status, submission.passed_count) == ("pending", None)
    assert ProcrastinateJob.objects.filter(queueing_lock=f"coding.submission:{submission.pk}", status="todo").exists()


@concurrent
def test_a_worker_killed_while_judging_is_recovered_by_another_worker(personas, start_worker):
    first = start_worker()
    task = TaskFactory(created_by=personas.teacher)
    slow = "import time\ntime.sleep(1.5)\n" + SUM_SOLUTION  # 3 cases: 4.5 s, time enough to kill it
    submission = submission_create(student=personas.student, task=task, code=slow)
    wait_for_status(submission, {SubmissionStatus.RUNNING})
    first.kill()
    job = ProcrastinateJob.objects.get(queueing_lock=f"coding.submission:{submission.pk}")
    assert (job.status, job.worker_id) == ("doing", first.worker_id)

    start_worker()
    time.sleep(1.5)  # the killed worker's last heartbeat is now older than the threshold below
    assert async_to_sync(stalled_jobs_retry)(seconds_since_heartbeat=1) >= 1
    judged = wait_for_status(submission, {SubmissionStatus.PASSED, SubmissionStatus.FAILED, SubmissionStatus.ERROR})
    assert (judged.status, judged.passed_count) == ("passed", 3)
    assert CodingProgress.objects.get(exercise=task).status == ProgressStatus.SOLVED


@pytest.mark.django_db
def test_unjudged_submissions_without_a_job_are_queued_again(personas):
    task = TaskFactory(created_by=personas.teacher)
    lost = pending(task, personas.student)
    recent = pending(task, personas.student)
    CodingSubmission.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert submissions_requeue_forgotten(older_than=timedelta(minutes=1)) == 1
    job = ProcrastinateJob.objects.get(queueing_lock=f"coding.submission:{lost.pk}")
    assert (job.task_name, job.status, job.args) == ("coding.judge_submission", "todo", {"submission_id": lost.pk})
    assert not ProcrastinateJob.objects.filter(queueing_lock=f"coding.submission:{recent.pk}").exists()
    assert submissions_requeue_forgotten(older_than=timedelta(minutes=1)) == 0  # its job is waiting now


@pytest.mark.django_db
def test_progress_keeps_the_best_score_and_the_first_solve(personas):
    task = TaskFactory(created_by=personas.teacher, points=30)
    student = personas.student
    SubmissionFactory(task=task, student=student, status="failed", passed_count=1, failed_count=2)
    progress = progress_recompute(student_id=student.pk, task_id=task.pk)
    assert (progress.status, progress.score, progress.solved_at) == ("attempted", 10, None)
    first_pass = SubmissionFactory(task=task, student=student)
    SubmissionFactory(task=task, student=student)
    SubmissionFactory(task=task, student=student, status="error", passed_count=0, failed_count=3)
    progress = progress_recompute(student_id=student.pk, task_id=task.pk)
    assert (progress.status, progress.score, progress.solved_at) == ("solved", 30, first_pass.created_at)
    assert CodingProgress.objects.filter(exercise=task).count() == 1


@pytest.mark.django_db
def test_a_task_without_test_cases_gets_an_error_verdict_not_a_pass(personas):
    submission = pending(TaskFactory(created_by=personas.teacher, cases=[]), personas.student)
    assert submission_judge(submission_id=submission.pk) is True
    submission.refresh_from_db()
    assert submission.status == "error"


@pytest.mark.django_db
def test_a_verdict_the_database_refuses_ends_as_an_error_instead_of_coming_back_for_ever(personas):
    """A task's points set before they were capped: the score overflows coding_progress.score (numeric(7,2))."""
    task = TaskFactory(created_by=personas.teacher)
    CodingTask.objects.filter(pk=task.pk).update(points=1_000_000)
    submission = pending(task, personas.student)
    assert submission_judge(submission_id=submission.pk) is True
    submission.refresh_from_db()
    assert (submission.status, submission.passed_count, submission.failed_count) == ("error", 0, 3)
    assert submission.error_message
    assert submissions_requeue_forgotten(older_than=timedelta(0)) == 0
