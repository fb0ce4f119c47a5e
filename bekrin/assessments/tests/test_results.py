"""The results the parent dashboard reads: each child's latest graded attempts, in one query."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bekrin.assessments.selectors import student_recent_results, student_results
from bekrin.assessments.services import attempt_submit
from bekrin.assessments.tests.factories import AnswerKeyFactory, AttemptFactory

pytestmark = pytest.mark.django_db


def graded(student, title, answers, minutes_ago):
    test = AnswerKeyFactory(test__title=title).test
    attempt = AttemptFactory(test=test, student=student, answers=answers)
    attempt = attempt_submit(attempt=attempt)
    attempt.submitted_at = timezone.now() - timedelta(minutes=minutes_ago)
    attempt.save(update_fields=["submitted_at"])
    return attempt


def test_recent_results_are_the_latest_per_student(personas, django_assert_num_queries):
    old = graded(personas.student, "Köhnə", {"1": "A"}, minutes_ago=50)
    newest = graded(personas.student, "Ən yeni", {"1": "A", "2": "C", "3": "2.5"}, minutes_ago=10)
    graded(personas.student, "Ortada", {}, minutes_ago=30)
    graded(personas.other_student, "Başqası", {"2": "C"}, minutes_ago=5)
    AttemptFactory(student=personas.student)  # started: no result

    with django_assert_num_queries(1):
        recent = student_recent_results([personas.student.pk, personas.other_student.pk, 987654321], limit=2)

    assert [row["title"] for row in recent[personas.student.pk]] == ["Ən yeni", "Ortada"]
    first = recent[personas.student.pk][0]
    assert (first["test_id"], first["attempt_id"]) == (newest.test_id, newest.pk)
    assert (first["score"], first["max_score"], first["submitted_at"]) == (
        Decimal("3.00"),
        Decimal("3.00"),
        newest.submitted_at,
    )
    assert [row["title"] for row in recent[personas.other_student.pk]] == ["Başqası"]
    assert recent[987654321] == []
    assert old.pk in {result.attempt_id for result in student_results([personas.student.pk])}


def test_results_of_deleted_tests_are_left_out(personas):
    attempt = graded(personas.student, "Silinəcək", {"1": "A"}, minutes_ago=1)
    attempt.test.mark_deleted()
    attempt.test.save()
    assert student_recent_results([personas.student.pk]) == {personas.student.pk: []}
    assert not student_results([personas.student.pk]).exists()
