"""The whole-school ranking's JSON kept between changes (coding migration 0006_ranking_snapshot): a read after any
change of the aggregates answers the change, and a build never misses a change committed while it waited."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bekrin.accounts.services import user_update
from bekrin.coding.models import CodingSubmission, RankingSnapshot, SubmissionStatus
from bekrin.coding.selectors import RankingFilters, coding_ranking, coding_ranking_json
from bekrin.coding.tests.factories import SubmissionFactory, TaskFactory
from bekrin.students.services import student_soft_delete
from bekrin.testing.concurrency import second_waits_for_first
from bekrin.testing.factories import StudentFactory

ZONE = "Asia/Baku"


def figures(filters: RankingFilters) -> list[tuple]:
    """The snapshot's rows as (rank, id, name, solved, points, attempts)."""
    return [
        (row["rank"], row["student_id"], row["full_name"], row["solved_count"], row["total_points"], row["attempts"])
        for row in json.loads(coding_ranking_json(filters, ZONE))
    ]


def computed(filters: RankingFilters) -> list[tuple]:
    """The same read from the aggregates, never from the snapshot."""
    return [
        (row.rank, row.student_id, row.full_name, row.solved_count, row.total_points, row.attempts)
        for row in coding_ranking(filters)
    ]


@pytest.fixture
def school(personas):
    task = TaskFactory(created_by=personas.teacher, points=10)
    ayan, behruz = StudentFactory(full_name="Ayan"), StudentFactory(full_name="Bəhruz")
    SubmissionFactory(task=task, student=ayan)
    SubmissionFactory(task=task, student=behruz, status=SubmissionStatus.FAILED)
    return {"task": task, "ayan": ayan, "behruz": behruz, "filters": RankingFilters(personas.teacher.organization_id)}


@pytest.mark.django_db
def test_a_read_between_changes_is_one_query_of_the_kept_json(school):
    first = coding_ranking_json(school["filters"], ZONE)
    with CaptureQueriesContext(connection) as queries:
        again = coding_ranking_json(school["filters"], ZONE)
    assert again == first
    assert len(queries) == 1
    assert "coding_ranking_snapshot" in queries[0]["sql"]


@pytest.mark.django_db
def test_a_process_reads_the_body_again_only_when_its_version_changed(school):
    organization_id = school["filters"].organization_id
    first = coding_ranking_json(school["filters"], ZONE)
    kept = RankingSnapshot.objects.filter(organization_id=organization_id)
    kept.update(body="[]")  # the version is the same: this process answers its own copy
    assert coding_ranking_json(school["filters"], ZONE) == first
    kept.update(body="[]", version=uuid.uuid4())  # as another process's build writes it
    assert coding_ranking_json(school["filters"], ZONE) == "[]"


@pytest.mark.django_db
def test_every_change_of_the_aggregates_shows_in_the_next_read(personas, school):
    filters = school["filters"]
    assert figures(filters) == computed(filters)
    assert [row[2] for row in figures(filters)] == ["Ayan", "Bəhruz"]

    SubmissionFactory(task=school["task"], student=school["behruz"])  # a pass
    SubmissionFactory(task=TaskFactory(created_by=personas.teacher, points=5), student=school["behruz"])
    assert figures(filters) == computed(filters)
    assert figures(filters)[0][2:5] == ("Bəhruz", 2, 15)

    user_update(user=school["ayan"], changes={"full_name": "Ayan Məmmədova"})
    assert [row[2] for row in figures(filters)] == ["Bəhruz", "Ayan Məmmədova"]

    school["task"].points = 50
    school["task"].save()
    assert figures(filters) == computed(filters)
    assert figures(filters)[0][2:5] == ("Bəhruz", 2, 55)

    student_soft_delete(student=school["behruz"])
    assert [row[2] for row in figures(filters)] == ["Ayan Məmmədova"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT coding_ranking_rebuild()")
    assert RankingSnapshot.objects.get(organization_id=filters.organization_id).body is None
    assert figures(filters) == computed(filters)


@pytest.mark.django_db
def test_another_schools_change_keeps_ours_and_another_zone_is_built_in_it(personas, school):
    ours = coding_ranking_json(school["filters"], ZONE)
    elsewhere_school = personas.other_teacher.organization
    SubmissionFactory(
        task=TaskFactory(created_by=personas.other_teacher), student=StudentFactory(organization=elsewhere_school)
    )
    assert RankingSnapshot.objects.get(organization_id=school["filters"].organization_id).body == ours
    elsewhere = coding_ranking_json(school["filters"], "America/Sao_Paulo")
    assert elsewhere != ours  # the last solve's time is written with another offset
    assert json.loads(elsewhere)[0]["last_solved_at"].endswith("-03:00")
    assert RankingSnapshot.objects.get(organization_id=school["filters"].organization_id).zone == "America/Sao_Paulo"


@pytest.mark.django_db(transaction=True)
def test_a_build_waits_for_a_verdict_being_committed_and_counts_it(personas):
    task = TaskFactory(created_by=personas.teacher, points=10)
    student = StudentFactory(full_name="Cavid")
    pending = SubmissionFactory(task=task, student=student, status=SubmissionStatus.PENDING)
    filters = RankingFilters(personas.teacher.organization_id)
    read = second_waits_for_first(
        lambda: CodingSubmission.objects.filter(pk=pending.pk).update(status=SubmissionStatus.PASSED),
        lambda: coding_ranking_json(filters, ZONE),
    )
    [row] = json.loads(read)
    assert (row["full_name"], row["solved_count"], row["total_points"]) == ("Cavid", 1, 10)
    assert json.loads(coding_ranking_json(filters, ZONE)) == [row]
