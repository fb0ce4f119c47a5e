"""Answer keys: validation, and a changed key regrades submitted attempts and counts the scores that changed."""

from decimal import Decimal

import pytest

from bekrin.assessments.models import AttemptStatus, TestAnswerKey, TestAttempt, TestResult
from bekrin.assessments.services import attempt_submit
from bekrin.assessments.tests.factories import AttemptFactory, TestFactory
from bekrin.testing.factories import StudentFactory

pytestmark = pytest.mark.django_db


def save_key(client, test, method="post", **body):
    return getattr(client, method)(f"/api/teacher/tests/{test.pk}/answer-key", body, format="json")


def test_a_teacher_saves_a_key_in_canonical_form(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    response = save_key(
        api_client_for(personas.teacher),
        test,
        mcq_answers={"2": "b", "1": "A"},
        numeric_answers={"11": "2,5", "12": 25},
        written_instructions="Həlli yazın.",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["mcq_answers"], body["numeric_answers"]) == ({"1": "A", "2": "B"}, {"11": "2.5", "12": "25"})
    assert body["regraded"] == {"attempts": 0, "scores_changed": 0}
    assert api_client_for(personas.teacher).get(f"/api/teacher/tests/{test.pk}/answer-key").json()["mcq_answers"] == {
        "1": "A",
        "2": "B",
    }


def test_put_replaces_the_key_too(personas, api_client_for, classroom):
    response = save_key(api_client_for(personas.teacher), classroom.test, "put", mcq_answers={"1": "D"})
    assert response.status_code == 200
    classroom.key.refresh_from_db()
    assert (classroom.key.mcq_answers, classroom.key.numeric_answers) == ({"1": "D"}, {})


def test_a_test_without_a_key_answers_404_for_the_key(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    response = api_client_for(personas.teacher).get(f"/api/teacher/tests/{test.pk}/answer-key")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mcq_answers": {"1": "A"}, "numeric_answers": {"1": "5"}}, "numeric_answers"),
        ({"mcq_answers": {"0": "A"}}, "mcq_answers"),
        ({"mcq_answers": {"1": "Z"}}, "mcq_answers"),
        ({"numeric_answers": {"2": "beş"}}, "numeric_answers"),
        ({"mcq_answers": ["A"]}, "mcq_answers"),
    ],
)
def test_a_bad_key_is_a_400_and_nothing_changes(personas, api_client_for, classroom, body, field):
    response = save_key(api_client_for(personas.teacher), classroom.test, **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    classroom.key.refresh_from_db()
    assert classroom.key.mcq_answers == {"1": "A", "2": "C"}


def submitted(test, answers):
    attempt = AttemptFactory(test=test, student=StudentFactory(), answers=answers)
    return attempt_submit(attempt=attempt)


def test_changing_the_key_regrades_and_counts_the_changed_scores(personas, api_client_for, classroom):
    # Max 4: 1 → A, 2 → C (weight 2), 3 → 2.5.
    all_right = submitted(classroom.test, {"1": "A", "2": "C", "3": "2.5"})  # 4, then 3 (question 1 becomes B)
    says_b = submitted(classroom.test, {"1": "b", "2": "C"})  # 2, then 3
    no_one = submitted(classroom.test, {"2": "A"})  # 0, stays 0
    started = AttemptFactory(test=classroom.test, answers={"1": "A"})  # not submitted: not regraded
    assert [a.score for a in (all_right, says_b, no_one)] == [Decimal("4.00"), Decimal("2.00"), Decimal("0.00")]

    response = save_key(
        api_client_for(personas.teacher), classroom.test, mcq_answers={"1": "B", "2": "C"}, numeric_answers={"3": "2.5"}
    )

    assert response.json()["regraded"] == {"attempts": 3, "scores_changed": 2}
    scores = dict(TestAttempt.objects.values_list("pk", "score"))
    assert scores[all_right.pk] == Decimal("3.00")
    assert scores[says_b.pk] == Decimal("3.00")
    assert scores[no_one.pk] == Decimal("0.00")
    assert scores[started.pk] is None
    results = dict(TestResult.objects.values_list("attempt_id", "score"))
    assert results == {all_right.pk: Decimal("3.00"), says_b.pk: Decimal("3.00"), no_one.pk: Decimal("0.00")}


def test_saving_the_same_key_again_regrades_nothing(personas, api_client_for, classroom):
    submitted(classroom.test, {"1": "A"})
    response = save_key(
        api_client_for(personas.teacher),
        classroom.test,
        mcq_answers={"1": "a", "2": "C"},
        numeric_answers={"3": "2,50"},
    )
    assert response.json()["regraded"] == {"attempts": 0, "scores_changed": 0}


def test_a_new_question_in_the_key_raises_the_maximum_of_every_result(personas, api_client_for, classroom):
    attempt = submitted(classroom.test, {"1": "A", "2": "C", "3": "2.5"})
    response = save_key(
        api_client_for(personas.teacher),
        classroom.test,
        mcq_answers={"1": "A", "2": "C", "4": "D"},
        numeric_answers={"3": "2.5"},
    )
    assert response.json()["regraded"] == {"attempts": 1, "scores_changed": 0}
    result = TestResult.objects.get(attempt=attempt)
    assert (result.score, result.max_score) == (Decimal("4.00"), Decimal("5.00"))


def test_changing_weights_regrades_too(personas, api_client_for, classroom):
    attempt = submitted(classroom.test, {"2": "C"})
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/tests/{classroom.test.pk}", {"config": {"question_weights": {"2": 5}}}, format="json"
    )
    assert response.json()["regraded"] == {"attempts": 1, "scores_changed": 1}
    attempt.refresh_from_db()
    assert attempt.score == Decimal("5.00")
    assert TestResult.objects.get(attempt=attempt).max_score == Decimal("7.00")


def test_another_schools_test_has_no_key_to_save(personas, api_client_for):
    test = TestFactory(created_by=personas.other_teacher)
    assert save_key(api_client_for(personas.teacher), test, mcq_answers={"1": "A"}).status_code == 404
    assert not TestAnswerKey.objects.exists()


def test_an_empty_body_saves_an_empty_key(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    assert save_key(api_client_for(personas.teacher), test).status_code == 200
    assert TestAnswerKey.objects.get(test=test).mcq_answers == {}


def test_an_attempt_with_written_questions_waits_for_the_teacher_without_a_result(personas, api_client_for, classroom):
    classroom.test.config = {**classroom.test.config, "written_questions": [5]}
    classroom.test.save()
    attempt = submitted(classroom.test, {"1": "A", "5": "Cavab"})
    assert attempt.status == AttemptStatus.SUBMITTED
    assert not TestResult.objects.exists()
