"""The coding pages through Django's client: tasks by topic, submissions with their code, the ranking by group and
period; another school's ids; fixed queries."""

import pytest

from bekrin.testing.coding import school_with_work
from bekrin.testing.factories import OrganizationFactory, TeacherFactory
from bekrin.testing.web import client_of, queries_of

pytestmark = pytest.mark.django_db


def test_tasks_are_listed_by_topic_and_submissions_show_their_code():
    teacher = TeacherFactory()
    topic, task, _group, submissions = school_with_work(teacher)
    client = client_of(teacher)

    tasks = client.get(f"/teacher/coding/tasks?topic_id={topic.pk}").content.decode()
    listed = client.get(f"/teacher/coding/submissions?task_id={task.pk}&status=passed").content.decode()
    shown = client.get(f"/teacher/coding/submissions/{submissions[0].pk}").content.decode()

    assert "İki ədədin cəmi" in tasks and "Asan" in tasks
    assert submissions[0].student.full_name in listed and submissions[1].student.full_name not in listed
    assert "print(sum(map(int, input().split())))  # 0" in shown and "Keçdi" in shown


def test_the_ranking_orders_by_points_and_is_narrowed_by_group_and_period():
    teacher = TeacherFactory()
    _topic, _task, group, submissions = school_with_work(teacher, students=3)
    client = client_of(teacher)

    ranking = client.get(f"/teacher/coding/ranking?group_id={group.pk}").content.decode()
    winner, loser = submissions[0].student.full_name, submissions[1].student.full_name
    assert ranking.index(winner) < ranking.index(loser)
    empty = client.get("/teacher/coding/ranking?from=2000-01-01&to=2000-01-31").content.decode()
    assert winner not in empty
    assert client.get("/teacher/coding/ranking?from=2026-12-31&to=2026-12-01").status_code == 400


def test_another_schools_coding_rows_are_missing():
    mine = TeacherFactory()
    theirs = TeacherFactory(organization=OrganizationFactory(name="Digər məktəb", slug="diger"))
    topic, task, group, submissions = school_with_work(theirs)
    client = client_of(mine)

    answers = {
        "submission": client.get(f"/teacher/coding/submissions/{submissions[0].pk}").status_code,
        "submissions of their task": client.get(f"/teacher/coding/submissions?task_id={task.pk}").status_code,
        "submissions of their group": client.get(f"/teacher/coding/submissions?group_id={group.pk}").status_code,
        "tasks of their topic": client.get(f"/teacher/coding/tasks?topic_id={topic.pk}").status_code,
        "ranking of their group": client.get(f"/teacher/coding/ranking?group_id={group.pk}").status_code,
    }

    assert answers == dict.fromkeys(answers, 404)
    assert task.title not in client.get("/teacher/coding/tasks").content.decode()


def test_the_coding_pages_run_as_many_queries_for_a_big_school_as_for_a_small_one():
    counts = []
    for students in (1, 30):
        teacher = TeacherFactory(organization=OrganizationFactory(name=f"Məktəb {students}", slug=f"m{students}"))
        _topic, _task, _group, submissions = school_with_work(teacher, students=students)
        client = client_of(teacher)
        paths = ("/teacher/coding/tasks", "/teacher/coding/submissions", "/teacher/coding/ranking",
                 f"/teacher/coding/submissions/{submissions[-1].pk}")  # fmt: skip
        counts.append([queries_of(client, path) for path in paths])
    assert counts[0] == counts[1]
