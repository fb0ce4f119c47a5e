"""How a benchmark reports a figure: its name, value, unit, target and whether it met it.

Not a benchmark (`make bench` runs only the scripts whose names do not start with `_`). `record` prints the figure
beside its target and, under `make bench` (bench/_run.py sets BENCH_REPORT to a file), appends it there as one
JSON line, so the run can list every figure and every miss at the end. A missed target is a figure like any
other: the script goes on and exits 0; only a crash (an exception, a broken server) makes it exit non-zero.
"""

import json
import os
from dataclasses import asdict, dataclass

REPORT_ENV = "BENCH_REPORT"


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str  # as a person reads it: "< 50", "≥ 2×"
    met: bool

    def text(self) -> str:
        return f"{self.value:.4g} {self.unit}".strip()

    def target_text(self) -> str:
        return f"{self.target} {self.unit}".strip()


def record(name: str, value: float, unit: str, target: str, met: bool) -> Figure:
    figure = Figure(name, float(value), unit, target, bool(met))
    print(f"{name}: {figure.text()} (target {figure.target_text()}): {'met' if met else 'MISSED'}")
    path = os.environ.get(REPORT_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as report:
            report.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")
    return figure


def read(path: str) -> list[Figure]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as report:
        return [Figure(**json.loads(line)) for line in report if line.strip()]
