"""Every write to tests, answer keys, assignments, attempts and their results. Split in four: locks and grading
shared by the others (`grades`), the teacher's tests and keys (`authoring`), assignments (`assignments`) and
attempts (`attempts`); callers import from here."""

from bekrin.assessments.services.assignments import (
    FIRST_WINDOW_YEAR,
    LAST_WINDOW_YEAR,
    assignment_create,
    assignment_delete,
    window_years_problem,
)
from bekrin.assessments.services.attempts import (
    attempt_mark_written,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
)
from bekrin.assessments.services.authoring import answer_key_save, test_create, test_delete, test_restore, test_update
from bekrin.assessments.services.grades import NO_REGRADE, Regrade

__all__ = [
    "FIRST_WINDOW_YEAR",
    "LAST_WINDOW_YEAR",
    "NO_REGRADE",
    "Regrade",
    "answer_key_save",
    "assignment_create",
    "assignment_delete",
    "attempt_mark_written",
    "attempt_save_answers",
    "attempt_start",
    "attempt_submit",
    "test_create",
    "test_delete",
    "test_restore",
    "test_update",
    "window_years_problem",
]
