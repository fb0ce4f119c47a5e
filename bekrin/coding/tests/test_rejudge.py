"""A teacher fixing a task's test cases: its submissions are judged again by the worker and progress follows."""

import time

import pytest

from bekrin.coding.models import CodingProgress, CodingSubmission
from bekrin.coding.tests.factories import SUM_SOLUTION, TaskFactory


def wait_until_judged(task, seconds=30):
    deadline = time.monotonic() + seconds
    while CodingSubmission.objects.filter(task=task, status__in=("pending", "running")).exists():
        assert time.monotonic() < deadline, "the rejudge did not finish"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_fixing_a_wrong_test_case_rejudges_and_solves(personas, api_client_for, judge_worker):
    task = TaskFactory(created_by=personas.teacher, cases=[("2 3\n", "5\n", "nümunə"), ("40 2\n", "43\n", None)])
    student = api_client_for(personas.student)
    first = student.post(f"/api/student/coding/tasks/{task.pk}/submissions", {"code": SUM_SOLUTION}, format="json")
    assert first.json()["status"] == "failed"  # the teacher's second case is wrong
    assert CodingProgress.objects.get(exercise=task).status == "attempted"

    fixed = [{"input": "2 3\n", "expected": "5\n", "explanation": "nümunə"}, {"input": "40 2\n", "expected": "42\n"}]
    response = api_client_for(personas.teacher).patch(
        f"/api/teacher/coding/tasks/{task.pk}", {"test_cases": fixed}, format="json"
    )
    assert response.status_code == 200
    wait_until_judged(task)
    submission = CodingSubmission.objects.get(task=task)
    assert (submission.status, submission.passed_count, submission.attempt_no) == ("passed", 2, 1)
    progress = CodingProgress.objects.get(exercise=task)
    assert (progress.status, progress.solved_at) == ("solved", submission.created_at)
