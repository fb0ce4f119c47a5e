"""The JSON import of tasks: all or nothing, topics found or created by name, a task with the same title and topic
updated in place, and every given reference solution proven against its test cases by the real judge first."""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from bekrin.accounts.models import User
from bekrin.coding.models import CodingTask, CodingTopic
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
from bekrin.core.errors import DomainError
from bekrin.core.tenancy import in_tenant
from judge import JudgeFailure, JudgeRequest, SandboxUnavailable, TestCase, Verdict, judge

MAX_IMPORT_TASKS = 200
# The reference solutions run in the teacher's request, so their cost is capped: a case count (each case is bounded
# by the judge's wall limit) and a time budget checked before each task.
MAX_REFERENCE_CASES = 200
REFERENCE_BUDGET_SECONDS = 60.0


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


def _check_reference_solutions(tasks: Sequence[ImportedTask]) -> None:
    """Run each given reference solution on its task's cases; the first that fails stops the import."""
    with_solution = [(index, item) for index, item in enumerate(tasks) if (item.get("reference_solution") or "")]
    if sum(len(item["test_cases"]) for _index, item in with_solution) > MAX_REFERENCE_CASES:
        raise DomainError(
            _("Reference solutions may be checked on at most %(limit)d test cases per import; import in parts.")
            % {"limit": MAX_REFERENCE_CASES},
            code="too_many_reference_cases",
        )
    deadline = time.monotonic() + REFERENCE_BUDGET_SECONDS
    limits = judge_limits()
    for index, item in with_solution:
        if time.monotonic() > deadline:
            raise DomainError(
                _("Checking the reference solutions took too long; import fewer tasks at a time."),
                code="reference_solutions_too_slow",
            )
        ordered = ordered_test_cases(item["test_cases"])
        request = JudgeRequest(
            code=item.get("reference_solution") or "",
            cases=[TestCase(input=case["input"], expected=case["expected"], visible=True) for _p, case in ordered],
            limits=limits,
        )
        try:
            result = judge(request)
        except (SandboxUnavailable, JudgeFailure) as exc:
            raise JudgeUnavailable(_("The judge cannot run right now; try the import again later.")) from exc
        if result.verdict == Verdict.PASSED:
            continue
        failing = next((case for case in result.cases if case.verdict != Verdict.PASSED), None)
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
        raise DomainError(message, code="reference_solution_failed", fields={key: [message]})


def tasks_import(*, actor: User, tasks: Sequence[ImportedTask]) -> ImportResult:
    """Import tasks into the actor's organization. Nothing is written unless every task is valid and every given
    reference solution passes; the judge runs before the transaction opens, so no lock waits on it."""
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
    _check_reference_solutions(tasks)

    result = ImportResult()
    with transaction.atomic():
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
                }
                task = task_update(task=existing, changes=changes, test_cases=item["test_cases"])
                result.updated += 1
            result.task_ids.append(task.pk)
    return result
