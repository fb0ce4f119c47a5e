"""Benchmark of the code judge: the pre-warmed harness against the naive way, side by side.

    python bench/judge_bench.py

The submission reads two ints and prints their sum. "judge" is judge.judge(): one sandbox per submission, a fork
per test case. "naive" starts a fresh bubblewrap sandbox and /usr/bin/python3 for every test case (same
mounts and namespaces, no seccomp, so it is if anything flattered). Targets on the 2-core machine: a 10-case
submission at most 150 ms median, at most 5 ms per extra case, at least 100 cases/s with two workers, and
at least twice as fast as naive.
"""

import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import record

from judge import JudgeRequest, Limits, TestCase, judge
from judge.sandbox import SYSTEM_PYTHON, as_sandbox_user, bwrap_prefix

CODE = "a, b = map(int, input().split())\nprint(a + b)\n"
RUNS = 15
THROUGHPUT_S = 4.0


def cases(count: int) -> list[TestCase]:
    return [TestCase(input=f"{n} {n + 1}\n", expected=f"{2 * n + 1}\n") for n in range(count)]


def judged(count: int) -> None:
    result = judge(JudgeRequest(CODE, cases(count), Limits()))
    if result.verdict != "passed":
        raise SystemExit(f"the judge failed the reference submission: {result}")


def naive(count: int) -> None:
    for case in cases(count):
        done = subprocess.run(
            [*bwrap_prefix(None), SYSTEM_PYTHON, "-I", "-S", "-c", CODE],
            input=case.input.encode(),
            capture_output=True,
            timeout=10,
            **as_sandbox_user(),
        )
        if done.stdout.decode().strip() != case.expected.strip():
            raise SystemExit(f"naive run failed: {done!r}")


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def throughput(way: Callable[[int], None], workers: int = 2, per_submission: int = 10) -> float:
    """Test cases per second with `workers` threads judging 10-case submissions back to back."""
    done = [0] * workers
    deadline = time.perf_counter() + THROUGHPUT_S

    def work(slot: int) -> None:
        while time.perf_counter() < deadline:
            way(per_submission)
            done[slot] += per_submission

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def measure(runs: int) -> dict[str, dict[str, float]]:
    """Both ways, interleaved run by run, so that whatever else loads the machine weighs on both alike."""
    sizes = (1, 10, 20)
    ways = {"judge": judged, "naive": naive}
    samples: dict[tuple[str, int], list[float]] = {(name, size): [] for name in ways for size in sizes}
    for way in ways.values():
        way(1)  # warm the page cache
    for _ in range(runs):
        for name, way in ways.items():
            for size in sizes:
                started = time.perf_counter()
                way(size)
                samples[name, size].append((time.perf_counter() - started) * 1000)
    figures = {}
    for name, way in ways.items():
        medians = {size: statistics.median(samples[name, size]) for size in sizes}
        figures[name] = {
            "10-case median (ms)": medians[10],
            "10-case p90 (ms)": p90(samples[name, 10]),
            "1-case median (ms)": medians[1],
            "per-case overhead (ms)": (medians[20] - medians[1]) / 19,
            "cases/s, 2 workers": throughput(way),
        }
    return figures


def main() -> None:
    started = time.perf_counter()
    figures = measure(RUNS)
    fast, slow = figures["judge"], figures["naive"]
    speedup = slow["10-case median (ms)"] / fast["10-case median (ms)"]
    print(f"{'':26}{'judge':>10}{'naive':>10}")
    for name, value in fast.items():
        print(f"{name:26}{value:10.1f}{slow[name]:10.1f}")
    print(f"(measured in {time.perf_counter() - started:.0f} s)")
    ten, overhead = fast["10-case median (ms)"], fast["per-case overhead (ms)"]
    record("judge 10-case median", ten, "ms", "≤ 150", ten <= 150)
    record("judge per-case overhead", overhead, "ms", "≤ 5", overhead <= 5)
    throughput = fast["cases/s, 2 workers"]
    record("judge cases/s, 2 workers", throughput, "cases/s", "≥ 100", throughput >= 100)
    record("judge speed-up over a naive runner, 10 cases", speedup, "×", "≥ 2", speedup >= 2)


if __name__ == "__main__":
    main()
