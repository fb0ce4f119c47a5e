"""The code judge: runs students' Python programs against test cases in a sandbox. Knows nothing of Django.

    result = judge(JudgeRequest(code=source, cases=[TestCase(input="1 2\\n", expected="3\\n")]))
    result.verdict  # Verdict.PASSED, a str: "passed" / "failed" / "error" / "timeout"

Needs bubblewrap and python3-seccomp (Debian packages `bubblewrap`, `python3-seccomp`) and /usr/bin/python3.
Without them judge() raises SandboxUnavailable, unless BEKRIN_JUDGE_UNSANDBOXED=1 allows an unconfined
development run. Design and threat list: docs/JUDGE.md.
"""

from judge.model import (
    Budget,
    CaseResult,
    JudgeFailure,
    JudgeRequest,
    JudgeResult,
    JudgeStopped,
    Limits,
    SandboxStatus,
    SandboxUnavailable,
    TestCase,
    Verdict,
)
from judge.runner import judge
from judge.sandbox import UNSANDBOXED_SWITCH, sandbox_status

__all__ = [
    "UNSANDBOXED_SWITCH",
    "Budget",
    "CaseResult",
    "JudgeFailure",
    "JudgeRequest",
    "JudgeResult",
    "JudgeStopped",
    "Limits",
    "SandboxStatus",
    "SandboxUnavailable",
    "TestCase",
    "Verdict",
    "judge",
    "sandbox_status",
]
