"""Every read of coding rows. Each starts from the caller's visible queryset (bekrin.coding.permissions) and loads
what its serializer needs, so a list costs a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
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
    SubmissionStatus,
)
from bekrin.coding.verdicts import IMPORT_FINISHED, SUBMISSION_JUDGED, wait_for
from bekrin.groups.models import GroupMembership

TASK_ORDER = (F("order_index").asc(nulls_last=True), "id")


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
    attempts = (
        CodingSubmission.objects.filter(student_id=student_id, task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(count=Count("pk"))
        .values("count")
    )
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
    """Whole seconds the oldest `pending` submission has waited for a worker; None when none waits.

    The ERD gives coding_submission no index that finds pending rows, so this reads the whole table (about 0.2 s
    at a million rows); a partial index on (created_at) WHERE status IN ('pending', 'running') makes it a lookup."""
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


# One statement in three parts over the submissions inside the filters: attempts per student; the first pass of
# each (student, task) solved, from the passed rows only (a third of the table), which is the costly grouping;
# then per student the solved tasks, their points and the latest of those first passes. Soft-deleted tasks and
# students are left out. RANK() gives equal rows an equal rank.
_RANKING_SQL = """
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


def _day_start(day: date) -> datetime:
    """Midnight of a local date (docs/DECISIONS.md, decision 11: dates are Asia/Baku dates)."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def coding_ranking(
    *,
    organization_id: int | None,
    group_id: int | None = None,
    topic_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[RankingRow]:
    """Students of one organization ranked by the points of distinct solved tasks, then solved count, then the
    earlier last solve. The filters narrow the submissions counted: `group_id` to the group's active members,
    `topic_id` to the topic's tasks, `date_from`/`date_to` (inclusive local dates) to when they were sent."""
    tenant = "organization_id IS NULL" if organization_id is None else "organization_id = %(organization)s"
    params: dict[str, Any] = {"organization": organization_id}
    # The tasks filter is an array computed once (an InitPlan) and compared on each row, which costs far less than
    # joining every submission to its task; the tasks left out (deleted ones) are few. Only constant fragments are
    # put together here: every value goes in as a parameter.
    if topic_id is None:
        tasks = f"s.task_id <> ALL(ARRAY(SELECT id FROM coding_task WHERE deleted_at IS NOT NULL AND {tenant}))"  # noqa: S608
    else:
        tasks = "s.task_id = ANY(ARRAY(SELECT id FROM coding_task WHERE deleted_at IS NULL AND topic_id = %(topic)s))"
        params["topic"] = topic_id
    where = [f"s.{tenant}", tasks]
    if group_id is not None:
        where.append(
            "s.student_id IN (SELECT student_id FROM group_membership WHERE group_id = %(group)s AND is_active)"
        )
        params["group"] = group_id
    if date_from is not None:
        where.append("s.created_at >= %(from)s")
        params["from"] = _day_start(date_from)
    if date_to is not None and date_to < date.max:  # nothing was sent after the last day a date can name
        where.append("s.created_at < %(to)s")
        params["to"] = _day_start(date_to + timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(_RANKING_SQL.format(where=" AND ".join(where)), params)
        return [RankingRow(*row) for row in cursor.fetchall()]
