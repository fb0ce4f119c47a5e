"""Real parallel connections: one submission out of ten simultaneous submits, and starts within max_attempts."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from bekrin.assessments.models import AttemptStatus, TestAttempt, TestResult
from bekrin.assessments.tests.factories import AttemptFactory
from conftest import client_for

PARALLEL = 10


def in_parallel(call, clients) -> list[int]:
    """Runs `call(client)` for each client from its own thread, all released together; each thread has its own
    database connection. Returns the status codes, sorted."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client):
        try:
            barrier.wait()
            status = call(client)
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_submits_give_one_submission_and_one_score(personas, classroom):
    attempt = AttemptFactory(test=classroom.test, student=personas.student, answers={"1": "A", "2": "C"})
    clients = [client_for(personas.student) for _ in range(PARALLEL)]
    statuses = in_parallel(
        lambda client: client.post(f"/api/student/tests/attempts/{attempt.pk}/submit").status_code, clients
    )
    assert statuses == [200] + [409] * (PARALLEL - 1)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == (AttemptStatus.GRADED, Decimal("3.00"))
    assert TestResult.objects.filter(attempt=attempt).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_never_exceed_one_attempt_in_progress(personas, classroom):
    clients = [client_for(personas.student) for _ in range(PARALLEL)]
    statuses = in_parallel(
        lambda client: client.post(f"/api/student/tests/{classroom.test.pk}/attempts").status_code, clients
    )
    assert statuses == [201] + [409] * (PARALLEL - 1)
    assert TestAttempt.objects.filter(test=classroom.test, student=personas.student).count() == 1
