"""A hidden test case (one without an explanation) tells a student only whether it passed and the verdict's kind:
whatever a program makes of a hidden input, its line, exception, exit status, crash or
running time, the submission's message and runtime_ms come out the same."""

import pytest

from judge import JudgeRequest, JudgeResult, Limits, TestCase, judge
from judge.tests.support import CPU_BOUND, FAST

HIDDEN_ERROR = "Test case 1: the program stopped with an error (what happened is shown for the examples only)."
HIDDEN_TIMEOUT = "Test case 1: time limit exceeded (what happened is shown for the examples only)."
# Raises on the line the input chooses: its line number would spell out the input.
LINE_FROM_INPUT = "n = int(input())\n" + "".join(f"if n == {k}:\n    raise ValueError(n)\n" for k in range(1, 6))
# Fails in the way the input chooses.
KIND_FROM_INPUT = """
import os, signal, sys
n = int(input())
if n == 1:
    raise ValueError(n)
if n == 2:
    raise KeyError(n)
if n == 3:
    raise type("Input" + str(n), (Exception,), {})()
if n == 4:
    sys.exit(n)
if n == 5:
    os.abort()
if n == 6:
    os.kill(os.getpid(), signal.SIGSEGV)
if n == 7:
    b = bytearray(10**10)
if n == 8:
    sys.stdout.write("x" * 10**6)
if n == 9:
    os.write(3, repr({"type": "ValueError", "line": n, "message": str(n)}).encode())
    os._exit(1)
"""
TIME_FROM_INPUT = "import time\nif input() == 'cpu':\n    while True: pass\ntime.sleep(60)\n"
COUNT_INPUT = "s = input()\nn = 0\nfor c in s:\n    n += 1\nprint(n)\n"


def _hidden(code: str, stdin: str, limits: Limits = FAST) -> JudgeResult:
    return judge(JudgeRequest(code, [TestCase(stdin, "never printed\n")], limits=limits))


def test_an_exception_at_a_line_chosen_by_the_hidden_input_says_the_same_for_every_input() -> None:
    messages = {_hidden(LINE_FROM_INPUT, f"{n}\n").message for n in (1, 5)}
    assert messages == {HIDDEN_ERROR}


def test_the_teacher_still_gets_the_whole_story_of_a_hidden_case() -> None:
    result = _hidden(LINE_FROM_INPUT, "5\n")
    assert result.cases[0].error == "ValueError: 5 (line 11)"


@pytest.mark.parametrize("choice", range(1, 10))
def test_every_kind_of_error_on_a_hidden_case_gives_one_message(choice: int) -> None:
    result = _hidden(KIND_FROM_INPUT, f"{choice}\n")
    assert (result.verdict, result.message) == ("error", HIDDEN_ERROR)


def test_cpu_and_wall_timeouts_on_a_hidden_case_give_one_message() -> None:
    results = [_hidden(TIME_FROM_INPUT, stdin, limits=CPU_BOUND) for stdin in ("cpu\n", "wall\n")]
    assert [(result.verdict, result.message) for result in results] == [("timeout", HIDDEN_TIMEOUT)] * 2


def test_a_visible_case_still_says_what_happened() -> None:
    result = judge(JudgeRequest(LINE_FROM_INPUT, [TestCase("5\n", "", visible=True)]))
    assert result.message == "Test case 1: ValueError: 5 (line 11)"


def test_runtime_does_not_count_hidden_cases() -> None:
    small, large = "x\n", "x" * 3_000_000 + "\n"
    only_hidden = [judge(JudgeRequest(COUNT_INPUT, [TestCase(text, "1\n")])) for text in (small, large)]
    assert only_hidden[1].cases[0].runtime_ms > 20  # the hidden case's own time does follow its input's size
    assert [result.runtime_ms for result in only_hidden] == [None, None]
    example = TestCase("abc\n", "3\n", visible=True)
    for text in (small, large):
        result = judge(JudgeRequest(COUNT_INPUT, [example, TestCase(text, "1\n"), example]))
        assert result.runtime_ms == result.cases[0].runtime_ms + result.cases[2].runtime_ms
