"""Real parallel connections: one submission out of ten simultaneous submits, and starts within max_attempts."""

from decimal import Decimal
from functools import partial

import pytest

from bekrin.assessments.models import AttemptStatus, TestAttempt, TestResult
from bekrin.assessments.tests.factories import AttemptFactory
from bekrin.testing.concurrency import run_in_parallel
from conftest import client_for

PARALLEL = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_submits_give_one_submission_and_one_score(personas, classroom):
    attempt = AttemptFactory(test=classroom.test, student=personas.student, answers={"1": "A", "2": "C"})
    clients = [client_for(personas.student) for _ in range(PARALLEL)]
    url = f"/api/student/tests/attempts/{attempt.pk}/submit"
    responses = run_in_parallel([partial(client.post, url) for client in clients])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * (PARALLEL - 1)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == (AttemptStatus.GRADED, Decimal("3.00"))
    assert TestResult.objects.filter(attempt=attempt).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_never_exceed_one_attempt_in_progress(personas, classroom):
    clients = [client_for(personas.student) for _ in range(PARALLEL)]
    url = f"/api/student/tests/{classroom.test.pk}/attempts"
    responses = run_in_parallel([partial(client.post, url) for client in clients])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (PARALLEL - 1)
    assert TestAttempt.objects.filter(test=classroom.test, student=personas.student).count() == 1
