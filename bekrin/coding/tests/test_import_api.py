"""The JSON import. Reference solutions run in the real sandbox, in a judge worker (never the web process): these
tests commit, so the module's worker sees what they write."""

import copy
import time

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from bekrin.coding.models import CodingImport, CodingSubmission, CodingTask, CodingTopic
from bekrin.coding.permissions import can_view_import, imports_visible_to
from bekrin.coding.services import IMPORT_TASK, import_start
from bekrin.coding.tests.factories import SUM_SOLUTION, SubmissionFactory, TaskFactory, TopicFactory
from bekrin.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def worker(judge_worker):
    return judge_worker


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
    # Its cases changed, so it is judged again: the worker queues that once its import has committed (and may
    # already have judged it).
    rejudge = ProcrastinateJob.objects.filter(queueing_lock=f"coding.submission:{submission.pk}")
    deadline = time.monotonic() + 10
    while not rejudge.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rejudge.exists()
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
        import_start(actor=personas.teacher, tasks=[task])
    assert refused.value.fields.keys() == {"tasks[0].points"}
    assert not CodingTask.objects.exists()


def test_reference_solutions_are_run_by_a_judge_worker_not_by_the_request(personas, api_client_for):
    response = api_client_for(personas.teacher).post(URL, PAYLOAD, format="json")
    assert response.status_code == 200, response.content
    recorded = CodingImport.objects.get()
    assert (recorded.status, recorded.result["task_ids"]) == ("done", response.json()["task_ids"])
    job = ProcrastinateJob.objects.get(task_name=IMPORT_TASK, args={"import_id": recorded.pk})
    assert job.status == "succeeded"


def test_an_import_without_reference_solutions_needs_no_worker(personas, api_client_for):
    data = copy.deepcopy(PAYLOAD)
    del data["tasks"][0]["reference_solution"]
    response = api_client_for(personas.teacher).post(URL, data, format="json")
    assert response.status_code == 200
    recorded = CodingImport.objects.get()
    assert recorded.status == "done"
    assert not ProcrastinateJob.objects.filter(task_name=IMPORT_TASK, args={"import_id": recorded.pk}).exists()


def wait_for_import(client, url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(url).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"{url} stayed {body['status']}")


def test_an_import_still_being_checked_answers_202_and_its_outcome_is_read_later(personas, api_client_for, settings):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    client = api_client_for(personas.teacher)
    response = client.post(URL, PAYLOAD, format="json")
    assert response.status_code == 202
    pending = response.json()
    assert pending["status"] in ("pending", "running") and (pending["result"], pending["error"]) == (None, None)
    done = wait_for_import(client, f"/api/teacher/coding/imports/{pending['id']}")
    assert done["status"] == "done" and done["error"] is None
    assert (done["result"]["created"], done["result"]["topics_created"]) == (3, 1)
    assert done["finished_at"] is not None


def test_a_failed_import_read_later_gives_the_same_error_as_the_import_would(personas, api_client_for, settings):
    settings.JUDGE_SUBMIT_WAIT_SECONDS = 0
    client = api_client_for(personas.teacher)
    wrong = "a, b = map(int, input().split())\nprint(a * b)\n"
    response = client.post(URL, payload(reference_solution=wrong), format="json")
    assert response.status_code == 202
    failed = wait_for_import(client, f"/api/teacher/coding/imports/{response.json()['id']}")
    assert failed["status"] == "failed" and failed["result"] is None
    assert failed["error"]["code"] == "reference_solution_failed"
    assert failed["error"]["fields"].keys() == {"tasks[0].test_cases[0]"}
    assert "İki ədədin cəmi" in failed["error"]["message"]
    assert not CodingTask.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("teacher", 200), ("admin", 200), ("other_teacher", 404), ("student", 403), ("parent", 403), ("anonymous", 401)],
)
def test_an_imports_outcome_is_read_by_its_schools_staff_only(personas, api_client_for, persona, expected):
    recorded = import_start(actor=personas.teacher, tasks=[payload()["tasks"][2]])
    url = f"/api/teacher/coding/imports/{recorded.pk}"
    assert api_client_for(personas.as_dict()[persona]).get(url).status_code == expected
    user = personas.as_dict()[persona]
    if user is not None:
        assert imports_visible_to(user).filter(pk=recorded.pk).exists() == can_view_import(user, recorded)
