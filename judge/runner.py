"""judge(): runs a submission's test cases in one sandbox and turns what the harness measured into verdicts."""

import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from judge.model import (
    Budget,
    CaseResult,
    JudgeFailure,
    JudgeRequest,
    JudgeResult,
    JudgeStopped,
    Limits,
    TestCase,
    Verdict,
)
from judge.sandbox import CompileError, RawRun, open_harness

# A beginner's likeliest cause for the crashes that have one.
CRASH_HINTS: dict[int, str] = {
    signal.SIGSEGV: " Very deep recursion is a common cause.",
    signal.SIGSYS: " It made a system call the judge forbids.",
}
# All a student learns of a hidden case that did not pass besides its number: the verdict's kind. Any detail (an
# exception's line, name or text, an exit status, a signal, which limit) is the program's choice, so it could
# spell out the hidden input a few bits at a time.
HIDDEN_MESSAGES = {
    Verdict.ERROR: "the program stopped with an error (what happened is shown for the examples only).",
    Verdict.TIMEOUT: "time limit exceeded (what happened is shown for the examples only).",
}


def judge(request: JudgeRequest, *, should_stop: Callable[[], bool] | None = None) -> JudgeResult:
    """Judge a submission. Raises SandboxUnavailable when the sandbox cannot run here (see sandbox_status())
    and JudgeFailure when the sandbox breaks down; neither is the submission's fault.

    `should_stop` is asked before each case; when it answers True the sandbox is closed and JudgeStopped raised,
    so a worker asked to shut down waits for at most one case rather than the whole submission."""
    limits = request.limits
    # An editor's byte-order mark is not part of the program (Python itself skips it when reading a file).
    code = request.code.removeprefix("\ufeff")
    results: list[CaseResult] = []
    first_failure: tuple[int, TestCase, _Outcome] | None = None
    code_lines = code.count("\n") + 1
    used_wall_ms = used_cpu_ms = 0.0
    budget_spent = False
    with open_harness(code, limits) as harness:
        if harness.compile_error is not None:
            return _not_compiled(harness.compile_error, len(request.cases))
        for index, case in enumerate(request.cases):
            if should_stop is not None and should_stop():
                raise JudgeStopped(f"stopped before test case {index + 1} of {len(request.cases)}")
            if request.budget is not None and (
                used_wall_ms >= request.budget.wall_ms or used_cpu_ms >= request.budget.cpu_ms
            ):
                budget_spent = True
                break
            raw = harness.run(case.input.encode("utf-8"))
            used_wall_ms += raw.wall_ms
            used_cpu_ms += raw.cpu_ms
            outcome = _decide(raw, case, limits, code_lines)
            results.append(
                CaseResult(
                    index=index,
                    verdict=outcome.verdict,
                    runtime_ms=round(raw.cpu_ms),
                    memory_kb=raw.memory_kb,
                    output=_clean(raw.stdout.decode("utf-8", "replace")),
                    error=outcome.error,
                )
            )
            if outcome.verdict is not Verdict.PASSED and first_failure is None:
                first_failure = (index, case, outcome)
            if outcome.verdict is Verdict.TIMEOUT:
                break  # every further case would likely wait out its limit too: the student waits for nothing
            if request.stop_at_hidden_failure and not case.visible and outcome.verdict is not Verdict.PASSED:
                break
    passed = sum(result.verdict is Verdict.PASSED for result in results)
    verdict, message = Verdict.PASSED, None
    if first_failure is not None:
        index, case, outcome = first_failure
        verdict, message = outcome.verdict, _message(index, case, outcome)
    elif budget_spent and request.budget is not None:
        verdict, message = Verdict.TIMEOUT, _budget_message(request.budget, len(results), len(request.cases))
    return JudgeResult(
        verdict=verdict,
        passed_count=passed,
        failed_count=len(request.cases) - passed,
        runtime_ms=_shown_runtime(results, request.cases),
        peak_memory_kb=max((result.memory_kb for result in results), default=0),
        message=message,
        cases=results,
        budget_spent=budget_spent,
    )


def _shown_runtime(results: list[CaseResult], cases: Sequence[TestCase]) -> int | None:
    """The CPU time of the visible cases that ran: a hidden case's time could follow the size of its input."""
    shown = [result.runtime_ms for result in results if cases[result.index].visible]
    return sum(shown) if shown else None


@dataclass(frozen=True)
class _Outcome:
    verdict: Verdict
    error: str | None  # the whole story, for CaseResult.error and a visible case's message


def _decide(raw: RawRun, case: TestCase, limits: Limits, code_lines: int) -> _Outcome:
    if not raw.setup_ok:
        raise JudgeFailure(f"the sandbox could not confine a test case: {_text(raw.stderr_tail)}")
    # Time comes first and is measured, never inferred from a signal: a program can send itself SIGXCPU.
    if raw.cpu_ms > limits.cpu_ms:
        return _Outcome(Verdict.TIMEOUT, f"Time limit exceeded: more than {_seconds(limits.cpu_ms)} of CPU time.")
    if raw.wall_killed:
        return _Outcome(
            Verdict.TIMEOUT,
            f"Time limit exceeded: the program ran for more than {_seconds(limits.wall_ms)} of real time.",
        )
    if raw.out_size > limits.output_kb * 1024:
        return _Outcome(Verdict.ERROR, f"Output limit exceeded: more than {limits.output_kb} KB.")
    if raw.signal is not None:
        hint = CRASH_HINTS.get(raw.signal, "")
        return _Outcome(Verdict.ERROR, f"The program crashed ({_signal_name(raw.signal)}).{hint}")
    if raw.exit_code != 0:
        # The program's own report (it can write to the report's descriptor too): only ever shown for a visible case.
        report = raw.report
        if report is None:
            return _Outcome(Verdict.ERROR, f"The program exited with status {raw.exit_code}.")
        if report["type"] == "MemoryError":
            return _Outcome(Verdict.ERROR, f"Memory limit exceeded ({limits.memory_mb} MB).")
        line = report["line"]
        # A line past the end of the code is not one of the program's: a forged report or an exec'd string.
        where = f" (line {line})" if line is not None and line <= code_lines else ""
        return _Outcome(Verdict.ERROR, _clean(f"{report['message'] or report['type']}{where}"))
    if _normalized(raw.stdout) != _normalized(case.expected.encode("utf-8")):
        return _Outcome(Verdict.FAILED, None)
    return _Outcome(Verdict.PASSED, None)


def _message(index: int, case: TestCase, outcome: _Outcome) -> str:
    number = index + 1
    if outcome.verdict is Verdict.FAILED:
        return f"Wrong answer on test case {number}."
    return f"Test case {number}: {outcome.error if case.visible else HIDDEN_MESSAGES[outcome.verdict]}"


def _budget_message(budget: Budget, run: int, total: int) -> str:
    return (
        f"Time limit exceeded: test cases 1-{run} of {total} together used the submission's whole budget "
        f"({_seconds(budget.wall_ms)} of real time or {_seconds(budget.cpu_ms)} of CPU time)."
    )


def _not_compiled(error: CompileError, case_count: int) -> JudgeResult:
    where = f" on line {error.line}" if error.line is not None else ""
    label = "Syntax error" if error.kind == "SyntaxError" else error.kind
    return JudgeResult(
        verdict=Verdict.ERROR,
        passed_count=0,
        failed_count=case_count,
        runtime_ms=None,
        peak_memory_kb=0,
        message=_clean(f"{label}{where}: {error.message}"),
        cases=[],
    )


def _normalized(output: bytes) -> list[bytes]:
    """Lines without trailing whitespace, trailing blank lines dropped: what a person reading it would compare."""
    lines = [line.rstrip() for line in output.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _clean(text: str) -> str:
    """Program-made text made storable: PostgreSQL text takes neither NUL nor lone surrogates."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\0", "\ufffd")


def _text(raw: bytes) -> str:
    return _clean(raw.decode("utf-8", "replace")).strip()


def _seconds(ms: int) -> str:
    return f"{ms / 1000:g} s"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
