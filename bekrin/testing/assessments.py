"""Assessment work for tests of the pages that show it."""

from bekrin.assessments.models import Test, TestAttempt, TestType
from bekrin.assessments.services import (
    answer_key_save,
    assignment_create,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    test_create,
)
from bekrin.testing.schools import PopulatedSchool


def submitted_essay(school: PopulatedSchool) -> tuple[Test, TestAttempt]:
    """An exam with a written question 2, and a student's submitted attempt waiting for its mark."""
    essay = test_create(author=school.teacher, title="İnşa", type=TestType.EXAM, config={"written_questions": [2]})
    answer_key_save(test=essay, mcq_answers={"1": "A"}, numeric_answers={})
    student = school.students[0]
    assignment_create(test=essay, student=student)
    attempt = attempt_start(test=essay, student=student)
    attempt_save_answers(attempt=attempt, answers={"1": "A", "2": "Mənim yayım"})
    attempt_submit(attempt=attempt)
    return essay, attempt
