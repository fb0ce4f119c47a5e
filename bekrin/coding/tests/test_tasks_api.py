import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from bekrin.coding.models import CodingProgress, CodingTask, ProgressStatus, SubmissionStatus
from bekrin.coding.services import task_create, task_update
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory, TopicFactory
from bekrin.core.errors import DomainError

pytestmark = pytest.mark.django_db

URL = "/api/teacher/coding/tasks"

NEW_TASK = {
    "title": "Ədədin kvadratı",
    "description": "Bir ədəd verilir, kvadratını çap edin.",
    "starter_code": "n = int(input())\n",
    "difficulty": "easy",
    "points": 5,
    "test_cases": [
        {"input": "3\n", "expected": "9\n", "explanation": "3 · 3 = 9"},
        {"input": "-4\n", "expected": "16\n"},
    ],
}


def detail(pk):
    return f"{URL}/{pk}"


def test_teacher_creates_a_task_with_its_test_cases(personas, api_client_for):
    topic = TopicFactory()
    response = api_client_for(personas.teacher).post(URL, {**NEW_TASK, "topic_id": topic.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["topic"] == {"id": topic.pk, "name": topic.name}
    assert body["test_case_count"] == 2
    assert [(case["input"], case["is_visible"], case["order_index"]) for case in body["test_cases"]] == [
        ("3\n", True, 1),
        ("-4\n", False, 2),
    ]
    task = CodingTask.objects.get(pk=body["id"])
    assert (task.created_by, task.organization_id, task.topic_name) == (personas.teacher, None, topic.name)


def test_a_task_needs_a_test_case_and_valid_fields(personas, api_client_for):
    client = api_client_for(personas.teacher)
    empty = client.post(URL, {**NEW_TASK, "test_cases": []}, format="json")
    assert empty.status_code == 400
    assert "test_cases" in empty.json()["error"]["fields"]
    bad = client.post(URL, {**NEW_TASK, "difficulty": "impossible", "points": -1}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"].keys() == {"difficulty", "points"}
    case_without_output = client.post(URL, {**NEW_TASK, "test_cases": [{"input": "1\n"}]}, format="json")
    assert case_without_output.status_code == 400
    assert case_without_output.json()["error"]["fields"]["test_cases"]["0"].keys() == {"expected"}
    nul = client.post(URL, {**NEW_TASK, "title": "a\u0000b"}, format="json")
    assert nul.status_code == 400


def test_another_schools_topic_is_not_found(personas, api_client_for):
    topic = TopicFactory(organization=personas.other_teacher.organization)
    response = api_client_for(personas.teacher).post(URL, {**NEW_TASK, "topic_id": topic.pk}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["fields"].keys() == {"topic_id"}


def test_list_filters_by_topic_difficulty_and_deleted(personas, api_client_for, django_assert_num_queries):
    topic = TopicFactory()
    easy = TaskFactory(created_by=personas.teacher, topic=topic)
    hard = TaskFactory(created_by=personas.teacher, difficulty="hard")
    gone = TaskFactory(created_by=personas.teacher)
    gone.mark_deleted()
    gone.save()
    TaskFactory(created_by=personas.other_teacher)
    client = api_client_for(personas.teacher)
    # 1-2 knox: the token with its user, the user's tokens; 3 count; 4 the page with topics and case counts
    with django_assert_num_queries(4):
        everything = client.get(URL).json()
    assert [row["id"] for row in everything["results"]] == [easy.pk, hard.pk]
    assert everything["results"][0]["test_case_count"] == 3
    assert [row["id"] for row in client.get(URL, {"topicId": topic.pk}).json()["results"]] == [easy.pk]
    assert [row["id"] for row in client.get(URL, {"difficulty": "hard"}).json()["results"]] == [hard.pk]
    assert [row["id"] for row in client.get(URL, {"status": "deleted"}).json()["results"]] == [gone.pk]
    assert client.get(URL, {"difficulty": "x"}).status_code == 400


def test_detail_shows_hidden_cases_to_the_teacher_and_hides_other_schools(personas, api_client_for):
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.teacher)
    body = client.get(detail(task.pk)).json()
    assert [case["is_visible"] for case in body["test_cases"]] == [True, False, False]
    assert api_client_for(personas.other_teacher).get(detail(task.pk)).status_code == 404


def test_patch_changes_fields_and_keeps_test_cases_when_not_given(personas, api_client_for):
    task = TaskFactory(created_by=personas.teacher)
    topic = TopicFactory()
    response = api_client_for(personas.teacher).patch(
        detail(task.pk), {"title": "Yeni ad", "points": 20, "topic_id": topic.pk, "is_active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["points"], body["topic_id"], body["is_active"]) == ("Yeni ad", 20, topic.pk, False)
    assert body["test_case_count"] == 3
    task.refresh_from_db()
    assert task.topic_name == topic.name


def test_patch_with_new_test_cases_rejudges_every_submission_of_the_task(
    personas, api_client_for, django_capture_on_commit_callbacks
):
    task = TaskFactory(created_by=personas.teacher)
    other_task = TaskFactory(created_by=personas.teacher)
    passed = SubmissionFactory(task=task, student=personas.student)
    failed = SubmissionFactory(
        task=task, student=personas.other_student, status="failed", passed_count=1, failed_count=2
    )
    untouched = SubmissionFactory(task=other_task, student=personas.student)
    CodingProgress.objects.create(
        student_profile_id=personas.student.pk, exercise=task, status=ProgressStatus.SOLVED, score=10
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(personas.teacher).patch(
            detail(task.pk), {"test_cases": [{"input": "1 1\n", "expected": "2\n"}]}, format="json"
        )
    assert response.status_code == 200, response.content
    assert [case["input"] for case in response.json()["test_cases"]] == ["1 1\n"]
    for submission in (passed, failed):
        submission.refresh_from_db()
        assert (submission.status, submission.passed_count, submission.error_message) == ("pending", None, None)
    untouched.refresh_from_db()
    assert untouched.status == SubmissionStatus.PASSED
    progress = CodingProgress.objects.get(exercise=task)
    assert (progress.status, progress.score, progress.solved_at) == ("attempted", None, None)
    queued = ProcrastinateJob.objects.filter(task_name="coding.judge_submission", status="todo")
    assert {job.args["submission_id"] for job in queued} >= {passed.pk, failed.pk}


def test_patch_that_only_changes_explanations_does_not_rejudge(personas, api_client_for):
    task = TaskFactory(created_by=personas.teacher, cases=[("1 2\n", "3\n", None)])
    submission = SubmissionFactory(task=task, student=personas.student)
    response = api_client_for(personas.teacher).patch(
        detail(task.pk),
        {"test_cases": [{"input": "1 2\n", "expected": "3\n", "explanation": "1 + 2 = 3"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["test_cases"][0]["is_visible"] is True
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PASSED


def test_delete_is_soft_and_restore_brings_the_task_back(personas, api_client_for):
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.teacher)
    assert client.delete(detail(task.pk)).status_code == 204
    assert client.get(detail(task.pk)).status_code == 404
    assert client.patch(detail(task.pk), {"title": "x"}, format="json").status_code == 404
    assert CodingTask.all_objects.get(pk=task.pk).deleted_at is not None
    assert api_client_for(personas.other_teacher).post(f"{detail(task.pk)}/restore").status_code == 404
    restored = client.post(f"{detail(task.pk)}/restore")
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert client.post(f"{detail(task.pk)}/restore").status_code == 404  # only deleted tasks are found there


@pytest.mark.parametrize("persona", ["student", "parent", "other_teacher"])
def test_others_cannot_change_or_delete_a_task(personas, api_client_for, persona):
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.as_dict()[persona])
    expected = 404 if persona == "other_teacher" else 403
    assert client.patch(detail(task.pk), {"title": "x"}, format="json").status_code == expected
    assert client.delete(detail(task.pk)).status_code == expected
    assert CodingTask.objects.get(pk=task.pk).title == task.title


def test_patch_checks_each_new_test_case_whole(personas, api_client_for):
    """DRF passes a PATCH's `partial` on to nested serializers; a replaced test case still needs input and output."""
    task = TaskFactory(created_by=personas.teacher)
    client = api_client_for(personas.teacher)
    response = client.patch(detail(task.pk), {"test_cases": [{"explanation": "x"}]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["test_cases"]["0"].keys() == {"input", "expected"}
    empty = client.patch(detail(task.pk), {"test_cases": []}, format="json")
    assert empty.status_code == 400
    assert "test_cases" in empty.json()["error"]["fields"]
    assert task.test_cases.count() == 3


@pytest.mark.parametrize("points", [10_001, 100_000, 2**31 - 1])
def test_points_above_ten_thousand_are_refused(personas, api_client_for, points):
    """A task's points scale a student's score, stored as numeric(7,2)."""
    client = api_client_for(personas.teacher)
    created = client.post(URL, {**NEW_TASK, "points": points}, format="json")
    assert created.status_code == 400
    assert created.json()["error"]["fields"].keys() == {"points"}
    task = TaskFactory(created_by=personas.teacher)
    changed = client.patch(detail(task.pk), {"points": points}, format="json")
    assert changed.status_code == 400
    assert changed.json()["error"]["fields"].keys() == {"points"}
    task.refresh_from_db()
    assert task.points == 10


def test_ten_thousand_points_are_allowed(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, {**NEW_TASK, "points": 10_000}, format="json")
    assert response.status_code == 201
    assert response.json()["points"] == 10_000


def test_the_services_refuse_more_than_ten_thousand_points_too(personas):
    task = TaskFactory(created_by=personas.teacher)
    with pytest.raises(DomainError) as refused:
        task_update(task=task, changes={"points": 10_001})
    assert refused.value.fields.keys() == {"points"}
    with pytest.raises(DomainError):
        task_create(
            actor=personas.teacher,
            title="Çox bal",
            description="d",
            difficulty="easy",
            test_cases=[{"input": "", "expected": ""}],
            points=10_001,
        )
    task.refresh_from_db()
    assert task.points == 10
