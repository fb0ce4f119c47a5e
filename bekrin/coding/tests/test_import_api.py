"""The JSON import. Reference solutions run in the real sandbox, in the request (they are the teacher's code)."""

import copy

import pytest

from bekrin.coding.models import CodingSubmission, CodingTask, CodingTopic
from bekrin.coding.services import tasks_import
from bekrin.coding.tests.factories import SUM_SOLUTION, SubmissionFactory, TaskFactory, TopicFactory
from bekrin.core.errors import DomainError

pytestmark = pytest.mark.django_db

URL = "/api/teacher/coding/import"

PAYLOAD = {
    "tasks": [
        {
            "title": "İki ədədin cəmi",
            "description": "İki tam ədədin cəmini çap edin.",
            "difficulty": "easy",
            "points": 10,
            "topic": "Giriş və çıxış",
            "starter_code": "# yazın\n",
            "test_cases": [
                {"input": "2 3\n", "expected": "5\n", "explanation": "2 + 3 = 5"},
                {"input": "40 2\n", "expected": "42\n"},
            ],
            "reference_solution": SUM_SOLUTION,
        },
        {
            "title": "Salam",
            "description": "Salam, dünya! çap edin.",
            "difficulty": "medium",
            "topic": "Giriş və çıxış",
            "test_cases": [{"input": "", "expected": "Salam, dünya!\n"}],
        },
        {
            "title": "Mövzusuz",
            "description": "Heç nə çap etməyin.",
            "difficulty": "hard",
            "test_cases": [{"input": "", "expected": ""}],
        },
    ]
}


def payload(**changes_to_first):
    data = copy.deepcopy(PAYLOAD)
    data["tasks"][0].update(changes_to_first)
    return data


def test_import_creates_topics_by_name_and_tasks_with_their_cases(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, PAYLOAD, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["topics_created"]) == (3, 0, 1)
    tasks = [CodingTask.objects.get(pk=pk) for pk in body["task_ids"]]
    assert [task.title for task in tasks] == ["İki ədədin cəmi", "Salam", "Mövzusuz"]
    assert tasks[0].topic == tasks[1].topic == CodingTopic.objects.get(name="Giriş və çıxış")
    assert tasks[2].topic is None
    assert [case.is_visible for case in tasks[0].test_cases.all()] == [True, False]
    assert tasks[0].created_by == personas.teacher


def test_importing_again_updates_the_same_title_and_topic_instead_of_duplicating(personas, api_client_for):
    existing_topic = TopicFactory(name="Giriş və çıxış")
    old = TaskFactory(created_by=personas.teacher, topic=existing_topic, title="İki ədədin cəmi")
    submission = SubmissionFactory(task=old, student=personas.student)
    response = api_client_for(personas.teacher).post(URL, PAYLOAD, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["topics_created"]) == (2, 1, 0)
    assert body["task_ids"][0] == old.pk
    old.refresh_from_db()
    assert (old.points, old.starter_code) == (10, "# yazın\n")
    assert [case.input for case in old.test_cases.all()] == ["2 3\n", "40 2\n"]
    submission.refresh_from_db()
    assert submission.status == "pending"  # its cases changed, so it is judged again
    second = api_client_for(personas.teacher).post(URL, PAYLOAD, format="json").json()
    assert (second["created"], second["updated"]) == (0, 3)
    assert CodingTask.objects.count() == 3


def test_a_task_of_another_school_with_the_same_title_is_not_touched(personas, api_client_for):
    theirs = TaskFactory(created_by=personas.other_teacher, title="Mövzusuz")
    response = api_client_for(personas.teacher).post(URL, PAYLOAD, format="json")
    assert response.json()["created"] == 3
    theirs.refresh_from_db()
    assert theirs.difficulty == "easy"


def test_a_failing_reference_solution_stops_the_import_naming_the_task_and_case(personas, api_client_for):
    wrong = "a, b = map(int, input().split())\nprint(a * b)\n"  # 2 * 3 != 5 already on the first case
    response = api_client_for(personas.teacher).post(URL, payload(reference_solution=wrong), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "reference_solution_failed"
    assert error["fields"].keys() == {"tasks[0].test_cases[0]"}
    assert "İki ədədin cəmi" in error["message"]
    assert not CodingTask.objects.exists()
    assert not CodingTopic.objects.exists()


def test_a_reference_solution_that_does_not_compile_names_the_task(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, payload(reference_solution="print(("), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"tasks[0].reference_solution"}


def test_a_reference_solution_that_runs_too_long_fails_in_the_sandbox(personas, api_client_for):
    response = api_client_for(personas.teacher).post(
        URL, payload(reference_solution="while True:\n    pass\n"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reference_solution_failed"


def test_reference_solutions_run_in_the_sandbox_too(personas, api_client_for):
    """On the server this would print root's line of /etc/passwd and pass; the sandbox has no /etc."""
    data = payload(
        test_cases=[{"input": "", "expected": "root\n"}],
        reference_solution="print(open('/etc/passwd').read().split(':')[0])\n",
    )
    response = api_client_for(personas.teacher).post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reference_solution_failed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "tasks"),
        ({"tasks": []}, "tasks"),
        ({"tasks": "x"}, "tasks"),
        (
            {"tasks": [{"title": "A", "description": "d", "difficulty": "easy", "test_cases": []}]},
            "tasks[0].test_cases",
        ),
        (
            {"tasks": [{"title": "A", "description": "d", "difficulty": "easy", "test_cases": [{"input": "1"}]}]},
            "tasks[0].test_cases[0].expected",
        ),
        (
            {
                "tasks": [
                    {"title": "A", "description": "d", "difficulty": "x", "test_cases": [{"input": "", "expected": ""}]}
                ]
            },
            "tasks[0].difficulty",
        ),
    ],
)
def test_a_malformed_import_is_a_400_naming_the_field(personas, api_client_for, body, field):
    response = api_client_for(personas.teacher).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not CodingTask.objects.exists()


def test_the_error_message_names_the_task_title_and_the_case(personas, api_client_for):
    data = payload()
    del data["tasks"][1]["test_cases"][0]["expected"]
    response = api_client_for(personas.teacher).post(URL, data, format="json")
    message = response.json()["error"]["message"]
    assert "Salam" in message and "2" in message and "expected" in message


def test_invalid_json_is_a_parse_error(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_the_same_title_and_topic_twice_in_one_file_is_refused(personas, api_client_for):
    data = copy.deepcopy(PAYLOAD)
    data["tasks"].append(copy.deepcopy(data["tasks"][1]))
    response = api_client_for(personas.teacher).post(URL, data, format="json")
    assert response.status_code == 400
    assert "tasks[3].title" in response.json()["error"]["fields"]
    assert not CodingSubmission.objects.exists() and not CodingTask.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), [("student", 403), ("parent", 403), ("anonymous", 401)])
def test_only_staff_import(personas, api_client_for, persona, expected):
    assert api_client_for(personas.as_dict()[persona]).post(URL, PAYLOAD, format="json").status_code == expected


def test_a_task_worth_more_than_ten_thousand_points_is_not_imported(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, payload(points=10_001), format="json")
    assert response.status_code == 400
    assert "tasks[0].points" in response.json()["error"]["fields"]
    assert not CodingTask.objects.exists()


def test_the_import_service_refuses_more_than_ten_thousand_points_too(personas):
    task = {**payload()["tasks"][2], "points": 10_001}
    with pytest.raises(DomainError) as refused:
        tasks_import(actor=personas.teacher, tasks=[task])
    assert refused.value.fields.keys() == {"tasks[0].points"}
    assert not CodingTask.objects.exists()
