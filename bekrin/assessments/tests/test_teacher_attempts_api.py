"""The teacher's view of attempts, and marking written questions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bekrin.assessments.models import AttemptStatus, TestResult
from bekrin.assessments.services import attempt_submit
from bekrin.assessments.tests.factories import AttemptFactory, TestFactory
from bekrin.testing.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def written_test(classroom):
    """The classroom's test with question 4 written, worth 3 (max score 7)."""
    test = classroom.test
    test.config = {**test.config, "written_questions": [4], "question_weights": {"2": 2, "4": 3}}
    test.save()
    return test


def mark(client, attempt_id, scores):
    return client.patch(f"/api/teacher/tests/attempts/{attempt_id}", {"written_scores": scores}, format="json")


def test_the_teacher_lists_attempts_with_answers_and_marks(
    personas, api_client_for, classroom, django_assert_num_queries
):
    attempt = attempt_submit(
        attempt=AttemptFactory(test=classroom.test, student=personas.student, answers={"1": "A", "3": "2,5"})
    )
    for _ in range(3):
        AttemptFactory(test=classroom.test, student=StudentFactory())
    AttemptFactory(student=personas.student)  # another test
    client = api_client_for(personas.teacher)
    # 1-2 knox; 3 the test with its key; 4 count; 5 the page with student and result joined
    with django_assert_num_queries(5):
        body = client.get(f"/api/teacher/tests/{classroom.test.pk}/attempts").json()
    assert body["count"] == 4
    row = next(row for row in body["results"] if row["id"] == attempt.pk)
    assert row["student"] == {"id": personas.student.pk, "full_name": "Əli Həsənov"}
    assert (row["status"], row["score"], row["max_score"]) == ("graded", "2.00", "4.00")
    assert row["answers"] == {"1": "A", "3": "2,5"}
    assert row["marks"] == {"1": "1.00", "2": "0.00", "3": "1.00"}
    filtered = client.get(f"/api/teacher/tests/{classroom.test.pk}/attempts?status=started").json()
    assert filtered["count"] == 3


def test_marking_written_questions_grades_the_attempt(personas, api_client_for, written_test):
    attempt = attempt_submit(
        attempt=AttemptFactory(test=written_test, student=personas.student, answers={"2": "C", "4": "Həll"})
    )
    assert (attempt.status, attempt.score) == (AttemptStatus.SUBMITTED, Decimal("2.00"))
    response = mark(api_client_for(personas.teacher), attempt.pk, {"4": 2.5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["score"], body["max_score"]) == ("graded", "4.50", "7.00")
    assert (body["marks"]["4"], body["written_scores"]) == ("2.50", {"4": "2.5"})
    result = TestResult.objects.get(attempt=attempt)
    assert (result.score, result.max_score, result.written_scores) == (Decimal("4.50"), Decimal("7.00"), {"4": "2.5"})


def test_remarking_changes_the_score_and_the_result(personas, api_client_for, written_test):
    attempt = attempt_submit(attempt=AttemptFactory(test=written_test, student=personas.student))
    client = api_client_for(personas.teacher)
    mark(client, attempt.pk, {"4": 3})
    assert mark(client, attempt.pk, {"4": 1}).json()["score"] == "1.00"
    assert TestResult.objects.get(attempt=attempt).score == Decimal("1.00")


@pytest.mark.parametrize(
    ("scores", "code"),
    [({"4": 4}, "invalid"), ({"4": -1}, "invalid"), ({"1": 1}, "invalid"), ({}, "incomplete"), ({"4": "2"}, "invalid")],
    ids=["over the weight", "negative", "not written", "missing", "text"],
)
def test_bad_marks_are_a_400(personas, api_client_for, written_test, scores, code):
    attempt = attempt_submit(attempt=AttemptFactory(test=written_test, student=personas.student))
    response = mark(api_client_for(personas.teacher), attempt.pk, scores)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert "written_scores" in response.json()["error"]["fields"]


def test_an_attempt_in_progress_cannot_be_marked(personas, api_client_for, written_test):
    attempt = AttemptFactory(test=written_test, student=personas.student)
    response = mark(api_client_for(personas.teacher), attempt.pk, {"4": 1})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "attempt_open")


def test_an_expired_attempt_is_closed_and_marked(personas, api_client_for, written_test):
    attempt = AttemptFactory(
        test=written_test, student=personas.student, started_at=timezone.now() - timedelta(hours=2)
    )
    response = mark(api_client_for(personas.teacher), attempt.pk, {"4": 1})
    assert response.status_code == 200
    assert response.json()["status"] == "graded"


def test_a_written_question_cannot_be_added_after_graded_attempts(personas, api_client_for, written_test):
    attempt = attempt_submit(attempt=AttemptFactory(test=written_test, student=personas.student))
    client = api_client_for(personas.teacher)
    mark(client, attempt.pk, {"4": 1})
    response = client.patch(
        f"/api/teacher/tests/{written_test.pk}", {"config": {"written_questions": [4, 5]}}, format="json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "written_questions_locked")
    removed = client.patch(
        f"/api/teacher/tests/{written_test.pk}", {"config": {"written_questions": []}}, format="json"
    )
    assert removed.json()["regraded"] == {"attempts": 1, "scores_changed": 1}


def test_removing_the_last_written_question_grades_waiting_attempts(personas, api_client_for, written_test):
    attempt = attempt_submit(attempt=AttemptFactory(test=written_test, student=personas.student, answers={"1": "A"}))
    api_client_for(personas.teacher).patch(
        f"/api/teacher/tests/{written_test.pk}", {"config": {"written_questions": []}}, format="json"
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    result = TestResult.objects.get(attempt=attempt)
    assert (result.max_score, result.group_id) == (Decimal("4.00"), written_test.assignments.get().group_id)


def test_renaming_a_test_renames_its_results(personas, api_client_for, classroom):
    attempt = attempt_submit(attempt=AttemptFactory(test=classroom.test, student=personas.student))
    api_client_for(personas.teacher).patch(f"/api/teacher/tests/{classroom.test.pk}", {"title": "Yeni"}, format="json")
    assert TestResult.objects.get(attempt=attempt).test_name == "Yeni"


def test_another_schools_attempts_are_a_404(personas, api_client_for):
    attempt = AttemptFactory(test=TestFactory(created_by=personas.other_teacher))
    client = api_client_for(personas.teacher)
    assert client.get(f"/api/teacher/tests/attempts/{attempt.pk}").status_code == 404
    assert mark(client, attempt.pk, {"1": 1}).status_code == 404
    assert client.get(f"/api/teacher/tests/{attempt.test_id}/attempts").status_code == 404


def test_empty_query_parameters_filter_nothing(personas, api_client_for, classroom):
    AttemptFactory(test=classroom.test, student=personas.student)
    teacher = api_client_for(personas.teacher)
    listed = teacher.get(f"/api/teacher/tests/{classroom.test.pk}/attempts?status=&student_id=&studentId=")
    assert (listed.status_code, listed.json()["count"]) == (200, 1)
    tests = teacher.get("/api/teacher/tests?status=&type=&is_active=&search=")
    assert (tests.status_code, tests.json()["count"]) == (200, 1)
    own = api_client_for(personas.student).get("/api/student/tests/attempts?test_id=&testId=")
    assert (own.status_code, own.json()["count"]) == (200, 1)
