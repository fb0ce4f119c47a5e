"""The teacher's writes: topics, tasks with their test cases, soft delete, and the rejudge a change of test cases
starts."""

from collections.abc import Sequence
from typing import Any, NotRequired, TypedDict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.coding.models import (
    CodingProgress,
    CodingSubmission,
    CodingTask,
    CodingTestCase,
    CodingTopic,
    Difficulty,
    ProgressStatus,
    SubmissionStatus,
)
from bekrin.coding.services.judging import REJUDGE_PRIORITY, queue_judging
from bekrin.core.errors import Conflict, DomainError, ErrorCode
from bekrin.core.models import apply_changes, restore, soft_delete

MAX_TEST_CASES = 100
# coding_progress.score is numeric(7,2): a share of the points must stay below 100,000, or the verdict that
# records it cannot be written. 10,000 leaves room and is more than any task is worth.
MAX_POINTS = 10_000


class CaseData(TypedDict):
    input: str
    expected: str
    explanation: NotRequired[str | None]
    order_index: NotRequired[int | None]


class TaskChanges(TypedDict, total=False):
    """The fields a PATCH may change; a key that is absent stays as it is. `test_cases` replace the old ones."""

    title: str
    description: str
    starter_code: str
    difficulty: str
    points: int | None
    order_index: int | None
    is_active: bool
    topic: CodingTopic | None
    test_cases: Sequence[CaseData]


def topic_create(*, actor: User, name: str) -> CodingTopic:
    """A topic of the actor's organization; names are unique per organization (409 on a duplicate)."""
    name = name.strip()
    if not name:
        raise DomainError(_("The name is empty."), fields={"name": [_("This field may not be blank.")]})
    try:
        with transaction.atomic():
            return CodingTopic.objects.create(organization_id=actor.organization_id, name=name)
    except IntegrityError:
        raise Conflict(
            _("A topic with this name already exists."),
            code=ErrorCode.DUPLICATE_NAME,
            fields={"name": [_("Already used.")]},
        ) from None


def check_task_fields(*, difficulty: str | None = None, points: int | None = None) -> None:
    if difficulty is not None and difficulty not in Difficulty.values:
        raise DomainError(_("Unknown difficulty."), fields={"difficulty": [_("Unknown difficulty.")]})
    if points is not None and points < 0:
        raise DomainError(_("Points cannot be negative."), fields={"points": [_("Must be 0 or more.")]})
    if points is not None and points > MAX_POINTS:
        raise DomainError(
            _("A task is worth at most %(limit)d points.") % {"limit": MAX_POINTS},
            fields={"points": [_("At most %(limit)d.") % {"limit": MAX_POINTS}]},
        )


def check_test_cases(test_cases: Sequence[CaseData]) -> None:
    if not test_cases:
        raise DomainError(
            _("A task needs at least one test case."), fields={"test_cases": [_("Add at least one test case.")]}
        )
    if len(test_cases) > MAX_TEST_CASES:
        raise DomainError(
            _("A task has at most %(limit)d test cases.") % {"limit": MAX_TEST_CASES},
            fields={"test_cases": [_("Too many test cases.")]},
        )


def ordered_test_cases(test_cases: Sequence[CaseData]) -> list[tuple[int, CaseData]]:
    """(position in the request, case) in the order the judge will run them: by `order_index`, a case without
    one taking its 1-based position, ties in the request's order. The same order the stored rows sort in."""
    keyed = [
        (case.get("order_index") if case.get("order_index") is not None else position + 1, position, case)
        for position, case in enumerate(test_cases)
    ]
    return [(position, case) for _key, position, case in sorted(keyed, key=lambda item: (item[0], item[1]))]


def _replace_test_cases(task: CodingTask, test_cases: Sequence[CaseData]) -> bool:
    """Replace the task's test cases; True when what the judge checks (inputs and outputs, in order) changed."""
    before = list(task.test_cases.values_list("input", "expected"))
    task.test_cases.all().delete()
    CodingTestCase.objects.bulk_create(
        CodingTestCase(
            task=task,
            input=case["input"],
            expected=case["expected"],
            explanation=case.get("explanation"),
            order_index=case.get("order_index") if case.get("order_index") is not None else position + 1,
        )
        for position, case in enumerate(test_cases)
    )
    after = [(case["input"], case["expected"]) for _position, case in ordered_test_cases(test_cases)]
    return before != after


def task_create(
    *,
    actor: User,
    title: str,
    description: str,
    difficulty: str,
    test_cases: Sequence[CaseData],
    topic: CodingTopic | None = None,
    starter_code: str = "",
    points: int | None = None,
    order_index: int | None = None,
    is_active: bool = True,
) -> CodingTask:
    check_task_fields(difficulty=difficulty, points=points)
    check_test_cases(test_cases)
    if topic is not None and topic.organization_id != actor.organization_id:
        raise DomainError(_("The topic belongs to another school."), fields={"topic_id": [_("Not found.")]})
    with transaction.atomic():
        task: CodingTask = CodingTask.objects.create(
            organization_id=actor.organization_id,
            topic=topic,
            topic_name=topic.name if topic else None,
            title=title,
            description=description,
            starter_code=starter_code,
            difficulty=difficulty,
            points=points,
            order_index=order_index,
            is_active=is_active,
            created_by=actor,
        )
        _replace_test_cases(task, test_cases)
    return task


def task_update(*, task: CodingTask, changes: TaskChanges) -> CodingTask:
    """Change a task; `test_cases`, when given, replace the old ones, and a change of what they check rejudges
    every submission of the task."""
    check_task_fields(difficulty=changes.get("difficulty"), points=changes.get("points"))
    fields: dict[str, Any] = {key: value for key, value in changes.items() if key != "test_cases"}
    test_cases = changes.get("test_cases")
    if test_cases is not None:
        check_test_cases(test_cases)
    if "topic" in fields:
        topic = fields["topic"]
        if topic is not None and topic.organization_id != task.organization_id:
            raise DomainError(_("The topic belongs to another school."), fields={"topic_id": [_("Not found.")]})
        fields["topic_name"] = topic.name if topic else None  # the name kept beside the id, as task_create does
    with transaction.atomic():
        # The task row is the lock of its test cases: two edits of one task run one after the other.
        current: CodingTask = CodingTask.all_objects.select_for_update().get(pk=task.pk)
        if current.deleted_at is not None:
            raise Conflict(_("A deleted task cannot be changed; restore it first."), code=ErrorCode.TASK_DELETED)
        apply_changes(current, fields)
        if test_cases is not None and _replace_test_cases(current, test_cases):
            task_rejudge(task_id=current.pk)
    return current


def task_delete(*, task: CodingTask) -> CodingTask:
    """Soft delete: the task leaves lists and the students' view; its submissions and progress stay."""
    return soft_delete(CodingTask, task.pk)


def task_restore(*, task: CodingTask) -> CodingTask:
    return restore(CodingTask, task.pk)


def task_rejudge(*, task_id: int) -> int:
    """Put every submission of the task back to `pending` and queue it; returns how many.

    A row being judged right now is reset as well: its worker's verdict (against the old cases) is then dropped,
    because it writes only over a `running` row. With no judged submission left, each student's progress on the
    task is `attempted` with no score until the new verdicts arrive, which is what a recompute gives, in one
    statement.
    """
    with transaction.atomic():
        submissions = CodingSubmission.objects.filter(task_id=task_id)
        submissions.exclude(status=SubmissionStatus.PENDING).update(
            status=SubmissionStatus.PENDING, passed_count=None, failed_count=None, error_message=None, runtime_ms=None
        )
        ids = list(submissions.order_by("pk").values_list("pk", flat=True))
        CodingProgress.objects.filter(exercise_id=task_id).update(
            status=ProgressStatus.ATTEMPTED, score=None, solved_at=None, updated_at=timezone.now()
        )
        transaction.on_commit(lambda: queue_judging(ids, priority=REJUDGE_PRIORITY), robust=True)
    return len(ids)
