"""A short run of bench/api.py on a small generated school (bench/generate.py at scale 0.01): every endpoint it
measures answers 200 for both schools, with a sane number of queries, and the table names them all."""

import os
import re
import subprocess
import sys

import pytest

from bekrin.testing.server import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from api import SAME_ROWS

pytestmark = pytest.mark.server

ROW = re.compile(
    rf"^\| (?P<endpoint>[^|]+) \| (?P<school>big|seed|{re.escape(SAME_ROWS)}) \| (?P<clients>\d+) \|(?P<rest>.*)\|$"
)
# The lists of ENDPOINTS (paginated answers): each is asked of the big school also with the seed's page size.
PAGES = {
    "teacher: students", "teacher: students ?search=", "teacher: parents", "teacher: groups", "teacher: payments",
    "teacher: coding tasks", "teacher: coding submissions", "teacher: coding ranking, page 1", "teacher: tests",
    "teacher: test attempts", "student: payments", "student: coding tasks",
    "student: coding submissions", "student: tests", "parent: dashboard", "parent: child payments",
    "parent: child tests",
}  # fmt: skip
# bench/api.py's ENDPOINTS, by name: the table must have a row for each (a dropped endpoint fails here).
ENDPOINTS = {
    "health/live (floor)", "health", "teacher: students", "teacher: students ?search=", "teacher: student detail",
    "teacher: parents", "teacher: groups", "teacher: group detail", "teacher: attendance month grid",
    "teacher: payments", "teacher: coding tasks", "teacher: coding submissions", "teacher: coding ranking",
    "teacher: coding ranking, page 1", "teacher: tests", "teacher: test attempts", "student: attendance",
    "student: payments", "student: coding tasks", "student: coding submissions", "student: tests",
    "parent: dashboard", "parent: child attendance", "parent: child payments", "parent: child tests",
    "web: login page", "web: teacher home", "web: attendance grid page", "web: groups", "web: group page",
    "web: new group form", "web: students", "web: students ?search=", "web: student page", "web: parents",
    "web: tests", "web: test page", "web: coding tasks", "web: coding submissions", "web: coding ranking",
    "web: payments", "web: import page", "web: password page", "web: student home", "web: parent home",
}  # fmt: skip


def drop(database: str) -> None:
    script = f"from _databases import admin_execute; admin_execute('DROP DATABASE IF EXISTS {database} WITH (FORCE)')"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT / "bench", check=True, timeout=60)


def test_bench_api_measures_every_endpoint_of_a_small_generated_school():
    database = f"bench_api_test_{os.getpid()}"
    command = [sys.executable, "bench/api.py", "--generate", "--scale", "0.01", "--seconds", "0.2"]
    try:
        run = subprocess.run([*command, "--database", database], cwd=ROOT, capture_output=True, text=True, timeout=600)
    finally:
        drop(database)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [match.groupdict() for line in run.stdout.splitlines() if (match := ROW.match(line))]
    # Each row is printed as measured and again in the final table.
    assert {(row["endpoint"], row["school"], row["clients"]) for row in rows} == {
        (endpoint, school, clients) for endpoint in ENDPOINTS for school in ("big", "seed") for clients in ("1", "8")
    } | {(endpoint, SAME_ROWS, "1") for endpoint in PAGES}
    for row in rows:
        req_s, p50, p95, queries, sql_ms, _app, _db, statuses = [cell.strip() for cell in row["rest"].split("|")]
        assert re.fullmatch(r"200×\d+", statuses), row
        assert float(req_s) > 0 and float(p50) <= float(p95), row
        reads_nothing = row["endpoint"] in ("health/live (floor)", "web: login page")
        assert (int(queries) == 0) if reads_nothing else (1 <= int(queries) <= 20), row
        assert float(sql_ms) >= 0, row
    assert "api answers other than 200: 0 (target 0): met" in run.stdout
    assert re.search(r"written to var/bench/api-\d{8}T\d{6}Z\.md", run.stdout)
