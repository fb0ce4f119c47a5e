"""The ranking read from the aggregates the triggers keep (migration 0003_ranking_aggregates) equals the ranking
recomputed from every submission, after each kind of write, in two schools, for every filter; concurrent verdicts
of one student both land; `coding_ranking_rebuild()` gives what the triggers keep."""

import random
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bekrin.accounts.models import User
from bekrin.coding.models import CodingSubmission, CodingTask, SubmissionStatus
from bekrin.coding.selectors import RankingFilters, RankingRow, coding_ranking, coding_ranking_count
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory, TopicFactory
from bekrin.students.models import StudentProfile
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.factories import GroupFactory, MembershipFactory, StudentFactory

# The ranking as it was computed before the aggregates (every submission inside the filters, per request): the
# oracle the aggregates must agree with.
ORACLE_SQL = """
WITH attempts AS (
    SELECT s.student_id, COUNT(*) AS attempts
    FROM coding_submission s
    WHERE {where}
    GROUP BY s.student_id
), solved AS (
    SELECT s.student_id, s.task_id, MIN(s.created_at) AS solved_at
    FROM coding_submission s
    WHERE {where} AND s.status = 'passed'
    GROUP BY s.student_id, s.task_id
), per_student AS (
    SELECT v.student_id, COUNT(*) AS solved_count, SUM(COALESCE(t.points, 0)) AS total_points,
           MAX(v.solved_at) AS last_solved_at
    FROM solved v
    JOIN coding_task t ON t.id = v.task_id
    GROUP BY v.student_id
)
SELECT RANK() OVER (ORDER BY COALESCE(p.total_points, 0) DESC, COALESCE(p.solved_count, 0) DESC,
                             p.last_solved_at ASC NULLS LAST),
       a.student_id, u.full_name, COALESCE(p.solved_count, 0), COALESCE(p.total_points, 0), a.attempts,
       p.last_solved_at
FROM attempts a
LEFT JOIN per_student p ON p.student_id = a.student_id
JOIN "user" u ON u.id = a.student_id
JOIN student_profile sp ON sp.user_id = u.id AND sp.deleted_at IS NULL
ORDER BY 1, u.full_name, u.id
"""


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def oracle(filters: RankingFilters) -> list[RankingRow]:
    org = filters.organization_id
    tenant = "organization_id IS NULL" if org is None else "organization_id = %(organization)s"
    params: dict[str, Any] = {"organization": org}
    if filters.topic_id is None:
        tasks = f"s.task_id <> ALL(ARRAY(SELECT id FROM coding_task WHERE deleted_at IS NOT NULL AND {tenant}))"  # noqa: S608
    else:
        tasks = "s.task_id = ANY(ARRAY(SELECT id FROM coding_task WHERE deleted_at IS NULL AND topic_id = %(topic)s))"
        params["topic"] = filters.topic_id
    where = [f"s.{tenant}", tasks]
    if filters.group_id is not None:
        where.append(
            "s.student_id IN (SELECT student_id FROM group_membership WHERE group_id = %(group)s AND is_active)"
        )
        params["group"] = filters.group_id
    if filters.date_from is not None:
        where.append("s.created_at >= %(from)s")
        params["from"] = day_start(filters.date_from)
    if filters.date_to is not None and filters.date_to < date.max:
        where.append("s.created_at < %(to)s")
        params["to"] = day_start(filters.date_to + timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(ORACLE_SQL.format(where=" AND ".join(where)), params)
        return [RankingRow(*row) for row in cursor.fetchall()]


FIRST_DAY = date(2026, 3, 1)
DAYS = 6
# Local hours that fall on either side of midnight in Baku and of midnight in UTC (20:00 in Baku).
HOURS = (0, 0.2, 3.9, 4.1, 12, 19.9, 20.1, 23.8)
VERDICTS = ("passed", "failed", "error", "timeout")


class School:
    """One school's tasks (two topics, some without points), students and two groups."""

    def __init__(self, teacher, rng: random.Random) -> None:
        org = teacher.organization
        self.organization_id = teacher.organization_id
        self.topics: list[Any] = [
            TopicFactory(organization=org, name=f"Mövzu {self.organization_id}-{n}") for n in range(2)
        ]
        self.tasks: list[Any] = [
            TaskFactory(created_by=teacher, topic=self.topics[n % 3] if n % 3 < 2 else None, points=points)
            for n, points in enumerate((10, 20, None, 20, 5, 0, 30))
        ]
        names = ("Ayan", "Bəhruz", "Cavid", "Dəniz", "Elmira", "Fərid", "Ayan", "Günel")
        self.students: list[Any] = [StudentFactory(organization=org, full_name=name) for name in names]
        self.groups: list[Any] = [GroupFactory(teacher=teacher) for _ in range(2)]
        for n, student in enumerate(self.students):
            MembershipFactory(group=self.groups[n % 2], student=student, is_active=n % 3 != 0)
        self.rng = rng

    def filters(self) -> list[RankingFilters]:
        org, group, topic = self.organization_id, self.groups[0].pk, self.topics[0].pk
        third, fifth = FIRST_DAY + timedelta(days=2), FIRST_DAY + timedelta(days=4)
        return [
            RankingFilters(org),
            RankingFilters(org, group_id=group),
            RankingFilters(org, topic_id=topic),
            RankingFilters(org, topic_id=self.topics[1].pk, group_id=self.groups[1].pk),
            RankingFilters(org, date_from=third, date_to=fifth),
            RankingFilters(org, date_from=third, date_to=third),
            RankingFilters(org, date_from=fifth),
            RankingFilters(org, date_to=third),
            RankingFilters(org, group_id=group, topic_id=topic, date_from=FIRST_DAY + timedelta(days=1), date_to=fifth),
            RankingFilters(org, date_from=date.min, date_to=date.max),
        ]

    def moment(self) -> datetime:
        day = FIRST_DAY + timedelta(days=self.rng.randrange(DAYS))
        return day_start(day) + timedelta(hours=self.rng.choice(HOURS), seconds=self.rng.randrange(60))

    def insert(self, count: int) -> None:
        """One INSERT of `count` rows, as a bulk import would send them."""
        rows = []
        for _ in range(count):
            task, student = self.rng.choice(self.tasks), self.rng.choice(self.students)
            status = self.rng.choice((*VERDICTS, "passed", "pending", "pending", "running"))
            rows.append((self.organization_id, task.pk, student.pk, "print(1)", status, self.moment()))
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO coding_submission (organization_id, task_id, student_id, submitted_code, status, created_at) VALUES {values}",  # noqa: S608, E501
                [value for row in rows for value in row],
            )

    def submissions(self):
        return CodingSubmission.objects.filter(task__in=self.tasks).order_by("pk")

    def judge_some(self) -> None:
        """Verdicts for some unjudged submissions, one statement each, as the worker writes them."""
        for submission in self.submissions().filter(status__in=("pending", "running")):
            if self.rng.random() < 0.7:
                verdict = "passed" if self.rng.random() < 0.5 else self.rng.choice(VERDICTS)
                CodingSubmission.objects.filter(pk=submission.pk).update(status=verdict)

    def rejudge_some(self) -> None:
        """Some passed submissions back to pending in one statement (a rejudge), some moved in time."""
        passed = list(self.submissions().filter(status="passed").values_list("pk", flat=True))
        CodingSubmission.objects.filter(pk__in=self.rng.sample(passed, len(passed) // 3)).update(status="pending")
        for pk in self.rng.sample(passed, min(3, len(passed))):
            CodingSubmission.objects.filter(pk=pk).update(created_at=self.moment())

    def delete_some(self) -> None:
        pks = list(self.submissions().values_list("pk", flat=True))
        CodingSubmission.objects.filter(pk__in=self.rng.sample(pks, len(pks) // 6)).delete()

    def change_tasks(self) -> None:
        task = self.rng.choice(self.tasks)
        CodingTask.all_objects.filter(pk=task.pk).update(points=self.rng.choice((None, 0, 15, 40)))
        moved = self.rng.choice(self.tasks)
        CodingTask.all_objects.filter(pk=moved.pk).update(topic=self.rng.choice([*self.topics, None]))
        deleted = self.rng.choice(self.tasks)
        CodingTask.all_objects.filter(pk=deleted.pk).update(
            deleted_at=None if CodingTask.all_objects.get(pk=deleted.pk).deleted_at else timezone.now()
        )

    def toggle_a_student(self) -> None:
        profile = StudentProfile.all_objects.get(pk=self.rng.choice(self.students).pk)
        StudentProfile.all_objects.filter(pk=profile.pk).update(
            deleted_at=None if profile.deleted_at else timezone.now()
        )

    def rename_a_student(self) -> None:
        """A new name, which moves the student among equal scores: the copy in coding_ranking_student follows."""
        student = self.rng.choice(self.students)
        User.objects.filter(pk=student.pk).update(full_name=self.rng.choice(("Aysel", "Zaur", "Bəhruz", "Ülvi")))


def aggregates() -> dict[str, set[tuple]]:
    tables = {
        "coding_ranking_task": "organization_id, student_id, task_id, attempts, solved_at",
        "coding_ranking_day": "organization_id, student_id, task_id, day, attempts, solved_at",
        "coding_ranking_student": (
            "organization_id, student_id, attempts, solved_count, total_points, last_solved_at, full_name, listed"
        ),
    }
    found = {}
    with connection.cursor() as cursor:
        for table, columns in tables.items():
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608
            found[table] = set(cursor.fetchall())
    return found


def assert_ranking_matches_the_oracle(schools: list[School], step: str) -> None:
    for school in schools:
        for filters in school.filters():
            expected = oracle(filters)
            assert coding_ranking(filters) == expected, (step, filters)
            assert coding_ranking_count(filters) == len(expected), (step, filters)
            assert coding_ranking(filters, offset=2, limit=3) == expected[2:5], (step, filters)


@pytest.fixture
def schools(personas):
    rng = random.Random(13)
    return [School(personas.teacher, rng), School(personas.other_teacher, rng)]


@pytest.mark.django_db
def test_the_ranking_from_the_aggregates_equals_the_recomputation_after_every_kind_of_write(schools):
    assert_ranking_matches_the_oracle(schools, "empty")
    steps = [
        ("insert", lambda school: school.insert(40)),
        ("judge", School.judge_some),
        ("insert one", lambda school: school.insert(1)),
        ("rejudge", School.rejudge_some),
        ("judge again", School.judge_some),
        ("tasks", School.change_tasks),
        ("delete", School.delete_some),
        ("student", School.toggle_a_student),
        ("insert more", lambda school: school.insert(60)),
        ("tasks again", School.change_tasks),
        ("judge once more", School.judge_some),
        ("student again", School.toggle_a_student),
        ("rename", School.rename_a_student),
        ("rename again", School.rename_a_student),
        ("delete again", School.delete_some),
    ]
    for name, step in steps:
        for school in schools:
            step(school)
        assert_ranking_matches_the_oracle(schools, name)
    assert any(coding_ranking(RankingFilters(school.organization_id)) for school in schools)


@pytest.mark.django_db
def test_deleting_every_submission_empties_the_aggregates(schools):
    for school in schools:
        school.insert(30)
    CodingSubmission.objects.all().delete()
    assert aggregates() == {"coding_ranking_task": set(), "coding_ranking_day": set(), "coding_ranking_student": set()}


@pytest.mark.django_db
def test_the_rebuild_gives_what_the_triggers_keep(schools):
    for school in schools:
        school.insert(60)
        school.judge_some()
        school.change_tasks()
        school.delete_some()
    kept = aggregates()
    assert all(kept.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT coding_ranking_rebuild()")
    assert aggregates() == kept
    # What a load with the triggers off leaves behind, repaired by the operator's command.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM coding_ranking_day WHERE attempts > 1")
        cursor.execute(
            "UPDATE coding_ranking_student SET total_points = total_points + 1, full_name = 'x', listed = NOT listed"
        )
    assert aggregates() != kept
    call_command("coding_ranking_rebuild", stdout=StringIO())
    assert aggregates() == kept


@pytest.mark.django_db(transaction=True)
def test_two_verdicts_of_one_student_sent_at_once_both_land(personas):
    teacher = personas.teacher
    tasks = [TaskFactory(created_by=teacher, points=points) for points in (10, 20)]
    student, other = StudentFactory(), StudentFactory()
    # One pending submission per task for each student, so both transactions below touch both students' rows.
    pending = {
        (who.pk, task.pk): SubmissionFactory(task=task, student=who, status=SubmissionStatus.PENDING).pk
        for who in (student, other)
        for task in tasks
    }

    def verdicts(order):
        def job():
            with transaction.atomic():
                CodingSubmission.objects.filter(pk__in=[pending[key] for key in order]).update(status="passed")
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.2)")  # holds its locks while the other one tries

        return job

    # The two statements touch the two students in opposite orders: the triggers lock them in one order.
    run_in_parallel(
        [
            verdicts([(student.pk, tasks[0].pk), (other.pk, tasks[1].pk)]),
            verdicts([(other.pk, tasks[0].pk), (student.pk, tasks[1].pk)]),
        ]
    )
    ranking = coding_ranking(RankingFilters(teacher.organization_id))
    assert ranking == oracle(RankingFilters(teacher.organization_id))
    assert [(row.solved_count, row.total_points) for row in ranking] == [(2, 30), (2, 30)]
