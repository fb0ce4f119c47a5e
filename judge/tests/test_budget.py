"""A submission's total budget across its cases, and the early stop at a failed hidden case."""

import time

import pytest

from judge import Budget, JudgeRequest, Limits, TestCase, judge
from judge.tests.support import FAST

SUM = "a, b = map(int, input().split())\nprint(a + b)"
# Sleeps just under the per-case wall limit, then answers correctly: no case ever times out on its own.
SLOW_SUM = "import time\ntime.sleep(0.4)\n" + SUM
SPIN_SUM = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n" + SUM
SUM_CASES = [TestCase(f"{n} {n}\n", f"{2 * n}\n") for n in range(10)]
# No case reaches these on its own, even on a loaded machine: only the budget stops a run.
PER_CASE = Limits(cpu_ms=2000, wall_ms=10_000)


def test_a_program_sleeping_on_every_case_stops_once_the_wall_budget_is_spent() -> None:
    started = time.monotonic()
    request = JudgeRequest(SLOW_SUM, SUM_CASES, limits=PER_CASE, budget=Budget(wall_ms=1000, cpu_ms=10_000))
    result = judge(request)
    elapsed = time.monotonic() - started
    run = len(result.cases)  # 3 × 0.4 s spend the budget; fewer on a machine slow enough to take 0.5 s a case
    assert result.verdict == "timeout" and result.budget_spent and run in (1, 2, 3)
    assert all(case.verdict == "passed" for case in result.cases)
    assert (result.passed_count, result.failed_count) == (run, 10 - run)
    assert result.message == (
        f"Time limit exceeded: test cases 1-{run} of 10 together used the submission's whole budget "
        "(1 s of real time or 10 s of CPU time)."
    )
    assert elapsed < 4, "ten 0.4 s cases would have taken 4 s and more"


def test_a_program_spinning_on_every_case_stops_once_the_cpu_budget_is_spent() -> None:
    request = JudgeRequest(SPIN_SUM, SUM_CASES, limits=PER_CASE, budget=Budget(wall_ms=60_000, cpu_ms=750))
    result = judge(request)
    assert result.verdict == "timeout" and result.budget_spent
    assert len(result.cases) in (2, 3) and all(case.verdict == "passed" for case in result.cases)


def test_a_program_within_its_budget_runs_every_case() -> None:
    result = judge(JudgeRequest(SUM, SUM_CASES, limits=FAST, budget=Budget(wall_ms=10_000, cpu_ms=5_000)))
    assert (result.verdict, result.passed_count, result.budget_spent) == ("passed", 10, False)


def test_a_spent_budget_keeps_the_verdict_of_an_earlier_failure() -> None:
    cases = [TestCase("1 1\n", "3\n", visible=True), *SUM_CASES]
    result = judge(JudgeRequest(SLOW_SUM, cases, limits=PER_CASE, budget=Budget(wall_ms=1000, cpu_ms=10_000)))
    assert result.verdict == "failed" and result.budget_spent
    assert result.message == "Wrong answer on test case 1."


@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_budget_rejects_nonsense(value: object) -> None:
    with pytest.raises(ValueError, match=r"Budget\.wall_ms"):
        Budget(wall_ms=value, cpu_ms=1000)  # type: ignore[arg-type]


def test_the_first_failed_hidden_case_ends_the_run() -> None:
    cases = [TestCase("1 1\n", "2\n"), TestCase("2 2\n", "5\n"), TestCase("3 3\n", "6\n"), TestCase("4 4\n", "8\n")]
    result = judge(JudgeRequest(SUM, cases, limits=FAST, stop_at_hidden_failure=True))
    assert result.verdict == "failed" and result.message == "Wrong answer on test case 2."
    assert [case.verdict for case in result.cases] == ["passed", "failed"]
    assert (result.passed_count, result.failed_count, result.budget_spent) == (1, 3, False)


def test_a_failed_visible_example_does_not_end_the_run_so_later_examples_are_shown() -> None:
    cases = [TestCase("1 1\n", "3\n", visible=True), TestCase("2 2\n", "4\n"), TestCase("3 3\n", "7\n", visible=True)]
    result = judge(JudgeRequest(SUM, cases, limits=FAST, stop_at_hidden_failure=True))
    assert [case.verdict for case in result.cases] == ["failed", "passed", "failed"]
