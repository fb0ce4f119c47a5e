"""Every write to coding rows. Split in three: the teacher's topics and tasks (`authoring`), the JSON import
(`importing`) and submissions with their judging (`judging`); callers import from here."""

from bekrin.coding.services.authoring import (
    MAX_POINTS,
    CaseData,
    TaskChanges,
    task_create,
    task_delete,
    task_rejudge,
    task_restore,
    task_update,
    topic_create,
)
from bekrin.coding.services.importing import IMPORT_TASK, ImportedTask, ImportResult, import_run, import_start
from bekrin.coding.services.judging import (
    JUDGE_QUEUE,
    JUDGE_TASK,
    MAX_CODE_BYTES,
    JudgeUnavailable,
    SubmissionBusy,
    SubmissionThrottled,
    judge_limits,
    progress_recompute,
    queue_judging,
    submission_create,
    submission_judge,
    submissions_requeue_forgotten,
)

__all__ = [
    "IMPORT_TASK",
    "JUDGE_QUEUE",
    "JUDGE_TASK",
    "MAX_CODE_BYTES",
    "MAX_POINTS",
    "CaseData",
    "ImportResult",
    "ImportedTask",
    "JudgeUnavailable",
    "SubmissionBusy",
    "SubmissionThrottled",
    "TaskChanges",
    "import_run",
    "import_start",
    "judge_limits",
    "progress_recompute",
    "queue_judging",
    "submission_create",
    "submission_judge",
    "submissions_requeue_forgotten",
    "task_create",
    "task_delete",
    "task_rejudge",
    "task_restore",
    "task_update",
    "topic_create",
]
