"""Waiting for a verdict (bekrin/coding/verdicts.py): woken by the worker's NOTIFY at commit, by the safety re-read
when a notification is lost, bounded by the waiting slots, and the long poll of a submission. Real PostgreSQL,
real threads, and for the end-to-end ones a real judge worker."""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from bekrin.coding import verdicts
from bekrin.coding.models import CodingSubmission, SubmissionStatus
from bekrin.coding.tests.factories import SUM_SOLUTION, SubmissionFactory, TaskFactory
from bekrin.testing.server import database_url_of_this_run

committing = pytest.mark.django_db(transaction=True)
SUBMISSIONS = "/api/student/coding/submissions"
# Longer than any test here runs: a waiter that wakes before it was woken by a notification.
NEVER = 60.0


class Waiter:
    """`verdicts.wait_for` on a submission in a thread of its own (with its own connection), counting its reads."""

    def __init__(self, submission_id: int, *, seconds: float) -> None:
        self.submission_id = submission_id
        self.reads: list[float] = []
        self.first_read = threading.Event()
        self.result: bool | None = None
        self.thread = threading.Thread(target=self._wait, args=(seconds,))
        self.thread.start()
        assert self.first_read.wait(10), "the waiter never read its row"

    def _is_final(self) -> bool:
        self.reads.append(time.monotonic())
        status = CodingSubmission.objects.values_list("status", flat=True).get(pk=self.submission_id)
        self.first_read.set()
        return status in (SubmissionStatus.PASSED, SubmissionStatus.FAILED, SubmissionStatus.ERROR)

    def _wait(self, seconds: float) -> None:
        try:
            self.result = verdicts.wait_for(
                verdicts.SUBMISSION_JUDGED, self.submission_id, self._is_final, seconds=seconds
            )
        finally:
            connection.close()

    def join(self, timeout: float = 20) -> bool | None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the waiter is still waiting"
        return self.result


def pending_submission(**fields) -> CodingSubmission:
    return SubmissionFactory(
        status=SubmissionStatus.PENDING, passed_count=None, failed_count=None, runtime_ms=None, **fields
    )


def judge_it(submission: CodingSubmission, *, announced: bool = True) -> None:
    """What the worker's verdict write does: the final status and, in the same transaction, the announcement."""
    with transaction.atomic():
        CodingSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.PASSED, passed_count=3)
        if announced:
            verdicts.announce(verdicts.SUBMISSION_JUDGED, submission.pk)


@committing
def test_a_waiter_wakes_on_the_notification_sent_with_the_commit(monkeypatch):
    monkeypatch.setattr(verdicts, "SAFETY_READ_SECONDS", NEVER)
    submission = pending_submission()
    waiter = Waiter(submission.pk, seconds=NEVER)
    judge_it(submission)
    assert waiter.join() is True
    assert len(waiter.reads) == 2  # the first read, then the one the notification woke


@committing
def test_a_missed_notification_is_caught_by_the_safety_reread(monkeypatch):
    monkeypatch.setattr(verdicts, "SAFETY_READ_SECONDS", 0.2)
    submission = pending_submission()
    waiter = Waiter(submission.pk, seconds=NEVER)
    judge_it(submission, announced=False)
    assert waiter.join() is True
    assert len(waiter.reads) >= 2


@committing
def test_a_waiter_gives_up_at_its_deadline_after_a_last_read(monkeypatch):
    monkeypatch.setattr(verdicts, "SAFETY_READ_SECONDS", 0.2)
    submission = pending_submission()
    started = time.monotonic()
    waiter = Waiter(submission.pk, seconds=0.7)
    assert waiter.join() is False
    assert waiter.reads[-1] - started >= 0.7  # the last read is at the deadline, not the last re-read before it
    assert len(waiter.reads) >= 4
    assert verdicts.waiting_requests() == 0


@committing
def test_the_listener_reconnects_after_its_connection_is_terminated(monkeypatch):
    monkeypatch.setattr(verdicts, "SAFETY_READ_SECONDS", NEVER)
    ears = verdicts.listener()
    assert ears.listening.wait(10)
    old_pid = ears.backend_pid
    with psycopg.connect(database_url_of_this_run(), autocommit=True) as c:
        c.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    deadline = time.monotonic() + 10
    while not (ears.listening.is_set() and ears.backend_pid != old_pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ears.backend_pid != old_pid and ears.listening.is_set()
    submission = pending_submission()
    waiter = Waiter(submission.pk, seconds=NEVER)
    judge_it(submission)
    assert waiter.join() is True
    assert len(waiter.reads) == 2


@committing
def test_beyond_the_waiting_slots_a_submit_answers_202_at_once(personas, api_client_for, settings):
    settings.JUDGE_WAITING_REQUESTS = 1
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 10
    holder = Waiter(pending_submission(task=TaskFactory(created_by=personas.teacher)).pk, seconds=NEVER)
    assert verdicts.waiting_requests() == 1
    task = TaskFactory(created_by=personas.teacher)
    started = time.monotonic()
    response = api_client_for(personas.student).post(
        f"/api/student/coding/tasks/{task.pk}/submissions", {"code": SUM_SOLUTION}, format="json"
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"
    assert elapsed < settings.JUDGE_SUBMIT_WAIT_SECONDS / 2  # it did not wait for a verdict no worker gives
    judge_it(CodingSubmission.objects.get(pk=holder.submission_id))
    assert holder.join() is True


@committing
def test_the_long_poll_of_a_judged_submission_answers_at_once(personas, api_client_for):
    submission = SubmissionFactory(student=personas.student, task=TaskFactory(created_by=personas.teacher))
    started = time.monotonic()
    response = api_client_for(personas.student).get(f"{SUBMISSIONS}/{submission.pk}?wait=25")
    assert response.status_code == 200
    assert response.json()["status"] == "passed"
    assert time.monotonic() - started < 5
    assert verdicts.waiting_requests() == 0


@committing
def test_the_long_poll_of_a_pending_submission_answers_with_the_verdict_when_it_commits(
    personas, api_client_for, monkeypatch
):
    monkeypatch.setattr(verdicts, "SAFETY_READ_SECONDS", NEVER)
    submission = pending_submission(student=personas.student, task=TaskFactory(created_by=personas.teacher))
    answers: list = []

    def poll() -> None:
        try:
            answers.append(api_client_for(personas.student).get(f"{SUBMISSIONS}/{submission.pk}?wait=20"))
        finally:
            connection.close()

    poller = threading.Thread(target=poll)
    poller.start()
    deadline = time.monotonic() + 10
    while verdicts.waiting_requests() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert answers == []  # still waiting
    judge_it(submission)
    poller.join(15)
    assert not poller.is_alive()
    assert answers[0].status_code == 200
    assert answers[0].json()["status"] == "passed"


@committing
def test_the_long_poll_answers_the_pending_row_when_the_time_runs_out(personas, api_client_for):
    submission = pending_submission(student=personas.student, task=TaskFactory(created_by=personas.teacher))
    response = api_client_for(personas.student).get(f"{SUBMISSIONS}/{submission.pk}?wait=1")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"


@committing
def test_a_long_poll_is_held_no_longer_than_the_server_allows(personas, api_client_for, settings):
    settings.JUDGE_LONG_POLL_SECONDS = 0
    submission = pending_submission(student=personas.student, task=TaskFactory(created_by=personas.teacher))
    started = time.monotonic()
    response = api_client_for(personas.student).get(f"{SUBMISSIONS}/{submission.pk}?wait=25")
    assert response.status_code == 200
    assert time.monotonic() - started < 5


@pytest.mark.django_db
@pytest.mark.parametrize("wait", ["abc", "5.0", "-1", "26", "1e1", " 5", "99999999999"])
def test_a_wait_that_is_not_a_whole_number_of_seconds_from_0_to_25_is_a_400(personas, api_client_for, wait):
    submission = SubmissionFactory(student=personas.student, task=TaskFactory(created_by=personas.teacher))
    response = api_client_for(personas.student).get(f"{SUBMISSIONS}/{submission.pk}", {"wait": wait})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "wait" in error["fields"]


@pytest.mark.django_db
def test_another_students_submission_is_a_404_with_or_without_wait(personas, api_client_for):
    theirs = pending_submission(student=personas.other_student, task=TaskFactory(created_by=personas.teacher))
    client = api_client_for(personas.student)
    assert client.get(f"{SUBMISSIONS}/{theirs.pk}?wait=5").status_code == 404


@committing
def test_a_real_worker_announces_its_verdict_to_the_long_poll(
    personas, api_client_for, judge_worker, settings, monkeypatch
):
    monkeypatch.setattr(verdicts, "SAFETY_READ_SECONDS", NEVER)
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.student)
    assert verdicts.listener().listening.wait(10)  # listening before the verdict can land
    slow = "import time\ntime.sleep(1)\n" + SUM_SOLUTION
    submitted = client.post(f"/api/student/coding/tasks/{task.pk}/submissions", {"code": slow}, format="json")
    assert submitted.status_code == 202
    # With no re-read before the deadline, only the worker's notification can answer before the 20 s run out.
    started = time.monotonic()
    response = client.get(f"{SUBMISSIONS}/{submitted.json()['id']}?wait=20")
    assert time.monotonic() - started < 15
    assert response.status_code == 200
    assert response.json()["status"] == "passed"


def turn_is_free() -> bool:
    """Whether this process's submit turn (JUDGE_SUBMITS_AT_ONCE is 1 here) can be taken now; left as it was."""
    if not verdicts._process.submitting.acquire(blocking=False):
        return False
    verdicts._process.submitting.release()
    return True


@committing
def test_a_submit_waits_for_its_turn_asleep_and_without_its_database_connection():
    holder = verdicts.SubmitTurn()
    holder.take()
    taken = threading.Event()
    seen: dict[str, object] = {}

    def second_submit() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # as authentication would have
            turn = verdicts.SubmitTurn()
            turn.take()
            seen["connection after the wait"] = connection.connection
            taken.set()
            turn.give_back()
        finally:
            connection.close()

    thread = threading.Thread(target=second_submit)
    thread.start()
    try:
        assert not taken.wait(0.3), "the second submit did not wait for the turn"
    finally:
        holder.give_back()
    thread.join(10)
    assert taken.is_set()
    assert seen["connection after the wait"] is None
    holder.give_back()  # a second give-back changes nothing
    assert turn_is_free()


def test_a_submit_goes_ahead_without_a_turn_none_came_free_for(monkeypatch):
    monkeypatch.setattr(verdicts, "SUBMIT_TURN_SECONDS", 0.2)
    stuck = verdicts.SubmitTurn()
    stuck.take()
    try:
        started = time.monotonic()
        late = verdicts.SubmitTurn()
        late.take()
        assert 0.2 <= time.monotonic() - started < 2
        late.give_back()  # it holds none, so this frees nothing
        assert not turn_is_free()
    finally:
        stuck.give_back()
    assert turn_is_free()


@pytest.mark.django_db
def test_a_submit_gives_its_turn_back_however_it_ends(personas, api_client_for, monkeypatch, settings):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    client = api_client_for(personas.student)
    task = TaskFactory(created_by=personas.teacher)
    submit_url = f"/api/student/coding/tasks/{task.pk}/submissions"
    assert client.post("/api/student/coding/tasks/987654321/submissions", {"code": "print(1)"}).status_code == 404
    assert turn_is_free()
    assert client.post(submit_url, {"code": " "}, format="json").status_code == 400
    assert turn_is_free()
    assert api_client_for(personas.teacher).post(submit_url, {"code": "print(1)"}).status_code == 403
    assert turn_is_free()
    assert client.post(submit_url, {"code": SUM_SOLUTION}, format="json").status_code == 202
    assert turn_is_free()

    def broken(**kwargs):
        raise RuntimeError("a bug while saving")

    monkeypatch.setattr("bekrin.coding.api.student.submission_create", broken)
    assert client.post(submit_url, {"code": SUM_SOLUTION}, format="json").status_code == 500
    assert turn_is_free()
