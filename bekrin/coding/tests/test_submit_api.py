"""Submitting code: saved first, judged by a real worker process in the real sandbox, the verdict read back."""

import time
from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from bekrin.coding.models import CodingProgress, CodingSubmission
from bekrin.coding.tests.factories import SUM_SOLUTION, SubmissionFactory, TaskFactory
from bekrin.testing.concurrency import run_in_parallel
from conftest import client_for

TASKS = "/api/student/coding/tasks"
worker_test = pytest.mark.django_db(transaction=True)


def submit(client, task, code):
    return client.post(f"{TASKS}/{task.pk}/submissions", {"code": code}, format="json")


@worker_test
def test_a_correct_program_gets_201_with_the_verdict_and_solves_the_task(personas, api_client_for, judge_worker):
    task = TaskFactory(created_by=personas.teacher, points=10)
    response = submit(api_client_for(personas.student), task, SUM_SOLUTION)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["passed_count"], body["failed_count"], body["attempt_no"]) == ("passed", 3, 0, 1)
    assert body["error_message"] is None
    assert body["runtime_ms"] is not None
    progress = CodingProgress.objects.get(student_profile_id=personas.student.pk, exercise=task)
    assert (progress.status, progress.score) == ("solved", 10)
    assert progress.solved_at == CodingSubmission.objects.get(pk=body["id"]).created_at


@worker_test
def test_a_wrong_answer_on_the_example_shows_its_input_expected_and_actual_output(
    personas, api_client_for, judge_worker
):
    task = TaskFactory(created_by=personas.teacher, points=10)
    response = submit(api_client_for(personas.student), task, "a, b = map(int, input().split())\nprint(a * b)\n")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["passed_count"], body["failed_count"], body["total_count"]) == ("failed", 0, 3, 3)
    message = body["error_message"]
    assert "2 3" in message and "5" in message and "6" in message  # input, expected, what it printed
    progress = CodingProgress.objects.get(student_profile_id=personas.student.pk, exercise=task)
    assert (progress.status, progress.score) == ("attempted", 0)


@worker_test
def test_attempt_numbers_count_up_per_student_and_task(personas, api_client_for, judge_worker):
    task, other_task = TaskFactory(created_by=personas.teacher), TaskFactory(created_by=personas.teacher)
    student = api_client_for(personas.student)
    assert [submit(student, task, "print(1)").json()["attempt_no"] for _ in range(3)] == [1, 2, 3]
    assert submit(student, other_task, "print(1)").json()["attempt_no"] == 1
    assert submit(api_client_for(personas.other_student), task, "print(1)").json()["attempt_no"] == 1


@worker_test
def test_the_program_runs_in_the_sandbox_not_on_the_server(personas, api_client_for, judge_worker):
    task = TaskFactory(created_by=personas.teacher, cases=[("", "root\n", "the first user")])
    # On the server this prints root's line; in the sandbox there is no /etc at all.
    code = "print(open('/etc/passwd').read().split(':')[0])\n"
    body = submit(api_client_for(personas.student), task, code).json()
    assert body["status"] == "error"
    assert "No such file" in body["error_message"] or "FileNotFoundError" in body["error_message"]


@worker_test
def test_a_verdict_not_ready_in_time_is_a_202_and_the_client_polls_for_it(
    personas, api_client_for, judge_worker, settings
):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0.2
    task = TaskFactory(created_by=personas.teacher)
    slow = "import time\ntime.sleep(0.8)\n" + SUM_SOLUTION
    client = api_client_for(personas.student)
    response = submit(client, task, slow)
    assert response.status_code == 202
    assert response.json()["status"] in ("pending", "running")
    url = f"/api/student/coding/submissions/{response.json()['id']}"
    deadline = time.monotonic() + 20
    while client.get(url).json()["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert client.get(url).json()["status"] == "passed"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "   \n\t", "print(1)\u0000"])
def test_empty_code_and_nul_bytes_are_refused(personas, api_client_for, code):
    task = TaskFactory(created_by=personas.teacher)
    response = submit(api_client_for(personas.student), task, code)
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"code"}
    assert not CodingSubmission.objects.exists()


@pytest.mark.django_db
def test_a_body_without_code_is_refused(personas, api_client_for):
    task = TaskFactory(created_by=personas.teacher)
    response = api_client_for(personas.student).post(f"{TASKS}/{task.pk}/submissions", {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"code"}


@pytest.mark.django_db
def test_code_over_64_kb_is_413_and_64_kb_is_accepted(personas, api_client_for, settings):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.student)
    too_large = submit(client, task, "#" * (65 * 1024))
    assert too_large.status_code == 413
    assert too_large.json()["error"]["code"] == "too_large"
    assert too_large.json()["error"]["fields"].keys() == {"code"}
    # 64 KB in bytes: "ə" takes two of them in UTF-8.
    assert submit(client, task, "#" + "ə" * (32 * 1024) + "\n").status_code == 413
    assert submit(client, task, "#" * (64 * 1024 - 1) + "\n").status_code == 202


@pytest.mark.django_db
def test_an_unknown_task_is_404(personas, api_client_for):
    assert submit(api_client_for(personas.student), type("Task", (), {"pk": 987654321}), "print(1)").status_code == 404


@pytest.mark.django_db
def test_the_eleventh_submission_within_a_minute_is_throttled(personas, api_client_for, settings):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    task = TaskFactory(created_by=personas.teacher)
    old = SubmissionFactory.create_batch(5, task=task, student=personas.student)
    CodingSubmission.objects.filter(pk__in=[row.pk for row in old]).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    client = api_client_for(personas.student)
    assert [submit(client, task, "print(1)").status_code for _ in range(10)] == [202] * 10
    throttled = submit(client, task, "print(1)")
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    # Another student has their own budget.
    assert submit(api_client_for(personas.other_student), task, "print(1)").status_code == 202


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_of_one_student_respect_the_limit_and_number_attempts_uniquely(personas, settings):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    task = TaskFactory(created_by=personas.teacher)
    clients = [client_for(personas.student) for _ in range(14)]  # tokens committed before the threads start

    def send(client) -> int:
        return submit(client, task, "print(1)").status_code

    statuses = run_in_parallel([partial(send, client) for client in clients])
    # The module's worker may judge `print(1)` before the submit reads it back: 201 then, 202 otherwise.
    outcomes = Counter(
        "throttled" if status == 429 else "accepted" if status in (201, 202) else status for status in statuses
    )
    assert outcomes == {"accepted": 10, "throttled": 4}
    attempts = sorted(CodingSubmission.objects.filter(task=task).values_list("attempt_no", flat=True))
    assert attempts == list(range(1, 11))


@pytest.mark.django_db
def test_a_submission_and_its_judge_job_are_saved_together_and_a_queue_failure_keeps_the_submission(
    personas, api_client_for, settings, monkeypatch
):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.student)
    queued = submit(client, task, SUM_SOLUTION)
    assert queued.status_code == 202
    lock = f"coding.submission:{queued.json()['id']}"
    assert ProcrastinateJob.objects.filter(queueing_lock=lock, status="todo").count() == 1

    def queue_down(*args, **kwargs):
        with connection.cursor() as cursor:  # the job's insert failing inside the transaction, as a real one would
            cursor.execute("SELECT 1/0")

    monkeypatch.setattr("bekrin.coding.services.judging.queue_judging", queue_down)
    kept = submit(client, task, SUM_SOLUTION)
    assert kept.status_code == 202
    row = CodingSubmission.objects.get(pk=kept.json()["id"])
    assert (row.status, row.attempt_no) == ("pending", 2)
    assert not ProcrastinateJob.objects.filter(queueing_lock=f"coding.submission:{row.pk}").exists()
