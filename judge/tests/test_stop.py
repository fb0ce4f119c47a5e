"""A judge asked to stop (its worker is shutting down) ends between test cases and leaves no sandbox behind."""

import pytest

from judge import JudgeRequest, JudgeStopped, TestCase, judge
from judge.tests.support import FAST, Host, live_descendants

ECHO = "print(input())"


def test_a_judge_asked_to_stop_ends_before_the_next_case_without_a_verdict(host: Host) -> None:
    asked: list[int] = []

    def stop_after_the_first_case() -> bool:
        asked.append(len(asked))
        return len(asked) > 1  # asked before case 1 (no), then before case 2 (yes)

    cases = [TestCase(input=f"{n}\n", expected=f"{n}\n") for n in range(5)]
    with pytest.raises(JudgeStopped, match="before test case 2 of 5"):
        judge(JudgeRequest(code=ECHO, cases=cases, limits=FAST), should_stop=stop_after_the_first_case)
    assert len(asked) == 2
    assert not live_descendants({host.canary_pid}), "the sandbox outlived the stopped judge"


def test_a_judge_never_asked_to_stop_judges_every_case() -> None:
    cases = [TestCase(input=f"{n}\n", expected=f"{n}\n") for n in range(3)]
    result = judge(JudgeRequest(code=ECHO, cases=cases, limits=FAST), should_stop=lambda: False)
    assert (result.verdict, result.passed_count) == ("passed", 3)
