"""Taking a test: start inside the window and under max_attempts, autosave, server-side time limit, submit."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bekrin.assessments.models import AttemptStatus, TestAttempt, TestResult
from bekrin.assessments.tests.factories import AnswerKeyFactory, AssignmentFactory, AttemptFactory, TestFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def start(client, test):
    return client.post(f"/api/student/tests/{test.pk}/attempts")


def save(client, attempt_id, answers):
    return client.patch(f"/api/student/tests/attempts/{attempt_id}", {"answers": answers}, format="json")


def submit(client, attempt_id):
    return client.post(f"/api/student/tests/attempts/{attempt_id}/submit")


def test_a_student_takes_a_test_from_start_to_score(personas, api_client_for, classroom):
    client = api_client_for(personas.student)
    started = start(client, classroom.test)
    assert started.status_code == 201, started.content
    attempt = started.json()
    assert (attempt["status"], attempt["is_open"], attempt["marks"], attempt["score"]) == ("started", True, None, None)
    deadline = TestAttempt.objects.get(pk=attempt["id"]).started_at + timedelta(minutes=30)
    assert attempt["deadline"] == timezone.localtime(deadline).isoformat()

    assert save(client, attempt["id"], {"1": "a", "3": "2,5"}).json()["answers"] == {"1": "a", "3": "2,5"}
    saved = save(client, attempt["id"], {"2": "B", "3": None}).json()
    assert saved["answers"] == {"1": "a", "2": "B"}

    response = submit(client, attempt["id"])
    assert response.status_code == 200
    result = response.json()
    assert (result["status"], result["score"], result["max_score"]) == ("graded", "1.00", "4.00")
    assert result["marks"] == {"1": "1.00", "2": "0.00", "3": "0.00"}
    summary = TestResult.objects.get(attempt_id=attempt["id"])
    assert (summary.student_profile_id, summary.group_id, summary.score, summary.max_score) == (
        personas.student.pk,
        classroom.group.pk,
        Decimal("1.00"),
        Decimal("4.00"),
    )
    assert summary.test_name == classroom.test.title


def test_numeric_answers_compare_by_value(personas, api_client_for, classroom):
    client = api_client_for(personas.student)
    attempt_id = start(client, classroom.test).json()["id"]
    save(client, attempt_id, {"1": "A", "2": "c", "3": "2.50"})
    assert submit(client, attempt_id).json()["score"] == "4.00"


def test_written_answers_wait_for_the_teacher(personas, api_client_for, classroom):
    classroom.test.config = {**classroom.test.config, "written_questions": [4]}
    classroom.test.save()
    client = api_client_for(personas.student)
    attempt_id = start(client, classroom.test).json()["id"]
    save(client, attempt_id, {"1": "A", "4": "Həll: x = 5"})
    body = submit(client, attempt_id).json()
    assert (body["status"], body["score"], body["max_score"]) == ("submitted", "1.00", "5.00")
    assert body["marks"]["4"] is None
    assert not TestResult.objects.exists()


def test_a_second_submit_is_refused(personas, api_client_for, classroom):
    client = api_client_for(personas.student)
    attempt_id = start(client, classroom.test).json()["id"]
    assert submit(client, attempt_id).status_code == 200
    again = submit(client, attempt_id)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_submitted"
    late = save(client, attempt_id, {"1": "A"})
    assert (late.status_code, late.json()["error"]["code"]) == (409, "already_submitted")


def test_attempts_are_limited_by_max_attempts(personas, api_client_for, classroom):
    client = api_client_for(personas.student)
    first = start(client, classroom.test).json()["id"]
    in_progress = start(client, classroom.test)
    assert (in_progress.status_code, in_progress.json()["error"]["code"]) == (409, "attempt_in_progress")
    submit(client, first)
    second = start(client, classroom.test)
    assert second.status_code == 201
    submit(client, second.json()["id"])
    third = start(client, classroom.test)
    assert (third.status_code, third.json()["error"]["code"]) == (409, "no_attempts_left")
    assert TestAttempt.objects.count() == 2


@pytest.mark.parametrize(
    ("available_from", "available_to"),
    [(HOUR, 2 * HOUR), (-2 * HOUR, -HOUR)],
    ids=["before the window", "after the window"],
)
def test_an_attempt_starts_only_inside_the_window(personas, api_client_for, available_from, available_to):
    test = AnswerKeyFactory(test__created_by=personas.teacher).test
    now = timezone.now()
    AssignmentFactory(
        test=test, student=personas.student, available_from=now + available_from, available_to=now + available_to
    )
    response = start(api_client_for(personas.student), test)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "window_closed")


def test_a_test_without_questions_cannot_be_started(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    AssignmentFactory(test=test, student=personas.student)
    response = start(api_client_for(personas.student), test)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_ready")


def test_answers_after_the_time_limit_are_refused_and_the_attempt_closes(personas, api_client_for, classroom):
    started_at = timezone.now() - timedelta(minutes=31)
    attempt = AttemptFactory(test=classroom.test, student=personas.student, started_at=started_at, answers={"1": "A"})
    client = api_client_for(personas.student)
    response = save(client, attempt.pk, {"2": "C"})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "time_over")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.answers, attempt.score) == (AttemptStatus.GRADED, {"1": "A"}, Decimal("1.00"))
    assert attempt.submitted_at == started_at + timedelta(minutes=30)


def test_answers_after_the_window_are_refused(personas, api_client_for, classroom):
    now = timezone.now()
    classroom.assignment.available_to = now - timedelta(minutes=5)
    classroom.assignment.save()
    attempt = AttemptFactory(test=classroom.test, student=personas.student, started_at=now - timedelta(minutes=20))
    response = save(api_client_for(personas.student), attempt.pk, {"1": "A"})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "time_over")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_at) == (AttemptStatus.GRADED, classroom.assignment.available_to)


def test_a_late_submit_closes_the_attempt_at_its_deadline(personas, api_client_for, classroom):
    started_at = timezone.now() - HOUR
    attempt = AttemptFactory(test=classroom.test, student=personas.student, started_at=started_at)
    response = submit(api_client_for(personas.student), attempt.pk)
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.submitted_at == started_at + timedelta(minutes=30)


def test_an_expired_attempt_counts_and_a_new_one_may_start(personas, api_client_for, classroom):
    AttemptFactory(test=classroom.test, student=personas.student, started_at=timezone.now() - HOUR)
    response = start(api_client_for(personas.student), classroom.test)
    assert response.status_code == 201
    assert list(TestAttempt.objects.order_by("pk").values_list("status", flat=True)) == ["graded", "started"]


@pytest.mark.parametrize(
    "answers",
    [{"99": "A"}, {"1": "A" * 101}, {"1": {"nested": True}}, ["A"]],
    ids=["unknown question", "too long", "not text", "not an object"],
)
def test_bad_answers_are_a_400(personas, api_client_for, classroom, answers):
    attempt = AttemptFactory(test=classroom.test, student=personas.student)
    response = save(api_client_for(personas.student), attempt.pk, answers)
    assert response.status_code == 400
    assert "answers" in response.json()["error"]["fields"]


def test_another_students_attempt_is_a_404(personas, api_client_for, classroom):
    attempt = AttemptFactory(test=classroom.test, student=personas.student)
    client = api_client_for(personas.other_student)
    assert client.get(f"/api/student/tests/attempts/{attempt.pk}").status_code == 404
    assert save(client, attempt.pk, {"1": "A"}).status_code == 404
    assert submit(client, attempt.pk).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.STARTED


def test_a_student_lists_their_own_results(personas, api_client_for, classroom, django_assert_num_queries):
    client = api_client_for(personas.student)
    attempt_id = start(client, classroom.test).json()["id"]
    save(client, attempt_id, {"1": "A"})
    submit(client, attempt_id)
    AttemptFactory(test=classroom.test, student=personas.other_student)
    # 1-2 knox; 3 count; 4 the page with test, key and result joined; 5 the windows
    with django_assert_num_queries(5):
        body = client.get("/api/student/tests/attempts").json()
    assert [(row["id"], row["score"], row["test_title"]) for row in body["results"]] == [
        (attempt_id, "1.00", classroom.test.title)
    ]
    assert client.get(f"/api/student/tests/attempts?test_id={classroom.test.pk + 1}").json()["count"] == 0


@pytest.mark.parametrize("answer", ["A\u0000", "x\ud800"], ids=["nul", "lone-surrogate"])
def test_an_answer_with_a_character_jsonb_cannot_hold_is_refused(personas, api_client_for, classroom, answer):
    client = api_client_for(personas.student)
    attempt = start(client, classroom.test).json()
    # Sent as escaped JSON text: the test client's own renderer cannot encode a lone surrogate.
    body = json.dumps({"answers": {"1": answer, "2": "B"}})
    response = client.generic(
        "PATCH", f"/api/student/tests/attempts/{attempt['id']}", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["answers"]
    assert TestAttempt.objects.get(pk=attempt["id"]).answers == {}
