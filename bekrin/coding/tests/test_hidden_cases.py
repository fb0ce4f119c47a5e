"""Decision 13 (docs/DECISIONS.md): a student never receives the input or expected output of a hidden test case,
from any endpoint, whatever their program does with it (echo it, put it in an exception, crash on it)."""

import json

import pytest

from bekrin.coding.tests.factories import TaskFactory

HIDDEN_INPUT = "918273 645546"
HIDDEN_EXPECTED = "1563819"
HIDDEN = (HIDDEN_INPUT, HIDDEN_EXPECTED, "918273", "645546")

PROGRAMS = [
    # passes the example, echoes the hidden input as its answer
    "s = input()\nprint(5 if s == '2 3' else s)\n",
    # passes the example, puts the hidden input in an exception message
    "s = input()\nif s != '2 3':\n    raise ValueError('got ' + s)\nprint(5)\n",
    # passes the example, prints the hidden input to stderr and exits with an error
    "import sys\ns = input()\nif s != '2 3':\n    sys.stderr.write(s)\n    sys.exit(3)\nprint(5)\n",
    # prints the input back everywhere (fails the example too)
    "print(input())\n",
    # wrong on the hidden case by one, so a diff would show the expected value
    "a, b = map(int, input().split())\nprint(a + b + (0 if a == 2 else 1))\n",
    "print((\n",
    # passes the example, names its own exception class after the hidden input
    "s = input()\nif s != '2 3':\n    raise type('E' + s.replace(' ', '_'), (Exception,), {})()\nprint(5)\n",
]


def assert_nothing_hidden(response):
    text = json.dumps(response.json(), ensure_ascii=False)
    for secret in HIDDEN:
        assert secret not in text, f"{response.request['PATH_INFO']} leaks {secret!r}: {text[:500]}"


@pytest.mark.django_db(transaction=True)
def test_no_student_endpoint_ever_shows_a_hidden_case(personas, api_client_for, judge_worker):
    task = TaskFactory(
        created_by=personas.teacher,
        cases=[("2 3\n", "5\n", "2 + 3 = 5"), (HIDDEN_INPUT + "\n", HIDDEN_EXPECTED + "\n", None)],
    )
    teacher_view = api_client_for(personas.teacher).get(f"/api/teacher/coding/tasks/{task.pk}").json()
    assert HIDDEN_INPUT in json.dumps(teacher_view)  # the secret is real; only students must not see it

    student = api_client_for(personas.student)
    responses = [student.get("/api/student/coding/tasks"), student.get(f"/api/student/coding/tasks/{task.pk}")]
    for code in PROGRAMS:
        submitted = student.post(f"/api/student/coding/tasks/{task.pk}/submissions", {"code": code}, format="json")
        assert submitted.status_code == 201, submitted.content
        responses.append(submitted)
        responses.append(student.get(f"/api/student/coding/submissions/{submitted.json()['id']}"))
    responses += [
        student.get("/api/student/coding/tasks"),
        student.get(f"/api/student/coding/tasks/{task.pk}"),
        student.get("/api/student/coding/submissions"),
        student.get("/api/student/coding/submissions", {"task_id": task.pk}),
    ]
    statuses = {response.json()["status"] for response in responses if "status" in response.json()}
    assert {"failed", "error"} <= statuses  # the programs did fail on the hidden case
    for response in responses:
        assert response.status_code in (200, 201)
        assert_nothing_hidden(response)
    # A failure on the visible example is explained in full.
    echo_everything = responses[2 + 2 * 3]
    assert "2 3" in echo_everything.json()["error_message"]
