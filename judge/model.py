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
class TestCase:
    """One test case. `visible` follows decision 13 (a case with an explanation is shown to students): the
    judge's `message` quotes an exception's text only for visible cases, since it may contain hidden input."""

    __test__ = False  # not a pytest test class, despite the name

    input: str
    expected: str
    visible: bool = False


@dataclass(frozen=True)
class JudgeRequest:
    code: str
    cases: Sequence[TestCase]
    limits: Limits = field(default_factory=Limits)


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
    `runtime_ms` is the CPU time of all cases, `peak_memory_kb` the largest resident size of any case. `message`
    is a short English sentence for a beginner (None on a pass). `cases` holds the cases that ran, in order: after
    a timeout the remaining cases are not run (they count in `failed_count`), and a syntax error runs none."""

    verdict: Verdict
    passed_count: int
    failed_count: int
    runtime_ms: int
    peak_memory_kb: int
    message: str | None
    cases: list[CaseResult]


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
