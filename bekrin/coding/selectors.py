"""Every read of coding rows. Each starts from the caller's visible queryset (bekrin.coding.permissions) and loads
what its serializer needs, so a list costs a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bekrin.coding.models import (
    FINAL_SUBMISSION_STATUSES,
    CodingImport,
    CodingProgress,
    CodingSubmission,
    CodingTask,
    CodingTestCase,
    CodingTopic,
    ImportStatus,
    RankingTask,
    SubmissionStatus,
)
from bekrin.coding.verdicts import IMPORT_FINISHED, SUBMISSION_JUDGED, wait_for
from bekrin.groups.models import GroupMembership

TASK_ORDER = (F("order_index").asc(nulls_last=True), "id")
# More than any school has students: the end of an open slice of the ranking.
MAX_RANKING_ROWS = 2**31 - 1


def topic_list(visible: QuerySet[CodingTopic]) -> QuerySet[CodingTopic]:
    return visible.annotate(task_count=Count("tasks", filter=Q(tasks__deleted_at__isnull=True))).order_by("name", "id")


def task_list(visible: QuerySet[CodingTask]) -> QuerySet[CodingTask]:
    # Meta.ordering does not apply to a GROUP BY query, so the task order is spelled out.
    return visible.select_related("topic").annotate(test_case_count=Count("test_cases")).order_by(*TASK_ORDER)


def task_detail(visible: QuerySet[CodingTask]) -> QuerySet[CodingTask]:
    """For the teacher: every test case, hidden ones included."""
    return task_list(visible).prefetch_related("test_cases")


def student_task_list(visible: QuerySet[CodingTask], *, student_id: int) -> QuerySet[CodingTask]:
    """Tasks with the student's own `progress_status`, `best_score` and `attempts`."""
    progress = CodingProgress.objects.filter(student_profile_id=student_id, exercise=OuterRef("pk"))
    # The ranking's aggregate counts every submission of a (student, task) as it lands: one row by its key per
    # task, where counting the submissions read a task's whole history at a big school.
    attempts = RankingTask.objects.filter(student_id=student_id, task_id=OuterRef("pk")).values("attempts")[:1]
    return (
        visible.select_related("topic")
        .annotate(
            progress_status=Subquery(progress.values("status")[:1]),
            best_score=Subquery(progress.values("score")[:1]),
            attempts=Coalesce(Subquery(attempts, output_field=IntegerField()), Value(0)),
        )
        .order_by(*TASK_ORDER)
    )


def student_task_detail(visible: QuerySet[CodingTask], *, student_id: int) -> QuerySet[CodingTask]:
    """Loads every case, but `examples(task)` is the only way a student's response reaches them."""
    return student_task_list(visible, student_id=student_id).prefetch_related(
        Prefetch("test_cases", queryset=CodingTestCase.objects.all())
    )


def examples(task: CodingTask) -> list[CodingTestCase]:
    """The visible test cases (docs/DECISIONS.md, decision 13), decided by the one rule the judge uses too
    (`is_visible`)."""
    return [case for case in task.test_cases.all() if case.is_visible]


def student_task_status(task: Any) -> str:
    if task.progress_status:
        return str(task.progress_status)
    return "attempted" if task.attempts else "not_started"


def submission_list(visible: QuerySet[CodingSubmission]) -> QuerySet[CodingSubmission]:
    """Submissions with their task and student, newest first."""
    return visible.select_related("task", "student").order_by("-created_at", "-id")


def submissions_of_active_members(rows: QuerySet[CodingSubmission], group_id: int) -> QuerySet[CodingSubmission]:
    members = GroupMembership.objects.filter(group_id=group_id, is_active=True).values("student_id")
    return rows.filter(student_id__in=members)


def submission_wait_for_verdict(*, submission_id: int, seconds: float) -> bool:
    """Wait until the submission has a final status or `seconds` pass; True when judged (bekrin.coding.verdicts)."""
    judged = CodingSubmission.objects.filter(pk=submission_id, status__in=FINAL_SUBMISSION_STATUSES)
    return wait_for(SUBMISSION_JUDGED, submission_id, judged.exists, seconds=seconds)


def submission_awaited(
    rows: QuerySet[CodingSubmission], submission: CodingSubmission, *, seconds: float
) -> CodingSubmission:
    """`submission` as it is once judged, or after `seconds` when it is still pending or running then."""
    if submission.status in FINAL_SUBMISSION_STATUSES or not seconds:
        return submission
    submission_wait_for_verdict(submission_id=submission.pk, seconds=seconds)
    return rows.get(pk=submission.pk)


def import_wait_for_outcome(*, import_id: int, seconds: float) -> bool:
    """Wait until a worker has recorded the import's outcome or `seconds` pass; True when it has."""
    finished = CodingImport.objects.filter(pk=import_id, status__in=(ImportStatus.DONE, ImportStatus.FAILED))
    return wait_for(IMPORT_FINISHED, import_id, finished.exists, seconds=seconds)


def oldest_pending_submission_age() -> int | None:
    """Whole seconds the oldest `pending` submission has waited for a worker; None when none waits (a `running`
    one is with a worker).

    It reads the first entries of the partial index coding_submission_unjudged (migration 0004_submission_indexes):
    `pending` is within the index's predicate, so PostgreSQL uses it and skips the few `running` rows."""
    oldest = (
        CodingSubmission.objects.filter(status=SubmissionStatus.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    # created_at comes from the web servers' clocks: a little skew must not show a negative wait.
    return max(0, int((timezone.now() - oldest).total_seconds()))


@dataclass(frozen=True)
class RankingRow:
    rank: int
    student_id: int
    full_name: str
    solved_count: int
    total_points: int
    attempts: int
    last_solved_at: datetime | None


@dataclass(frozen=True)
class RankingFilters:
    """What narrows the submissions a ranking counts: `group_id` to the group's active members, `topic_id` to the
    topic's tasks, `date_from`/`date_to` (inclusive local dates) to when they were sent."""

    organization_id: int | None
    group_id: int | None = None
    topic_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


# The ranking reads the aggregates the triggers of migration 0003_ranking_aggregates keep, never coding_submission:
# the whole school from coding_ranking_student alone (one row per student, with the name and whether the student is
# listed, migration 0005_ranking_student_names); a topic from coding_ranking_task and a period from
# coding_ranking_day, summed per student here. Soft-deleted tasks and students are left out. RANK() gives equal
# rows an equal rank, over the whole filtered ranking, so a page's ranks are those of the whole list. The rows are
# ordered by the rank's key and then the name, which is the order by rank and name in one sort.
_RANKED_SQL = """
SELECT RANK() OVER score, p.student_id, p.full_name, p.solved_count, p.total_points, p.attempts, p.last_solved_at
FROM ({per_student}) p
WHERE p.attempts > 0
WINDOW score AS (ORDER BY p.total_points DESC, p.solved_count DESC, p.last_solved_at ASC NULLS LAST)
ORDER BY p.total_points DESC, p.solved_count DESC, p.last_solved_at ASC NULLS LAST, p.full_name, p.student_id
LIMIT %(limit)s OFFSET %(offset)s
"""

_COUNT_SQL = "SELECT COUNT(*) FROM (SELECT 1 FROM ({per_student}) p WHERE p.attempts > 0 LIMIT %(at_most)s) c"

# A (student, task) is solved in the filters when one of its rows has a pass: the earliest is its solve.
_SUMMED_SQL = """
SELECT v.student_id, SUM(v.attempts)::bigint AS attempts, COUNT(v.solved_at) AS solved_count,
       COALESCE(SUM(v.points) FILTER (WHERE v.solved_at IS NOT NULL), 0)::bigint AS total_points,
       MAX(v.solved_at) AS last_solved_at
FROM (
    SELECT r.student_id, SUM(r.attempts) AS attempts, MIN(r.solved_at) AS solved_at, COALESCE(t.points, 0) AS points
    FROM {table} r
    JOIN coding_task t ON t.id = r.task_id AND {tasks}
    WHERE {where}
    GROUP BY r.student_id, r.task_id, t.points
) v
GROUP BY v.student_id
"""

# The summed figures with the name, of the students listed.
_NAMED_SQL = """
SELECT s.*, u.full_name
FROM ({summed}) s
JOIN "user" u ON u.id = s.student_id
JOIN student_profile sp ON sp.user_id = s.student_id AND sp.deleted_at IS NULL
"""


def _per_student_sql(filters: RankingFilters) -> tuple[str, dict[str, Any]]:
    """The figures per student inside the filters, and their parameters. Only constant fragments are put together
    here: every value goes in as a parameter."""
    params: dict[str, Any] = {"organization": filters.organization_id}
    where = ["r.organization_id IS NULL" if filters.organization_id is None else "r.organization_id = %(organization)s"]
    if filters.group_id is not None:
        where.append(
            "r.student_id IN (SELECT student_id FROM group_membership WHERE group_id = %(group)s AND is_active)"
        )
        params["group"] = filters.group_id
    dated = filters.date_from is not None or filters.date_to is not None
    if filters.topic_id is None and not dated:
        columns = "r.student_id, r.full_name, r.attempts, r.solved_count, r.total_points, r.last_solved_at"
        where.append("r.listed")
        return f"SELECT {columns} FROM coding_ranking_student r WHERE {' AND '.join(where)}", params  # noqa: S608
    tasks = "t.deleted_at IS NULL"
    if filters.topic_id is not None:
        tasks += " AND t.topic_id = %(topic)s"
        params["topic"] = filters.topic_id
    if filters.date_from is not None:
        where.append("r.day >= %(from)s")
        params["from"] = filters.date_from
    if filters.date_to is not None:
        where.append("r.day <= %(to)s")
        params["to"] = filters.date_to
    table = "coding_ranking_day" if dated else "coding_ranking_task"
    summed = _SUMMED_SQL.format(table=table, tasks=tasks, where=" AND ".join(where))
    return _NAMED_SQL.format(summed=summed), params


def coding_ranking(filters: RankingFilters, *, offset: int = 0, limit: int | None = None) -> list[RankingRow]:
    """Students of one organization ranked by the points of distinct solved tasks, then solved count, then the
    earlier last solve, then by name; `offset`/`limit` take a part of that whole ranking."""
    per_student, params = _per_student_sql(filters)
    with connection.cursor() as cursor:
        cursor.execute(_RANKED_SQL.format(per_student=per_student), {**params, "offset": offset, "limit": limit})
        return [RankingRow(*row) for row in cursor.fetchall()]


# The whole ranking as the JSON array the API answers, built by PostgreSQL: a whole school is 10,000 rows, which
# through Python objects cost several times the query. The aggregate orders the rows as the ranked subquery does
# (a subquery's order does not bind an aggregate over it), written as
# DRF's compact JSONRenderer writes them; a time as its DateTimeField shows it: isoformat() in the zone,
# microseconds only when there are some, "Z" for a zero offset. One to_char per row: it is most of the cost.
_JSON_SQL = """
SELECT '[' || COALESCE(string_agg(
    '{{"rank":' || q.rank || ',"student_id":' || q.student_id || ',"full_name":' || to_json(q.full_name)::text
    || ',"solved_count":' || q.solved_count || ',"total_points":' || q.total_points
    || ',"attempts":' || q.attempts || ',"last_solved_at":' || COALESCE(
        '"' || CASE WHEN right(z.local, 7) = '.000000' THEN left(z.local, 19) ELSE z.local END
        || CASE WHEN z.offset_ = interval '0' THEN 'Z'
                WHEN z.offset_ < interval '0' THEN '-' || to_char(-z.offset_, 'HH24:MI')
                ELSE '+' || to_char(z.offset_, 'HH24:MI') END || '"',
        'null'
    ) || '}}', ',' ORDER BY q.rank, q.full_name, q.student_id
), '') || ']'
FROM ({ranked}) q
CROSS JOIN LATERAL (
    SELECT to_char(l.t, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS local, l.t - (q.last_solved_at AT TIME ZONE 'UTC') AS offset_
    FROM (SELECT q.last_solved_at AT TIME ZONE %(zone)s AS t) l
) z
"""


# The whole school's JSON is kept in coding_ranking_snapshot between changes (migration 0006_ranking_snapshot
# says how it is marked stale). A stale or missing one is built under the snapshot row's lock, which every change
# of the school's aggregates also takes: the build sees every change committed before it, and a later change marks
# the new body stale. After waiting for the lock, a body another request has just built is taken as it is.
# Each process also keeps the last body it read per school with its version (a random one per build), and asks
# for the body only when the version differs: a school of 10,000 students is 1.6 MB to copy out of the database.
_SNAPSHOT_SQL = """
SELECT version, CASE WHEN version = %(known)s THEN NULL ELSE body END
FROM coding_ranking_snapshot WHERE {school} AND zone = %(zone)s AND body IS NOT NULL
"""
_SNAPSHOT_LOCK_SQL = """
INSERT INTO coding_ranking_snapshot AS s (organization_id, zone, body) VALUES (%(organization)s, %(zone)s, NULL)
ON CONFLICT (organization_id) DO UPDATE
    SET zone = EXCLUDED.zone, body = CASE WHEN s.zone = EXCLUDED.zone THEN s.body END
RETURNING version, body
"""
_SNAPSHOT_WRITE_SQL = """
UPDATE coding_ranking_snapshot SET body = ({json}), version = gen_random_uuid() WHERE {school} RETURNING version, body
"""
# This process's copies, by (organization, zone): (version, body). The oldest goes when there are more.
_kept_bodies: dict[tuple[int | None, str], tuple[UUID, str]] = {}
KEPT_BODIES = 64


def _kept(key: tuple[int | None, str], version: UUID, body: str) -> str:
    _kept_bodies.pop(key, None)
    _kept_bodies[key] = (version, body)
    while len(_kept_bodies) > KEPT_BODIES:
        del _kept_bodies[next(iter(_kept_bodies))]
    return body


def coding_ranking_json(filters: RankingFilters, zone: str) -> str:
    """coding_ranking(filters) as a JSON array of objects, its times in the time zone `zone`."""
    per_student, params = _per_student_sql(filters)
    params |= {"offset": 0, "limit": None, "zone": zone}
    json_sql = _JSON_SQL.format(ranked=_RANKED_SQL.format(per_student=per_student))
    whole_school = filters == RankingFilters(organization_id=filters.organization_id)
    with connection.cursor() as cursor:
        if not whole_school:
            cursor.execute(json_sql, params)
            return str(cursor.fetchone()[0])
        key = (filters.organization_id, zone)
        known_version, known_body = _kept_bodies.get(key, (None, ""))
        school = "organization_id IS NULL" if filters.organization_id is None else "organization_id = %(organization)s"
        cursor.execute(_SNAPSHOT_SQL.format(school=school), {**params, "known": known_version})
        if kept := cursor.fetchone():
            version, body = kept
            return known_body if body is None else _kept(key, version, body)
        with transaction.atomic():
            cursor.execute(_SNAPSHOT_LOCK_SQL, params)
            version, body = cursor.fetchone()
            if body is None:
                cursor.execute(_SNAPSHOT_WRITE_SQL.format(json=json_sql, school=school), params)
                version, body = cursor.fetchone()
            return _kept(key, version, body)


def coding_ranking_count(filters: RankingFilters, *, at_most: int | None = None) -> int:
    """How many students the ranking lists, counting no further than `at_most` when given."""
    per_student, params = _per_student_sql(filters)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL.format(per_student=per_student), {**params, "at_most": at_most})
        return int(cursor.fetchone()[0])


class RankingPages:
    """The ranking as the paginator reads it (bekrin/core/pagination.py, CountedRows): a count over the aggregates
    that stops where the page's count would no longer be given, and a slice, the ranked rows of one page; each is
    one query."""

    def __init__(self, filters: RankingFilters) -> None:
        self.filters = filters

    def count_at_most(self, limit: int) -> int:
        return coding_ranking_count(self.filters, at_most=limit)

    def __getitem__(self, part: slice) -> list[RankingRow]:
        start, stop, _step = part.indices(MAX_RANKING_ROWS)
        return coding_ranking(self.filters, offset=start, limit=stop - start)
