from decimal import Decimal

import pytest

from bekrin.coding.models import CodingProgress, ProgressStatus
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = "/api/student/coding/tasks"


def test_student_lists_active_tasks_with_their_own_status(personas, api_client_for, django_assert_num_queries):
    solved = TaskFactory(created_by=personas.teacher, points=10)
    attempted = TaskFactory(created_by=personas.teacher)
    fresh = TaskFactory(created_by=personas.teacher)
    TaskFactory(created_by=personas.teacher, is_active=False)
    TaskFactory(created_by=personas.other_teacher)
    SubmissionFactory(task=solved, student=personas.student)
    CodingProgress.objects.create(
        student_profile_id=personas.student.pk, exercise=solved, status=ProgressStatus.SOLVED, score=Decimal("10")
    )
    SubmissionFactory(task=attempted, student=personas.student, status="failed", passed_count=1, failed_count=2)
    SubmissionFactory(task=fresh, student=personas.other_student)  # someone else's work counts for nobody here
    client = api_client_for(personas.student)
    # 1-2 knox: the token with its user, the user's tokens; 3 count; 4 the page with own progress and attempts
    with django_assert_num_queries(4):
        rows = client.get(URL).json()["results"]
    assert [(row["id"], row["status"], row["best_score"], row["attempts"]) for row in rows] == [
        (solved.pk, "solved", "10.00", 1),
        (attempted.pk, "attempted", None, 1),
        (fresh.pk, "not_started", None, 0),
    ]
    assert "test_cases" not in rows[0]


def test_student_filters_tasks_by_topic_and_difficulty(personas, api_client_for):
    topic = TopicFactory()
    in_topic = TaskFactory(created_by=personas.teacher, topic=topic)
    hard = TaskFactory(created_by=personas.teacher, difficulty="hard")
    client = api_client_for(personas.student)
    assert [row["id"] for row in client.get(URL, {"topicId": topic.pk}).json()["results"]] == [in_topic.pk]
    assert [row["id"] for row in client.get(URL, {"difficulty": "hard"}).json()["results"]] == [hard.pk]
    assert client.get(URL, {"topic_id": "x"}).status_code == 400


def test_detail_has_starter_code_and_only_the_visible_examples(personas, api_client_for, django_assert_num_queries):
    task = TaskFactory(
        created_by=personas.teacher,
        cases=[
            ("1 1\n", "2\n", "bir və bir"),
            ("7 8\n", "15\n", None),
            ("9 9\n", "18\n", "   \n"),
            ("0 0\n", "0\n", ""),
        ],
    )
    client = api_client_for(personas.student)
    # 1-2 knox; 3 the task with own progress and attempts; 4 its test cases
    with django_assert_num_queries(4):
        body = client.get(f"{URL}/{task.pk}").json()
    assert body["starter_code"] == task.starter_code
    assert body["description"] == task.description
    assert body["test_cases"] == [
        {
            "id": body["test_cases"][0]["id"],
            "input": "1 1\n",
            "expected": "2\n",
            "explanation": "bir və bir",
            "order_index": 1,
        }
    ]


@pytest.mark.parametrize("kind", ["inactive", "deleted", "other_school"])
def test_a_task_the_student_may_not_see_is_not_found(personas, api_client_for, kind):
    task = TaskFactory(created_by=personas.other_teacher if kind == "other_school" else personas.teacher)
    if kind == "inactive":
        task.is_active = False
    if kind == "deleted":
        task.mark_deleted()
    task.save()
    client = api_client_for(personas.student)
    assert client.get(f"{URL}/{task.pk}").status_code == 404
    assert client.post(f"{URL}/{task.pk}/submissions", {"code": "print(1)"}, format="json").status_code == 404


@pytest.mark.parametrize(("persona", "expected"), [("teacher", 403), ("parent", 403), ("anonymous", 401)])
def test_only_students_use_the_student_task_endpoints(personas, api_client_for, persona, expected):
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.as_dict()[persona])
    assert client.get(URL).status_code == expected
    assert client.get(f"{URL}/{task.pk}").status_code == expected
    assert client.post(f"{URL}/{task.pk}/submissions", {"code": "print(1)"}, format="json").status_code == expected
