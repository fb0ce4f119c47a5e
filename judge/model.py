"""The judge's request and result types: plain dataclasses, so any caller (a Django worker, a test) can use them."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    """A submission's or a test case's outcome; the values are the API's `status` strings."""

    PASSED = "passed"
    FAILED = "failed"  # a wrong answer
    ERROR = "error"  # an exception, a syntax error, a crash, a memory or output limit
    TIMEOUT = "timeout"  # CPU or wall time


@dataclass(frozen=True)
class Limits:
    """Per test case. `memory_mb` bounds the whole process's address space, the interpreter's ~20 MB included."""

    cpu_ms: int = 1000
    wall_ms: int = 3000
    memory_mb: int = 256
    output_kb: int = 64

    def __post_init__(self) -> None:
        for name in ("cpu_ms", "wall_ms", "memory_mb", "output_kb"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")
        if self.memory_mb < 64:
            raise ValueError("Limits.memory_mb below 64 leaves no room for the interpreter itself")


@dataclass(frozen=True)
class Budget:
    """Totals for all of a submission's test cases together, so a program that spends just under the limits on
    every case cannot hold a worker for a case count times them. Checked before each case: once the cases run so
    far used `wall_ms` of real time or `cpu_ms` of CPU time, no further case starts, so a submission costs at
    most its budget plus one case's Limits."""

    wall_ms: int
    cpu_ms: int

    def __post_init__(self) -> None:
        for name in ("wall_ms", "cpu_ms"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Budget.{name} must be a positive int, got {value!r}")


@dataclass(frozen=True)
class TestCase:
    """One test case. `visible` follows docs/DECISIONS.md, decision 13 (a case with an explanation is shown to
    students): the judge's `message` and `runtime_ms` tell more than the verdict's kind only for visible cases,
    since whatever a program makes of a hidden input could spell it out."""

    __test__ = False  # not a pytest test class, despite the name

    input: str
    expected: str
    visible: bool = False


@dataclass(frozen=True)
class JudgeRequest:
    """`budget` (none by default) bounds the whole run. With `stop_at_hidden_failure` the run ends at the first
    hidden case that does not pass: the verdict is already that of the first failure, and the cases after it could
    only change counts nobody is shown case by case."""

    code: str
    cases: Sequence[TestCase]
    limits: Limits = field(default_factory=Limits)
    budget: Budget | None = None
    stop_at_hidden_failure: bool = False


@dataclass(frozen=True)
class CaseResult:
    """What one test case did. `index` is the 0-based position in `JudgeRequest.cases`. `output` is the program's
    stdout (at most `Limits.output_kb`, decoded as UTF-8 with replacement characters) and `error` a short English
    account of what went wrong (None for a pass or a wrong answer). Both are raw program text: a page must
    escape them, and must not show them to a student for a hidden case."""

    index: int
    verdict: Verdict
    runtime_ms: int
    memory_kb: int
    output: str
    error: str | None


@dataclass(frozen=True)
class JudgeResult:
    """The submission's verdict: `passed` when every case passes, else the verdict of the first case that did not.
    `runtime_ms` is the CPU time of the visible cases that ran (None when none did): a hidden case's time could
    follow its input, so it is never added in. `peak_memory_kb` is the largest resident size of any case, hidden
    ones included: not for students. `message` is a short English sentence for a beginner (None on a pass); for
    a hidden case it names only the verdict's kind. `cases` holds the cases that ran, in order: after
    a timeout, a failed hidden case under `stop_at_hidden_failure` or a spent budget (`budget_spent`) the remaining
    cases are not run (they count in `failed_count`), and a syntax error runs none."""

    verdict: Verdict
    passed_count: int
    failed_count: int
    runtime_ms: int | None
    peak_memory_kb: int
    message: str | None
    cases: list[CaseResult]
    budget_spent: bool = False


@dataclass(frozen=True)
class SandboxStatus:
    available: bool
    reason: str


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run on this machine (bubblewrap, /usr/bin/python3 or python3-seccomp missing or broken).
    The judge refuses to run code unconfined unless BEKRIN_JUDGE_UNSANDBOXED=1 is set for development."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JudgeFailure(RuntimeError):
    """The judge itself failed (the sandbox stopped answering or broke its protocol): not the submission's fault,
    so the caller should retry or mark the run as failed, never blame the student."""


class JudgeStopped(Exception):
    """The caller asked the judge to stop (its worker is shutting down) before every case had run: there is no
    verdict, and the submission should be judged again later. Not a JudgeFailure: nothing went wrong."""
