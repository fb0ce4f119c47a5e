"""What a student sees of their tests: assigned ones only, the window state, questions without answers."""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from bekrin.assessments.tests.factories import AnswerKeyFactory, AssignmentFactory, AttemptFactory, TestFactory
from bekrin.groups.models import GroupMembership
from bekrin.testing.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def scalars(value: object) -> Iterator[object]:
    """Every value of a JSON body that is not a list or an object, at any depth."""
    if isinstance(value, dict):
        for item in value.values():
            yield from scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from scalars(item)
    else:
        yield value


def test_a_student_sees_the_tests_of_their_group_with_window_and_attempts(personas, api_client_for, classroom):
    body = api_client_for(personas.student).get("/api/student/tests").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["window"], row["can_start"]) == (classroom.test.pk, "open", True)
    assert (row["max_attempts"], row["attempts_used"], row["last_attempt"]) == (2, 0, None)
    assert (row["question_count"], row["max_score"], row["time_limit_minutes"]) == (3, "4.00", 30)


def test_a_student_of_another_group_neither_sees_nor_starts_the_test(personas, api_client_for, classroom):
    MembershipFactory(group=GroupFactory(teacher=personas.teacher), student=personas.other_student)
    client = api_client_for(personas.other_student)
    assert client.get("/api/student/tests").json()["count"] == 0
    assert client.get(f"/api/student/tests/{classroom.test.pk}").status_code == 404
    assert client.post(f"/api/student/tests/{classroom.test.pk}/attempts").status_code == 404


def test_a_student_who_left_the_group_no_longer_sees_its_tests(personas, api_client_for, classroom):
    GroupMembership.objects.filter(student=personas.student).update(is_active=False, left_at=timezone.now())
    assert api_client_for(personas.student).get("/api/student/tests").json()["count"] == 0


def test_a_direct_assignment_reaches_only_that_student(personas, api_client_for):
    test = TestFactory(created_by=personas.teacher)
    AssignmentFactory(test=test, student=personas.other_student)
    assert api_client_for(personas.student).get(f"/api/student/tests/{test.pk}").status_code == 404
    assert api_client_for(personas.other_student).get(f"/api/student/tests/{test.pk}").status_code == 200


def test_inactive_and_deleted_tests_are_hidden_from_students(personas, api_client_for, classroom):
    classroom.test.is_active = False
    classroom.test.save()
    assert api_client_for(personas.student).get("/api/student/tests").json()["count"] == 0
    classroom.test.is_active = True
    classroom.test.mark_deleted()
    classroom.test.save()
    assert api_client_for(personas.student).get(f"/api/student/tests/{classroom.test.pk}").status_code == 404


def test_the_window_is_upcoming_before_and_closed_after(personas, api_client_for):
    now = timezone.now()
    upcoming = AnswerKeyFactory(test__created_by=personas.teacher).test
    AssignmentFactory(test=upcoming, student=personas.student, available_from=now + HOUR)
    closed = AnswerKeyFactory(test__created_by=personas.teacher).test
    AssignmentFactory(test=closed, student=personas.student, available_to=now - HOUR)
    rows = {row["id"]: row for row in api_client_for(personas.student).get("/api/student/tests").json()["results"]}
    assert (rows[upcoming.pk]["window"], rows[upcoming.pk]["can_start"]) == ("upcoming", False)
    assert (rows[closed.pk]["window"], rows[closed.pk]["can_start"]) == ("closed", False)


def test_the_detail_lists_question_types_and_never_the_key(personas, api_client_for, classroom):
    classroom.test.config = {**classroom.test.config, "written_questions": [4]}
    classroom.test.pdf_url = "https://cdn.example/paper.pdf"
    classroom.test.save()
    classroom.key.written_instructions = "4-cü sual: həlli yazın."
    classroom.key.save()
    response = api_client_for(personas.student).get(f"/api/student/tests/{classroom.test.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [(q["number"], q["type"]) for q in body["questions"]] == [
        (1, "mcq"),
        (2, "mcq"),
        (3, "numeric"),
        (4, "written"),
    ]
    assert body["pdf_url"] == "https://cdn.example/paper.pdf"
    assert "written_instructions" not in body  # a column of the answer key: the student never receives it
    text = json.dumps(body)
    assert "mcq_answers" not in text and "numeric_answers" not in text and "həlli yazın" not in text
    # The key's values as values of the body (not as substrings: a timestamp's "22.586215" holds "2.5")
    assert not {"A", "C", "2.5", 2.5} & set(scalars(body))


def test_the_paper_address_is_withheld_until_the_window_opens(personas, api_client_for):
    test = AnswerKeyFactory(test__created_by=personas.teacher, test__pdf_url="https://cdn.example/x.pdf").test
    AssignmentFactory(test=test, student=personas.student, available_from=timezone.now() + HOUR)
    assert api_client_for(personas.student).get(f"/api/student/tests/{test.pk}").json()["pdf_url"] is None


def test_the_list_costs_a_fixed_number_of_queries(personas, api_client_for, django_assert_num_queries, classroom):
    for _ in range(3):
        test = AnswerKeyFactory(test__created_by=personas.teacher).test
        AssignmentFactory(test=test, group=classroom.group)
        AttemptFactory(test=test, student=personas.student)
    client = api_client_for(personas.student)
    # 1-2 knox; 3 count; 4 the page with keys joined; 5 own attempts with results (prefetch); 6 the windows
    with django_assert_num_queries(6):
        body = client.get("/api/student/tests").json()
    assert body["count"] == 4
    assert all(row["attempts_used"] == 1 for row in body["results"] if row["id"] != classroom.test.pk)


@pytest.mark.parametrize("persona", ["teacher", "parent", "admin"])
def test_only_students_use_the_student_endpoints(personas, api_client_for, classroom, persona):
    client = api_client_for(getattr(personas, persona))
    assert client.get("/api/student/tests").status_code == 403
    assert client.post(f"/api/student/tests/{classroom.test.pk}/attempts").status_code == 403


def test_a_student_cannot_read_the_answer_key(personas, api_client_for, classroom):
    response = api_client_for(personas.student).get(f"/api/teacher/tests/{classroom.test.pk}/answer-key")
    assert response.status_code == 403
