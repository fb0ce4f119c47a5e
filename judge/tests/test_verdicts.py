"""Ordinary programs: the verdict, counts, measurements and the beginner's message."""

import pytest

from judge import JudgeRequest, Limits, TestCase, Verdict, judge
from judge.runner import HIDDEN_MESSAGES
from judge.tests.support import CPU_BOUND, FAST, run

SUM = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.mark.parametrize(
    ("code", "stdin", "expected", "verdict"),
    [
        (SUM, "1 2\n", "3\n", Verdict.PASSED),
        (SUM, "1 2\n", "4\n", Verdict.FAILED),
        ("print(3)", "", "3", Verdict.PASSED),  # a missing final newline on either side is not an error
        ("print('3   ')\nprint()\nprint()", "", "3", Verdict.PASSED),  # trailing spaces and blank lines
        ("print('3\\r')", "", "3\r\n", Verdict.PASSED),  # Windows line ends
        ("print('3  4')", "", "3 4", Verdict.FAILED),  # spaces inside a line count
        ("print()\nprint(3)", "", "3", Verdict.FAILED),  # leading blank lines count
        ("", "", "", Verdict.PASSED),  # no output expected, none given
        ("print(input()[::-1])", "şçöüğıəİ\n", "İəığüöçş", Verdict.PASSED),  # Azerbaijani text both ways
        ("print(input())", "a\r\nb\r\n", "a", Verdict.PASSED),  # universal newlines on stdin, as in Python
        ("import sys\nprint(sys.stdin.read().split())", "1\n2\n", "['1', '2']", Verdict.PASSED),
        ("import math, re, collections\nprint(math.isqrt(17))", "", "4", Verdict.PASSED),
        ("print(3)\nraise SystemExit(0)", "", "3", Verdict.PASSED),
        ("print(3)\nimport sys\nsys.exit()", "", "3", Verdict.PASSED),
        ("print(3)\nimport sys\nsys.exit(3)", "", "3", Verdict.ERROR),
        ("print(3)\nimport sys\nsys.exit('bye')", "", "3", Verdict.ERROR),
        ("print(3)\nimport os\nos._exit(0)", "", "3", Verdict.FAILED),  # unflushed output is lost, as in Python
        ("import sys\nprint(3, file=sys.stderr)\nprint(4)", "", "4", Verdict.PASSED),  # stderr is not output
        ("raise KeyboardInterrupt", "", "", Verdict.ERROR),
        (  # SIGINT is a KeyboardInterrupt in a case, as in any Python program
            "import os, signal\ntry:\n    os.kill(os.getpid(), signal.SIGINT)\nexcept KeyboardInterrupt:\n    print(1)",
            "",
            "1",
            Verdict.PASSED,
        ),
        ("while True: pass", "", "", Verdict.TIMEOUT),
        ("import time\ntime.sleep(60)", "", "", Verdict.TIMEOUT),
    ],
)
def test_verdict_of_a_single_case(code: str, stdin: str, expected: str, verdict: Verdict) -> None:
    result = run(code, stdin, expected=expected, limits=FAST)
    assert result.verdict == verdict, result
    assert result.cases[0].verdict == verdict


def test_all_cases_pass_and_are_counted() -> None:
    cases = [TestCase(f"{i} {i}\n", f"{2 * i}\n", visible=True) for i in range(5)]
    result = judge(JudgeRequest(SUM, cases))
    assert (result.verdict, result.passed_count, result.failed_count, result.message) == ("passed", 5, 0, None)
    assert [case.index for case in result.cases] == [0, 1, 2, 3, 4]
    assert [case.output for case in result.cases] == [f"{2 * i}\n" for i in range(5)]
    assert all(case.error is None and case.memory_kb > 0 for case in result.cases)
    assert result.runtime_ms == sum(case.runtime_ms for case in result.cases)
    assert result.peak_memory_kb == max(case.memory_kb for case in result.cases)


def test_wrong_answer_names_the_first_failing_case_and_the_rest_still_run() -> None:
    cases = [TestCase("1 1\n", "2"), TestCase("2 2\n", "5"), TestCase("3 3\n", "7"), TestCase("4 4\n", "8")]
    result = judge(JudgeRequest(SUM, cases))
    assert result.verdict == "failed"
    assert result.message == "Wrong answer on test case 2."
    assert (result.passed_count, result.failed_count) == (2, 2)
    assert [case.verdict for case in result.cases] == ["passed", "failed", "failed", "passed"]
    assert result.cases[1].output == "4\n"


def test_exception_message_gives_the_last_traceback_line_and_the_line_in_the_code() -> None:
    code = "def parse(text):\n    return int(text)\n\nprint(parse(input()))\n"
    result = run(code, "abc\n")
    assert result.verdict == "error"
    assert result.message == ("Test case 1: ValueError: invalid literal for int() with base 10: 'abc' (line 2)")


def test_exception_in_a_hidden_case_does_not_quote_the_hidden_input() -> None:
    cases = [TestCase("7\n", "7", visible=True), TestCase("hidden-input-value\n", "0")]
    result = judge(JudgeRequest("print(int(input()))", cases))
    assert result.verdict == "error"
    assert result.message == f"Test case 2: {HIDDEN_MESSAGES[Verdict.ERROR]}"
    assert "hidden-input-value" in (result.cases[1].error or "")  # the teacher still sees the whole story


@pytest.mark.parametrize(
    "code",
    [
        # the program names its own exception class after the input
        "s = input()\nraise type(s[:90], (Exception,), {})()",
        "s = input()\nraise type(s, (ValueError,), {})(s)",
        "import json\njson.loads(input() + '}')",
        "import sys\nsys.exit(int(input()))",
        # a report forged on the report's descriptor, its line number spelling out the input
        "import os\nn = int(input())\nos.write(3, repr({'type': 'ValueError', 'line': n}).encode())\nos._exit(1)",
        "raise KeyError(input())",
    ],
)
def test_a_hidden_case_message_tells_nothing_the_program_made_of_its_input(code: str) -> None:
    secret = "4242421"
    hidden = judge(JudgeRequest(code, [TestCase(f"{secret}\n", "0")]))
    assert (hidden.verdict, hidden.message) == ("error", f"Test case 1: {HIDDEN_MESSAGES[Verdict.ERROR]}")
    shown = judge(JudgeRequest(code, [TestCase(f"{secret}\n", "0", visible=True)]))
    assert shown.cases[0].error == hidden.cases[0].error  # the teacher's record keeps the whole story


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("print(1)\nif True\n    print(2)\n", "Syntax error on line 2: expected ':'"),
        ("print(1)\n  print(2)\n", "IndentationError on line 2: unexpected indent"),
        ("print(1)\nprint(2\n", "Syntax error on line 2: '(' was never closed"),
        ("x = 1\nprint(x)\0\n", "Syntax error on line 2: source code string cannot contain null bytes"),
        ("x = 1\ny = '\ud800'\n", "Syntax error on line 2: invalid character (an unpaired surrogate)"),
    ],
)
def test_syntax_error_runs_no_case_and_names_the_line(code: str, message: str) -> None:
    result = run(code, "", "")
    assert (result.verdict, result.message, result.cases) == ("error", message, [])
    assert (result.passed_count, result.failed_count) == (0, 2)


def test_byte_order_mark_and_a_foreign_coding_cookie_are_ignored() -> None:
    assert run("\ufeffprint(1)", expected="1").verdict == "passed"
    assert run("# -*- coding: latin-1 -*-\nprint('ə')", expected="ə").verdict == "passed"


def test_cpu_timeout_stops_the_remaining_cases() -> None:
    result = run("while True: pass", "1", "2", "3", limits=CPU_BOUND)
    assert result.verdict == "timeout"
    assert result.message == "Test case 1: Time limit exceeded: more than 0.5 s of CPU time."
    assert len(result.cases) == 1 and (result.passed_count, result.failed_count) == (0, 3)
    assert result.cases[0].runtime_ms > 500


def test_sleeping_program_times_out_on_wall_time() -> None:
    result = run("import time\ntime.sleep(60)", limits=FAST)
    assert result.verdict == "timeout"
    assert result.message == "Test case 1: Time limit exceeded: the program ran for more than 2 s of real time."
    assert result.cases[0].runtime_ms < 100


def test_slow_case_after_fast_ones_is_the_one_reported() -> None:
    code = "n = int(input())\nwhile n: pass\nprint(0)"
    result = run(code, "0", "0", "1", expected="0", limits=FAST)
    assert [case.verdict for case in result.cases] == ["passed", "passed", "timeout"]
    assert result.message is not None and result.message.startswith("Test case 3: Time limit exceeded")


def test_no_cases_is_a_vacuous_pass() -> None:
    result = judge(JudgeRequest("print(1)", []))
    assert (result.verdict, result.passed_count, result.failed_count, result.cases) == ("passed", 0, 0, [])


def test_limits_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="cpu_ms"):
        Limits(cpu_ms=0)
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=16)


def test_large_input_and_output_cross_the_pipes_whole() -> None:
    text = "".join(f"{n}\n" for n in range(600_000))  # about 4 MB each way
    code = "import sys\ndata = sys.stdin.read()\nsys.stdout.write(data)\nprint(len(data))"
    result = run(code, text, expected=text + f"{len(text)}\n", limits=Limits(output_kb=8192))
    assert result.verdict == "passed", result.message
    assert len(result.cases[0].output) == len(text) + len(f"{len(text)}\n")
