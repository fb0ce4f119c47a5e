"""The judge's queue jobs (procrastinate, found by its autodiscovery of `tasks` modules). Workers run them:
`manage.py procrastinate worker`, never the web process.

Fairness between students. One student's backlog must never hold back another student's submission by more
than one submission's time, however many workers run:
- Each submission has a budget for all its cases together (JUDGE_SUBMISSION_WALL_MS / _CPU_MS, judge.Budget) and
  stops at its first failed hidden case, so "one submission's time" is bounded: its budget plus one case.
- Every judge job carries its student's procrastinate `lock` (`coding.student:<id>`): procrastinate never starts
  a job while another job with the same lock is `doing`, so a student has at most one submission being judged
  and the other workers stay free for everyone else. (A retried job waiting for its turn also holds its
  student's later jobs back; only that student waits.)
- A job's priority is its kind's (a fresh submission above a rejudge) minus the number of that student's
  unjudged submissions queued before it, and procrastinate takes the highest priority first, oldest first among
  equals. So a student's first waiting submission goes before anyone's second: with one worker, ten queued
  submissions of one student and then one of another, the other's runs right after the one in hand.

What happens when something dies:
- The judge or the database fails inside a job: the exception is one of RETRIED_ON, so procrastinate schedules
  the job again with a growing wait, up to JUDGE_ATTEMPTS times. The submission went back to `pending` first.
- A worker process dies (killed, machine lost): its job stays `doing` and its heartbeat stops. Every minute the
  `retry_stalled_jobs` job of any live worker finds the jobs of workers silent for STALLED_AFTER_SECONDS and puts
  them back in the queue. The submission is still `running`, but the dead worker's database session has ended and
  with it the advisory lock, so the next claim takes it over (see bekrin.coding.services.judging).
- A worker is asked to stop (SIGTERM, Ctrl-C): procrastinate stops taking jobs and waits for the one in hand up
  to its `shutdown_graceful_timeout` (PROCRASTINATE_WORKER_DEFAULTS in config/settings.py). A sync job cannot be
  cancelled, so after that wait procrastinate only marks it to abort; the judge asks `should_abort()` before each
  test case and stops, the submission goes back to `pending`, and the job ends `aborted` with a retry, so another
  (or the restarted) worker judges it. A second signal kills the worker at once: the case above.
- A defer was lost (the web process died between the commit and the defer) or a job gave up: every minute
  `requeue_forgotten_submissions` queues again the unjudged submissions that have no job.
"""

import os
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import JobAborted

from bekrin.coding.services import (
    IMPORT_TASK,
    JUDGE_QUEUE,
    JUDGE_TASK,
    SubmissionBusy,
    import_run,
    submission_judge,
    submissions_requeue_forgotten,
)
from judge import JudgeFailure, JudgeStopped, SandboxUnavailable

JUDGE_ATTEMPTS = 8
# procrastinate consults the retry strategy for JobAborted only when the abort comes from the worker's shutdown.
RETRIED_ON = [SubmissionBusy, JudgeFailure, SandboxUnavailable, OperationalError, InterfaceError, JobAborted]
# procrastinate's defaults: a worker writes its heartbeat every 10 s and counts as stalled after 30 s of silence.
STALLED_AFTER_SECONDS = 30.0
FORGOTTEN_AFTER = timedelta(minutes=1)


def judging_priority_lowered() -> None:
    """Run this job's thread at JUDGE_NICE, so the sandboxes it starts inherit it and a burst of judging leaves
    the CPU to the web server first. Niceness belongs to a thread on Linux (the job's, which starts the sandbox),
    and it is set, not added, so the thread a later job reuses stays at JUDGE_NICE."""
    if os.getpriority(os.PRIO_PROCESS, 0) < settings.JUDGE_NICE:
        os.setpriority(os.PRIO_PROCESS, 0, settings.JUDGE_NICE)


@app.task(
    name=JUDGE_TASK,
    queue=JUDGE_QUEUE,
    pass_context=True,
    # Waits 3, 5, 9, 17, 33, 65, 129 s: enough for a busy submission's other worker to finish.
    retry=RetryStrategy(max_attempts=JUDGE_ATTEMPTS, wait=1, exponential_wait=2, retry_exceptions=RETRIED_ON),
)
def judge_submission(context: JobContext, submission_id: int) -> None:
    judging_priority_lowered()
    try:
        # `attempts` counts the runs before this one.
        submission_judge(
            submission_id=submission_id,
            last_attempt=context.job.attempts + 1 >= JUDGE_ATTEMPTS,
            should_stop=context.should_abort,
        )
    except JudgeStopped as stopped:
        raise JobAborted(f"submission {submission_id}: {stopped}") from stopped


@app.task(
    name=IMPORT_TASK,
    queue=JUDGE_QUEUE,
    # A database hiccup; a dead worker's import comes back through retry_stalled_jobs like a submission.
    retry=RetryStrategy(max_attempts=JUDGE_ATTEMPTS, wait=1, exponential_wait=2, retry_exceptions=RETRIED_ON),
)
def import_tasks(import_id: int) -> None:
    """A task import's reference solutions and writes (bekrin.coding.services.importing)."""
    judging_priority_lowered()
    import_run(import_id=import_id)


async def stalled_jobs_retry(*, seconds_since_heartbeat: float = STALLED_AFTER_SECONDS) -> int:
    """Put the jobs of workers without a recent heartbeat back in the queue; returns how many."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat))
    for job in stalled:
        await app.job_manager.retry_job(job)
    return len(stalled)


@app.periodic(cron="* * * * *")
@app.task(name="coding.retry_stalled_jobs", queue=JUDGE_QUEUE, queueing_lock="coding.retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> None:
    await stalled_jobs_retry()


@app.periodic(cron="* * * * *")
@app.task(name="coding.requeue_forgotten_submissions", queue=JUDGE_QUEUE, queueing_lock="coding.requeue_forgotten")
def requeue_forgotten_submissions(timestamp: int) -> None:
    submissions_requeue_forgotten(older_than=FORGOTTEN_AFTER)
