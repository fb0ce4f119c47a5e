import pytest

from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db

TEACHER_URL = "/api/teacher/coding/submissions"
STUDENT_URL = "/api/student/coding/submissions"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_teacher_lists_submissions_newest_first_with_code(personas, api_client_for, django_assert_num_queries):
    task = TaskFactory(created_by=personas.teacher)
    older = SubmissionFactory(task=task, student=personas.student)
    newer = SubmissionFactory(task=task, student=personas.other_student, submitted_code="print(42)\n")
    SubmissionFactory(task=TaskFactory(created_by=personas.other_teacher))
    client = api_client_for(personas.teacher)
    # 1-2 knox: the token with its user, the user's tokens; 3 count; 4 the page with task and student joined
    with django_assert_num_queries(4):
        response = client.get(TEACHER_URL)
    assert ids(response) == [newer.pk, older.pk]
    row = response.json()["results"][0]
    assert row["submitted_code"] == "print(42)\n"
    assert row["student"] == {"id": personas.other_student.pk, "full_name": personas.other_student.full_name}
    assert row["task"] == {"id": task.pk, "title": task.title}


def test_teacher_filters_by_student_task_group_and_status(personas, api_client_for):
    task, other_task = TaskFactory(created_by=personas.teacher), TaskFactory(created_by=personas.teacher)
    group = GroupFactory(teacher=personas.teacher)
    MembershipFactory(group=group, student=personas.student)
    former = StudentFactory()
    MembershipFactory(group=group, student=former, is_active=False)
    mine = SubmissionFactory(task=task, student=personas.student)
    failed = SubmissionFactory(
        task=other_task, student=personas.student, status="failed", passed_count=0, failed_count=3
    )
    theirs = SubmissionFactory(task=task, student=personas.other_student)
    SubmissionFactory(task=task, student=former)
    client = api_client_for(personas.teacher)
    assert ids(client.get(TEACHER_URL, {"studentId": personas.other_student.pk})) == [theirs.pk]
    assert set(ids(client.get(TEACHER_URL, {"taskId": other_task.pk}))) == {failed.pk}
    assert set(ids(client.get(TEACHER_URL, {"groupId": group.pk}))) == {mine.pk, failed.pk}
    assert ids(client.get(TEACHER_URL, {"status": "failed"})) == [failed.pk]
    assert client.get(TEACHER_URL, {"status": "nope"}).status_code == 400
    other_school_group = GroupFactory(teacher=personas.other_teacher)
    assert client.get(TEACHER_URL, {"group_id": other_school_group.pk}).status_code == 404


def test_student_sees_only_their_own_submissions(personas, api_client_for, django_assert_num_queries):
    task = TaskFactory(created_by=personas.teacher)
    mine = SubmissionFactory(task=task, student=personas.student)
    theirs = SubmissionFactory(task=task, student=personas.other_student)
    client = api_client_for(personas.student)
    # 1-2 knox; 3 count; 4 the page with the task joined
    with django_assert_num_queries(4):
        response = client.get(STUDENT_URL)
    assert ids(response) == [mine.pk]
    assert "student" not in response.json()["results"][0]
    assert client.get(f"{STUDENT_URL}/{mine.pk}").json()["submitted_code"] == mine.submitted_code
    assert client.get(f"{STUDENT_URL}/{theirs.pk}").status_code == 404
    assert ids(client.get(STUDENT_URL, {"task_id": task.pk})) == [mine.pk]
    assert ids(client.get(STUDENT_URL, {"task_id": task.pk + 1000})) == []


def test_a_deleted_tasks_submissions_stay_readable_for_their_student(personas, api_client_for):
    task = TaskFactory(created_by=personas.teacher)
    mine = SubmissionFactory(task=task, student=personas.student)
    task.mark_deleted()
    task.save()
    assert api_client_for(personas.student).get(f"{STUDENT_URL}/{mine.pk}").status_code == 200


@pytest.mark.parametrize(
    ("persona", "teacher_list", "student_list"),
    [("parent", 403, 403), ("anonymous", 401, 401), ("student", 403, 200), ("teacher", 200, 403), ("admin", 200, 403)],
)
def test_each_persona_reaches_only_its_own_submission_endpoints(
    personas, api_client_for, persona, teacher_list, student_list
):
    client = api_client_for(personas.as_dict()[persona])
    assert client.get(TEACHER_URL).status_code == teacher_list
    assert client.get(STUDENT_URL).status_code == student_list


def test_another_school_sees_none_of_our_submissions(personas, api_client_for):
    SubmissionFactory(task=TaskFactory(created_by=personas.teacher), student=personas.student)
    assert api_client_for(personas.other_teacher).get(TEACHER_URL).json()["count"] == 0
