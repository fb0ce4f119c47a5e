"""The sandbox's life cycle: refusing to run without it, the development switch, a broken or hung harness,
and judges running side by side."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from judge import (
    UNSANDBOXED_SWITCH,
    JudgeFailure,
    JudgeRequest,
    JudgeResult,
    SandboxUnavailable,
    TestCase,
    judge,
    sandbox_status,
)
from judge import sandbox as sandbox_module
from judge.tests.support import FAST, REPO, Host, live_descendants, run

SUM = "print(sum(map(int, input().split())))"


def test_sandbox_status_says_it_works_here() -> None:
    assert sandbox_status().available


def test_without_bubblewrap_the_judge_refuses_and_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    status = sandbox_status()
    assert not status.available and "bubblewrap" in status.reason
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        run(SUM, "1 2", expected="3")


def test_without_seccomp_the_judge_refuses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sandbox_module, "SECCOMP_DIR", str(tmp_path))
    with pytest.raises(SandboxUnavailable, match="python3-seccomp"):
        run(SUM, "1 2", expected="3")


def test_the_development_switch_runs_without_a_sandbox_but_keeps_the_limits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(UNSANDBOXED_SWITCH, "1")
    assert run(SUM, "1 2", expected="3").verdict == "passed"
    assert run("while True: pass", limits=FAST).verdict == "timeout"
    assert "Memory limit" in (run("x = bytearray(10**10)").message or "")
    assert "Output limit" in (run("while True: print(1)").message or "")


def test_the_development_switch_is_off_unless_exactly_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(UNSANDBOXED_SWITCH, "true")
    with pytest.raises(SandboxUnavailable):
        run(SUM, "1 2", expected="3")


def _fake_harness(monkeypatch: pytest.MonkeyPatch, after_ready: str) -> None:
    """Replace the harness by one that says it is ready, reads a case, then misbehaves."""
    source = f"""
import os, time
def read(n):
    data = b""
    while len(data) < n:
        data += os.read(0, n - len(data))
    return data
def reply(body):
    os.write(1, len(body).to_bytes(4, "big") + body)
read(int.from_bytes(read(4), "big"))
reply(b"{{'ready': True}}")
read(int.from_bytes(read(4), "big"))
{after_ready}
"""
    monkeypatch.setattr(sandbox_module, "HARNESS_SOURCE", source)
    monkeypatch.setattr(sandbox_module, "CASE_GRACE_S", 0.5)


HEAD = {"setup_ok": True, "exit_code": 0, "signal": None, "cpu_ms": 1.0, "wall_ms": 1.0, "wall_killed": False}
SIZES = {"memory_kb": 1, "out_size": 1, "out_len": 1, "err_len": 0, "report_len": 0}


@pytest.mark.parametrize(
    ("after_ready", "complaint"),
    [
        ("os._exit(0)", "the sandbox stopped answering"),
        ("time.sleep(60)", "the sandbox stopped answering within its time limit"),
        ("reply(b'[]')", "unexpected harness reply"),
        ("reply(b\"__import__('os').system('touch /tmp/x')\")", "unexpected harness reply"),  # never evaluated
        (f"reply({str({**HEAD, **SIZES, 'exit_code': 'zero'}).encode()!r})", "malformed harness reply"),
        (f"reply({str({**HEAD, **SIZES, 'out_len': 10**8}).encode()!r})", "impossible sizes"),
        ("os.write(1, (1 << 30).to_bytes(4, 'big'))", "harness reply of"),
    ],
)
def test_a_broken_or_hung_harness_is_a_judge_failure_and_is_killed(
    monkeypatch: pytest.MonkeyPatch, host: Host, after_ready: str, complaint: str
) -> None:
    _fake_harness(monkeypatch, after_ready)
    with pytest.raises(JudgeFailure, match=complaint):
        run(SUM, "1 2", expected="3", limits=FAST)


def test_two_judges_at_once_each_get_their_own_answers() -> None:
    results: dict[int, JudgeResult] = {}

    def work(worker: int) -> None:
        cases = [TestCase(f"{worker} {n}", str(worker + n)) for n in range(20)]
        results[worker] = judge(JudgeRequest(SUM, cases))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [(r.verdict, r.passed_count) for r in results.values()] == [("passed", 20)] * 2
    assert [case.output for case in results[200].cases] == [f"{200 + n}\n" for n in range(20)]


def test_a_judge_process_killed_mid_run_takes_its_sandbox_with_it(host: Host) -> None:
    script = (
        "from judge import JudgeRequest, Limits, TestCase, judge\n"
        "judge(JudgeRequest('import time\\ntime.sleep(60)', [TestCase('', '')], Limits(wall_ms=60000)))"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    others = {host.canary_pid, worker.pid}
    deadline = time.monotonic() + 10
    while len(live_descendants(others)) < 2 and time.monotonic() < deadline:  # bwrap and the harness
        time.sleep(0.05)
    assert len(live_descendants(others)) >= 2, "the sandbox never started"
    time.sleep(0.3)  # the case is now sleeping inside
    worker.kill()
    worker.wait()
    deadline = time.monotonic() + 5
    while live_descendants(others) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not live_descendants(others), "the sandbox outlived the judge process that started it"


def _in_a_nicer_thread[T](nice: int, work: Callable[[], T]) -> T:
    """Run `work` in a thread of its own at `nice` (niceness is per thread on Linux, and only goes up without
    privileges, so the test's own thread keeps its own)."""
    outcome: list[T] = []

    def nicer() -> None:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
        outcome.append(work())

    thread = threading.Thread(target=nicer)
    thread.start()
    thread.join()
    return outcome[0]


def test_the_program_runs_at_the_niceness_of_the_thread_that_judges_it() -> None:
    code = "import os\nprint(os.getpriority(os.PRIO_PROCESS, 0))"
    result = _in_a_nicer_thread(7, lambda: judge(JudgeRequest(code, [TestCase("", "7")])))
    assert (result.verdict, result.cases[0].output) == ("passed", "7\n")


def test_the_sandbox_session_gets_that_niceness_where_sessions_share_the_cpu_as_peers() -> None:
    # bwrap's --new-session puts the harness in an autogroup of its own: its niceness is what the scheduler weighs
    # against the web server's session, not the niceness of the processes in it.
    if not Path("/proc/self/autogroup").exists():
        pytest.fail("this kernel has no autogroup scheduling: the test cannot see what it checks")

    def autogroup_of_harness() -> str:
        with sandbox_module.open_harness(SUM, FAST) as harness:
            pid = harness._harness_pid()
            assert pid is not None
            return Path(f"/proc/{pid}/autogroup").read_text()

    assert autogroup_of_harness().split()[-1] == "0"  # a new session starts at 0, and a judge at 0 leaves it so
    assert _in_a_nicer_thread(7, autogroup_of_harness).split()[-1] == "7"
