"""`make bench`: every benchmark in bench/, each in its own process, even when one misses a target or crashes.

Not a benchmark itself. The generator runs first (bench/api.py serves the database it makes); then the scripts
in name order. Each reports its figures through bench/_report.py; at the end every figure is printed beside its
target, then the misses. The exit status is 1 only when a script crashed (exited non-zero), not for a miss.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _report import REPORT_ENV, Figure, read  # noqa: E402

FIRST = ["generate.py"]


def scripts(names: list[str]) -> list[Path]:
    found = [path for path in BENCH.glob("[!_]*.py") if not names or path.name in names]
    return sorted(found, key=lambda path: (path.name not in FIRST, path.name))


def main() -> int:
    names = sys.argv[1:]  # `bench/_run.py ranking.py api.py`: only those
    figures: list[tuple[str, Figure]] = []
    crashed: list[str] = []
    for script in scripts(names):
        print(f"== {script.relative_to(BENCH.parent)}", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            report = os.path.join(folder, "figures.jsonl")
            started = time.perf_counter()
            done = subprocess.run([sys.executable, str(script)], env={**os.environ, REPORT_ENV: report}, check=False)
            figures += [(script.name, figure) for figure in read(report)]
        print(f"== {script.name}: exit {done.returncode} after {time.perf_counter() - started:.0f} s\n", flush=True)
        if done.returncode != 0:
            crashed.append(f"{script.name} (exit {done.returncode})")
    print("| script | figure | value | target | |\n|---|---|---|---|---|")
    for name, figure in figures:
        verdict = "met" if figure.met else "MISSED"
        print(
            f"| {name} | {figure.name} | {figure.value:.4g} {figure.unit} | {figure.target} {figure.unit} | {verdict} |"
        )
    misses = [(name, figure) for name, figure in figures if not figure.met]
    print(f"\n{len(figures)} figures, {len(misses)} missed:")
    for name, figure in misses:
        print(f"  {name}: {figure.name}: {figure.text()}, target {figure.target_text()}")
    if crashed:
        print(f"crashed: {', '.join(crashed)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
