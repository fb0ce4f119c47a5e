"""The JSON import of tasks: all or nothing, topics found or created by name, a task with the same title and topic
updated in place, and every given reference solution proven against its test cases by the real judge first.

Reference solutions are code, so they run in a judge worker, never in the web process: `import_start` checks what
needs no judge and saves a `coding_import` row; without reference solutions it imports at once (the row is `done`),
with them it queues `import_run` for a worker, which records the outcome on the row (`done` with the counts, or
`failed` with the error in the API's shape). The request waits for it a while, like a submit.
"""

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NotRequired, TypedDict, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from bekrin.accounts.models import User
from bekrin.coding.models import CodingImport, CodingTask, CodingTopic, ImportStatus
from bekrin.coding.services.authoring import (
    CaseData,
    TaskChanges,
    check_task_fields,
    check_test_cases,
    ordered_test_cases,
    task_create,
    task_update,
)
from bekrin.coding.services.judging import JudgeUnavailable, judge_limits
from bekrin.coding.verdicts import IMPORT_FINISHED, announce
from bekrin.core.errors import DomainError, ErrorCode
from bekrin.core.tenancy import in_tenant
from judge import Budget, JudgeFailure, JudgeRequest, SandboxUnavailable, TestCase, Verdict, judge

IMPORT_TASK = "coding.import_tasks"
MAX_IMPORT_TASKS = 200
# The reference solutions hold a worker, so their cost is capped: a case count, and a time budget for all of them
# (JUDGE_IMPORT_BUDGET_SECONDS) that the judge enforces before each case (judge.Budget).
MAX_REFERENCE_CASES = 200


class ImportedTask(TypedDict):
    title: str
    description: str
    difficulty: str
    test_cases: list[CaseData]
    starter_code: NotRequired[str]
    points: NotRequired[int | None]
    order_index: NotRequired[int | None]
    topic: NotRequired[str | None]
    reference_solution: NotRequired[str | None]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    topics_created: int = 0
    task_ids: list[int] = field(default_factory=list)


def _task_label(index: int, item: ImportedTask) -> str:
    return _("Task %(number)d (“%(title)s”)") % {"number": index + 1, "title": item["title"]}


def _topic_key(item: ImportedTask) -> str | None:
    return (item.get("topic") or "").strip() or None


def _check_unique(tasks: Sequence[ImportedTask]) -> None:
    seen: dict[tuple[str, str | None], int] = {}
    for index, item in enumerate(tasks):
        key = (item["title"].strip(), _topic_key(item))
        if key in seen:
            message = _("%(task)s repeats task %(first)d: a title may appear once per topic.") % {
                "task": _task_label(index, item),
                "first": seen[key] + 1,
            }
            raise DomainError(message, fields={f"tasks[{index}].title": [message]})
        seen[key] = index


def _with_solution(tasks: Sequence[ImportedTask]) -> list[tuple[int, ImportedTask]]:
    return [(index, item) for index, item in enumerate(tasks) if (item.get("reference_solution") or "")]


def _too_slow() -> DomainError:
    return DomainError(
        _("Checking the reference solutions took too long; import fewer tasks at a time."),
        code=ErrorCode.REFERENCE_SOLUTIONS_TOO_SLOW,
    )


def _check_reference_solutions(tasks: Sequence[ImportedTask]) -> None:
    """Run each given reference solution on its task's cases; the first that fails stops the import. What is left
    of the budget goes to each task's judge run, which starts no case once it is spent."""
    deadline = time.monotonic() + settings.JUDGE_IMPORT_BUDGET_SECONDS
    limits = judge_limits()
    for index, item in _with_solution(tasks):
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms <= 0:
            raise _too_slow()
        ordered = ordered_test_cases(item["test_cases"])
        request = JudgeRequest(
            code=item.get("reference_solution") or "",
            cases=[TestCase(input=case["input"], expected=case["expected"], visible=True) for _p, case in ordered],
            limits=limits,
            budget=Budget(wall_ms=remaining_ms, cpu_ms=remaining_ms),
        )
        try:
            result = judge(request)
        except (SandboxUnavailable, JudgeFailure) as exc:
            raise JudgeUnavailable(_("The judge cannot run right now; try the import again later.")) from exc
        if result.verdict == Verdict.PASSED:
            continue
        failing = next((case for case in result.cases if case.verdict != Verdict.PASSED), None)
        if failing is None and result.budget_spent:
            raise _too_slow()
        if failing is None:  # it did not even compile
            where, reason, key = "", result.message or "", f"tasks[{index}].reference_solution"
        else:
            position = ordered[failing.index][0]
            where = " " + _("on test case %(number)d") % {"number": position + 1}
            reason = failing.error or _("wrong answer; it printed: %(output)s") % {"output": failing.output[:200]}
            key = f"tasks[{index}].test_cases[{position}]"
        message = _("%(task)s: the reference solution fails%(where)s: %(reason)s") % {
            "task": _task_label(index, item),
            "where": where,
            "reason": reason,
        }
        raise DomainError(message, code=ErrorCode.REFERENCE_SOLUTION_FAILED, fields={key: [message]})


def _check_tasks(tasks: Sequence[ImportedTask]) -> None:
    """Everything that needs no judge: quick, so the request answers these problems itself."""
    if not tasks:
        raise DomainError(_("The import has no tasks."), fields={"tasks": [_("Add at least one task.")]})
    if len(tasks) > MAX_IMPORT_TASKS:
        raise DomainError(_("At most %(limit)d tasks per import.") % {"limit": MAX_IMPORT_TASKS})
    for index, item in enumerate(tasks):
        try:
            check_task_fields(difficulty=item["difficulty"], points=item.get("points"))
            check_test_cases(item["test_cases"])
        except DomainError as exc:
            message = f"{_task_label(index, item)}: {exc.message}"
            raise DomainError(
                message, fields={f"tasks[{index}].{name}": errors for name, errors in (exc.fields or {}).items()}
            ) from None
    _check_unique(tasks)
    if sum(len(item["test_cases"]) for _index, item in _with_solution(tasks)) > MAX_REFERENCE_CASES:
        raise DomainError(
            _("Reference solutions may be checked on at most %(limit)d test cases per import; import in parts.")
            % {"limit": MAX_REFERENCE_CASES},
            code=ErrorCode.TOO_MANY_REFERENCE_CASES,
        )


def _write_tasks(*, actor: User, tasks: Sequence[ImportedTask]) -> ImportResult:
    """Write checked tasks into the actor's organization; the caller holds the transaction (all or nothing)."""
    result = ImportResult()
    topics: dict[str, CodingTopic] = {}
    for item in tasks:
        name = _topic_key(item)
        if name is not None and name not in topics:
            topics[name], created = in_tenant(CodingTopic.objects.all(), actor).get_or_create(
                name=name, defaults={"organization_id": actor.organization_id}
            )
            result.topics_created += created
    for item in tasks:
        name = _topic_key(item)
        topic = topics[name] if name is not None else None
        title = item["title"].strip()
        existing = in_tenant(CodingTask.objects.filter(title=title, topic=topic), actor).order_by("pk").first()
        if existing is None:
            task = task_create(
                actor=actor,
                title=title,
                topic=topic,
                description=item["description"],
                difficulty=item["difficulty"],
                starter_code=item.get("starter_code") or "",
                points=item.get("points"),
                order_index=item.get("order_index"),
                test_cases=item["test_cases"],
            )
            result.created += 1
        else:
            changes: TaskChanges = {
                "description": item["description"],
                "difficulty": item["difficulty"],
                "starter_code": item.get("starter_code") or "",
                "points": item.get("points"),
                "order_index": item.get("order_index"),
                "test_cases": item["test_cases"],
            }
            task = task_update(task=existing, changes=changes)
            result.updated += 1
        result.task_ids.append(task.pk)
    return result


def import_start(*, actor: User, tasks: Sequence[ImportedTask]) -> CodingImport:
    """Import tasks into the actor's organization, recorded as a `coding_import` row. Nothing is written unless
    every task is valid and every given reference solution passes. Problems found without the judge raise
    DomainError here; with no reference solution to run the tasks are written at once (the row is `done`), else
    the row is `pending` and a worker's job is queued in the same transaction (both or neither)."""
    _check_tasks(tasks)
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not _with_solution(tasks):
        with transaction.atomic():
            result = _write_tasks(actor=actor, tasks=tasks)
            return CodingImport.objects.create(
                organization_id=actor.organization_id,
                created_by=actor,
                status=ImportStatus.DONE,
                language=language,
                tasks=list(tasks),
                result=asdict(result),
                finished_at=timezone.now(),
            )
    with transaction.atomic():
        queued = CodingImport.objects.create(
            organization_id=actor.organization_id, created_by=actor, language=language, tasks=list(tasks)
        )
        app.configure_task(IMPORT_TASK, allow_unknown=False, queueing_lock=f"coding.import:{queued.pk}").defer(
            import_id=queued.pk
        )
    return queued


def import_run(*, import_id: int) -> None:
    """The worker's side: run the reference solutions, then write the tasks and record the outcome in one
    transaction; the judge runs before it opens, so no lock waits on it. A worker that died mid-run left the row
    `running` with nothing written; its retried job runs it again."""
    claimed = CodingImport.objects.filter(pk=import_id, status__in=(ImportStatus.PENDING, ImportStatus.RUNNING)).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return
    row = CodingImport.objects.select_related("created_by").get(pk=import_id)
    tasks = cast(list[ImportedTask], row.tasks)
    with translation.override(row.language):
        try:
            _check_tasks(tasks)
            _check_reference_solutions(tasks)
            with transaction.atomic():
                running = CodingImport.objects.select_for_update().filter(pk=import_id, status=ImportStatus.RUNNING)
                if running.first() is None:
                    return  # another run of this import (a job retried while the first still ran) finished it
                result = _write_tasks(actor=row.created_by, tasks=tasks)
                _finish(import_id, ImportStatus.DONE, result=asdict(result))
        except DomainError as exc:
            error: dict[str, Any] = {"status": exc.status_code, "code": exc.code, "message": exc.message}
            if exc.fields:
                error["fields"] = exc.fields
            _finish(import_id, ImportStatus.FAILED, error=error)


def _finish(import_id: int, status: str, **outcome: Any) -> None:
    """Record the outcome and announce it to the waiting request when it commits (bekrin.coding.verdicts)."""
    with transaction.atomic():
        finished = CodingImport.objects.filter(pk=import_id, status=ImportStatus.RUNNING).update(
            status=status, finished_at=timezone.now(), **outcome
        )
        if finished:
            announce(IMPORT_FINISHED, import_id)
