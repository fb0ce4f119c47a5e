"""A judge worker's life as operations see it: its heartbeat in `/api/health`, and a SIGTERM while it judges.

These tests start and stop their own workers (no shared worker in this module), so each decides when one lives.
"""

import pytest
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker

from bekrin.coding.models import SubmissionStatus
from bekrin.coding.services import submission_create
from bekrin.coding.tests.factories import SUM_SOLUTION, TaskFactory
from bekrin.coding.tests.test_judging import wait_for_status

pytestmark = pytest.mark.django_db(transaction=True)

# Three cases (the factory's default) of 1.5 s each: time enough to send the signal while the first one runs.
SLOW_SOLUTION = "import time\ntime.sleep(1.5)\n" + SUM_SOLUTION
FINAL = set(SubmissionStatus) - {SubmissionStatus.PENDING, SubmissionStatus.RUNNING}


@pytest.fixture(autouse=True)
def no_worker_rows_left_by_other_modules():
    """A worker another module killed keeps its row (and a heartbeat younger than a minute) for a while."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_workers")


def judge_job(submission) -> ProcrastinateJob:
    return ProcrastinateJob.objects.get(queueing_lock=f"coding.submission:{submission.pk}")


def test_health_is_ok_while_a_worker_lives_and_names_the_judge_once_it_stopped(client, start_worker):
    worker = start_worker()
    alive = client.get("/api/health")
    assert alive.status_code == 200
    assert alive.json() == {
        "status": "ok",
        "database": "ok",
        "queue": "ok",
        "judge": "ok",
        "judge_workers": 1,
        "oldest_pending_seconds": None,
    }

    assert worker.terminate(timeout=20) == 0
    assert not ProcrastinateWorker.objects.exists()  # a clean stop deletes the worker's row at once
    stopped = client.get("/api/health")
    assert stopped.status_code == 503
    assert stopped.json()["status"] == "error"
    assert (stopped.json()["judge"], stopped.json()["judge_workers"]) == ("no workers", 0)


def test_sigterm_while_judging_lets_the_worker_finish_the_submission_then_exit(personas, start_worker):
    worker = start_worker()  # the settings' grace (10 s) outlasts the 4.5 s the submission takes
    submission = submission_create(
        student=personas.student, task=TaskFactory(created_by=personas.teacher), code=SLOW_SOLUTION
    )
    wait_for_status(submission, {SubmissionStatus.RUNNING})

    assert worker.terminate(timeout=30) == 0
    submission.refresh_from_db()  # judged before the worker exited, not later by anyone else
    assert (submission.status, submission.passed_count) == ("passed", 3)
    assert judge_job(submission).status == "succeeded"
    assert not ProcrastinateWorker.objects.exists()


def test_sigterm_past_the_grace_puts_the_submission_back_for_another_worker(personas, start_worker):
    worker = start_worker("--shutdown-graceful-timeout", "0.3")
    submission = submission_create(
        student=personas.student, task=TaskFactory(created_by=personas.teacher), code=SLOW_SOLUTION
    )
    wait_for_status(submission, {SubmissionStatus.RUNNING})

    assert worker.terminate(timeout=30) == 0
    # It stopped between cases instead of running all three: no verdict, back in the queue.
    submission.refresh_from_db()
    assert (submission.status, submission.passed_count) == ("pending", None)
    job = judge_job(submission)
    assert (job.status, job.attempts) == ("todo", 1)  # retried, not given up

    start_worker()
    judged = wait_for_status(submission, FINAL, seconds=60)
    assert (judged.status, judged.passed_count) == ("passed", 3)


def test_a_worker_judges_at_judge_nice_so_the_program_runs_at_it_too(personas, start_worker, monkeypatch):
    monkeypatch.setenv("JUDGE_NICE", "7")  # the worker's environment, as an operator sets it
    start_worker()
    task = TaskFactory(created_by=personas.teacher, cases=[("", "7\n", None)])
    submission = submission_create(
        student=personas.student, task=task, code="import os\nprint(os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    wait_for_status(submission, FINAL)
    assert (submission.status, submission.error_message) == ("passed", None)
