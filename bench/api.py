"""Every list, grid, ranking and dashboard endpoint, and every page of the web app, on the big (100×) school and on
the seed school, in one run.

Run: `.venv/bin/python bench/api.py [--database bench_big] [--generate] [--scale 1.0] [--seconds 3]`. It serves
the database made by bench/generate.py (with `--generate`, or when it does not exist, it makes it first at
`--scale`) with `make serve` (gunicorn, `DEBUG` off, config/gunicorn.py) with 3 workers and SERVER_TIMING on, on the
server of DATABASE_URL or the embedded one; logs in as the big school's teacher, student and parent and as the
seed's; and for each endpoint, at 1 and then 8 clients, measures the big school's request and then the seed's
for `--seconds` each (so both see the same machine at nearly the same moment): req/s, p50 and p95, queries and SQL
ms per request (medians, from the Server-Timing header), and the CPU per request of the gunicorn processes and of
the database's backends for this database (utime+stime from /proc, the figure that stays stable on a shared
machine). `/api/health/live` (no query) is the floor, `/api/health` beside it. The table is printed and written
to var/bench/api-<timestamp>.md; then the scale targets (each endpoint's SQL time at most 2× the seed's, p95
under 50 ms at one client, the ranking's req/s at least half the attendance grid's; each page's p95 at one client
under 100 ms at the seed's size and under 150 ms at the big school's) are recorded as met or missed
(bench/_report.py). Pages are asked with the session of a login on the web app's login page, as a browser's.
Each list is also asked of the big school with the seed's page size (a row "big, seed's page size", one
client): the SQL of the school's size without the rows of a longer page.
`--seconds 0.2 --scale 0.01` is the smoke test's short run (bekrin/core/tests/test_bench_api.py).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from _databases import server_url, with_database  # noqa: E402
from _report import record  # noqa: E402
from _server import login, request_once, session_login, started  # noqa: E402

from bekrin.testing.server import RunningServer  # noqa: E402

DEFAULT_DATABASE = "bench_big"
WORKERS = 3
CLIENTS = (1, 8)
TIMING = re.compile(r'db;dur=([0-9.]+);desc="([0-9]+) queries"')
BIG = {"teacher": "teacher@big.bench", "student": "student1@big.bench", "parent": "parent1@big.bench"}
BIG_PASSWORD = "bench-pass-1"  # bench/generate.py's
SEED = {
    "teacher": ("teacher@bekrin.test", "teacher-pass-1"),
    "student": ("student1@bekrin.test", "student-pass-1"),
    "parent": ("parent@bekrin.test", "parent-pass-1"),
}  # README.md's seed logins
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Endpoint:
    name: str
    role: str  # whose token (or session, for a page): teacher, student, parent, or "" for none
    path: str  # may name {group}, {student}, {child}, {test}: read once per school
    page: bool = False  # a page of the web app, asked with the role's session cookie


ENDPOINTS = [
    Endpoint("health/live (floor)", "", "/api/health/live"),
    Endpoint("health", "", "/api/health"),
    Endpoint("teacher: students", "teacher", "/api/teacher/students"),
    Endpoint("teacher: students ?search=", "teacher", "/api/teacher/students?search=h%C9%99s%C9%99n"),
    Endpoint("teacher: student detail", "teacher", "/api/teacher/students/{student}"),
    Endpoint("teacher: parents", "teacher", "/api/teacher/parents"),
    Endpoint("teacher: groups", "teacher", "/api/teacher/groups"),
    Endpoint("teacher: group detail", "teacher", "/api/teacher/groups/{group}"),
    Endpoint("teacher: attendance month grid", "teacher", "/api/teacher/attendance?group_id={group}&month={month}"),
    Endpoint("teacher: payments", "teacher", "/api/teacher/payments"),
    Endpoint("teacher: coding tasks", "teacher", "/api/teacher/coding/tasks"),
    Endpoint("teacher: coding submissions", "teacher", "/api/teacher/coding/submissions"),
    Endpoint("teacher: coding ranking", "teacher", "/api/teacher/coding/ranking"),
    Endpoint("teacher: coding ranking, page 1", "teacher", "/api/teacher/coding/ranking?page=1"),
    Endpoint("teacher: tests", "teacher", "/api/teacher/tests"),
    Endpoint("teacher: test attempts", "teacher", "/api/teacher/tests/{test}/attempts"),
    Endpoint("student: attendance", "student", "/api/student/attendance"),
    Endpoint("student: payments", "student", "/api/student/payments"),
    Endpoint("student: coding tasks", "student", "/api/student/coding/tasks"),
    Endpoint("student: coding submissions", "student", "/api/student/coding/submissions"),
    Endpoint("student: tests", "student", "/api/student/tests"),
    Endpoint("parent: dashboard", "parent", "/api/parent/children"),
    Endpoint("parent: child attendance", "parent", "/api/parent/children/{child}/attendance"),
    Endpoint("parent: child payments", "parent", "/api/parent/children/{child}/payments"),
    Endpoint("parent: child tests", "parent", "/api/parent/children/{child}/tests"),
    Endpoint("web: login page", "", "/", page=True),
    Endpoint("web: teacher home", "teacher", "/teacher/", page=True),
    Endpoint("web: attendance grid page", "teacher", "/teacher/attendance?group_id={group}&month={month}", page=True),
    Endpoint("web: groups", "teacher", "/teacher/groups", page=True),
    Endpoint("web: group page", "teacher", "/teacher/groups/{group}", page=True),
    Endpoint("web: new group form", "teacher", "/teacher/groups/new", page=True),
    Endpoint("web: students", "teacher", "/teacher/students", page=True),
    Endpoint("web: students ?search=", "teacher", "/teacher/students?search=h%C9%99s%C9%99n", page=True),
    Endpoint("web: student page", "teacher", "/teacher/students/{student}", page=True),
    Endpoint("web: parents", "teacher", "/teacher/parents", page=True),
    Endpoint("web: tests", "teacher", "/teacher/tests", page=True),
    Endpoint("web: test page", "teacher", "/teacher/tests/{test}", page=True),
    Endpoint("web: coding tasks", "teacher", "/teacher/coding/tasks", page=True),
    Endpoint("web: coding submissions", "teacher", "/teacher/coding/submissions", page=True),
    Endpoint("web: coding ranking", "teacher", "/teacher/coding/ranking", page=True),
    Endpoint("web: payments", "teacher", "/teacher/payments", page=True),
    Endpoint("web: import page", "teacher", "/teacher/import", page=True),
    Endpoint("web: password page", "teacher", "/account/password", page=True),
    Endpoint("web: student home", "student", "/student/", page=True),
    Endpoint("web: parent home", "parent", "/parent/", page=True),
]
RANKING, GRID = "teacher: coding ranking", "teacher: attendance month grid"
SAME_ROWS = "big, seed's page size"  # the label of School.at_page_sizes_of: the big school asked the seed's page sizes


def results_of(body: str) -> list[dict]:
    data = json.loads(body)
    return data["results"] if isinstance(data, dict) else data


@dataclass
class School:
    """A school's tokens and web sessions by role and the ids its paths name, read through the API; `page_sizes`
    (endpoint name → `page_size`) asks its lists that long."""

    label: str
    tokens: dict[str, str]
    sessions: dict[str, str]
    ids: dict[str, object]
    page_sizes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, label: str, port: int, logins: dict[str, tuple[str, str]]) -> "School":
        tokens = {role: login(port, email, password) for role, (email, password) in logins.items()}
        sessions = {role: session_login(port, email, password) for role, (email, password) in logins.items()}

        def first(path: str, role: str) -> int:
            status, body = request_once(port, "GET", path, token=tokens[role])
            if status != 200 or not results_of(body):
                raise RuntimeError(f"{label}: {path} answered {status} with no rows: {body[:200]}")
            return int(results_of(body)[0]["id"])

        ids = {
            "group": first("/api/teacher/groups", "teacher"),
            "student": first("/api/teacher/students", "teacher"),
            "child": first("/api/parent/children", "parent"),
            "test": first("/api/teacher/tests", "teacher"),
            "month": date.today().strftime("%Y-%m"),
        }
        return cls(label, tokens, sessions, ids)

    def headers(self, endpoint: Endpoint) -> dict[str, str]:
        if endpoint.page:
            cookie = {"Cookie": self.sessions[endpoint.role]} if endpoint.role else {}
            return {"Accept": "text/html", **cookie}
        return {
            "Accept": "application/json",
            **({"Authorization": f"Bearer {self.tokens[endpoint.role]}"} if endpoint.role else {}),
        }

    def path(self, endpoint: Endpoint) -> str:
        path = endpoint.path.format(**self.ids)
        size = self.page_sizes.get(endpoint.name)
        return path if size is None else f"{path}{'&' if '?' in path else '?'}page_size={size}"

    def at_page_sizes_of(self, other: "School", port: int) -> "School":
        """This school asked for pages as long as `other`'s: what the size of the school costs, apart from the
        rows a page carries (fetching and serializing a row costs ~10-15 µs of the SQL figure, so a page of 50
        against the seed's 3 doubles the SQL time at any school size)."""
        sizes = {}
        for endpoint in ENDPOINTS:
            if not endpoint.role or endpoint.page:
                continue
            status, body = request_once(port, "GET", other.path(endpoint), token=other.tokens[endpoint.role])
            data = json.loads(body) if status == 200 else None
            if isinstance(data, dict) and "results" in data:
                sizes[endpoint.name] = max(1, len(data["results"]))
        return School(SAME_ROWS, self.tokens, self.sessions, self.ids, sizes)


def cpu_seconds(pids: Iterator[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it exited: its time is lost, which a pooled connection or a worker rarely does
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return seconds


def processes() -> Iterator[tuple[int, list[str], str]]:
    """(pid, its /proc/stat fields after the name, its command line) of every process we can read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        yield int(entry.name), stat, command


@dataclass
class CpuProbe:
    """utime+stime of the server's gunicorn processes (its process group) and of the PostgreSQL backends serving
    this database (their titles read `postgres: <user> <database> …`); a backend on another machine is not seen,
    and the database figure is then 0."""

    process_group: int
    database: str

    def sample(self) -> tuple[dict[int, float], dict[int, float]]:
        app, db = [], []
        for pid, stat, command in processes():
            if int(stat[2]) == self.process_group and "gunicorn" in command:
                app.append(pid)
            elif command.startswith("postgres: ") and f" {self.database} " in command:
                db.append(pid)
        return cpu_seconds(iter(app)), cpu_seconds(iter(db))

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(value - before.get(pid, 0.0) for pid, value in after.items())


@dataclass
class Cell:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    app_cpu: float = 0.0
    db_cpu: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def count(self) -> int:
        return len(self.latencies)

    def p(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def measure(port: int, path: str, headers: dict[str, str], clients: int, seconds: float, probe: CpuProbe) -> Cell:
    """`clients` threads, each on its own keep-alive connection, send the request for `seconds` (at least twice
    each, so a slow endpoint still gets a p50)."""
    cell = Cell()
    deadline = time.perf_counter() + seconds
    errors: list[BaseException] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        sent = 0
        try:
            while sent < 2 or time.perf_counter() < deadline:
                started_at = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                took = time.perf_counter() - started_at
                timing = TIMING.search(response.getheader("Server-Timing") or "")
                with cell.lock:
                    cell.latencies.append(took)
                    cell.statuses[response.status] += 1
                    if timing:
                        cell.sql_ms.append(float(timing.group(1)))
                        cell.queries.append(int(timing.group(2)))
                sent += 1
        except BaseException as error:  # re-raised below: a broken client must not pass for a quiet one
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    app_before, db_before = probe.sample()
    started_at = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cell.elapsed = time.perf_counter() - started_at
    app_after, db_after = probe.sample()
    if errors:
        raise errors[0]
    cell.app_cpu = CpuProbe.spent(app_before, app_after)
    cell.db_cpu = CpuProbe.spent(db_before, db_after)
    return cell


def row(name: str, school: str, clients: int, cell: Cell) -> str:
    statuses = ", ".join(f"{status}×{count}" for status, count in sorted(cell.statuses.items()))
    queries = f"{statistics.median(cell.queries):.0f}" if cell.queries else "?"
    sql = f"{statistics.median(cell.sql_ms):.1f}" if cell.sql_ms else "?"
    return (
        f"| {name} | {school} | {clients} | {cell.count / cell.elapsed:.1f} | {cell.p(0.5):.1f} | {cell.p(0.95):.1f} "
        f"| {queries} | {sql} | {cell.app_cpu / cell.count * 1000:.1f} | {cell.db_cpu / cell.count * 1000:.1f} "
        f"| {statuses} |"
    )


HEADER = [
    "| endpoint | school | clients | req/s | p50 ms | p95 ms | queries | SQL ms | app CPU ms/req | DB CPU ms/req "
    "| statuses |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]


def run(port: int, schools: list[School], seconds: float, probe: CpuProbe) -> tuple[list[str], dict]:
    """Each endpoint at each client count for each school, interleaved; a school with `page_sizes` only for its
    pages and at one client."""
    lines = list(HEADER)
    cells: dict[tuple[str, str, int], Cell] = {}
    for endpoint in ENDPOINTS:
        for clients in CLIENTS:
            for school in schools:
                if school.page_sizes and (clients != 1 or endpoint.name not in school.page_sizes):
                    continue
                cell = measure(port, school.path(endpoint), school.headers(endpoint), clients, seconds, probe)
                cells[endpoint.name, school.label, clients] = cell
                lines.append(row(endpoint.name, school.label, clients, cell))
                print(lines[-1], flush=True)
    return lines, cells


def sql_ratio(cell: Cell, seed: Cell) -> float | None:
    if not (cell.sql_ms and seed.sql_ms):
        return None
    return statistics.median(cell.sql_ms) / max(statistics.median(seed.sql_ms), 0.01)


def checks(cells: dict[tuple[str, str, int], Cell]) -> None:
    """The scale targets of the module docstring, each as a figure beside its target; the SQL ratio also with
    the big school's pages as long as the seed's (School.at_page_sizes_of)."""
    for endpoint in ENDPOINTS:
        big, seed = cells[endpoint.name, "big", 1], cells[endpoint.name, "seed", 1]
        if endpoint.page:
            for label, cell, target in (("seed school", seed, 100), ("big school", big, 150)):
                p95 = cell.p(0.95)
                record(f"web p95 at 1 client, {label}: {endpoint.name}", p95, "ms", f"< {target}", p95 < target)
            continue
        if (ratio := sql_ratio(big, seed)) is not None:
            record(f"api SQL time big / seed school: {endpoint.name}", ratio, "×", "≤ 2", ratio <= 2)
        same_rows = cells.get((endpoint.name, SAME_ROWS, 1))
        if same_rows and (ratio := sql_ratio(same_rows, seed)) is not None:
            record(f"api SQL time big at the seed's page size / seed: {endpoint.name}", ratio, "×", "≤ 2", ratio <= 2)
        record(f"api p95 at 1 client, big school: {endpoint.name}", big.p(0.95), "ms", "< 50", big.p(0.95) < 50)
    ranking, grid = cells[RANKING, "big", 1], cells[GRID, "big", 1]
    share = (ranking.count / ranking.elapsed) / (grid.count / grid.elapsed)
    record("api ranking req/s / attendance grid req/s, big school", share, "×", "≥ 0.5", share >= 0.5)
    every = [cell for cell in cells.values()]
    bad = sum(count for cell in every for status, count in cell.statuses.items() if status != 200)
    record("api answers other than 200", bad, "", "0", bad == 0)


def database_exists(name: str) -> bool:
    with psycopg.connect(with_database(server_url(), "postgres")) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def bench(database: str, seconds: float, log_path: Path) -> tuple[list[str], dict]:
    extra = {"WEB_WORKERS": str(WORKERS), "SERVER_TIMING": "true", "WEB_ACCESS_LOG": os.devnull}
    with started("prod", with_database(server_url(), database), log_path, extra, seed=False) as server:
        return measured(server, database, seconds)


def measured(server: RunningServer, database: str, seconds: float) -> tuple[list[str], dict]:
    port = int(server.base_url.rsplit(":", 1)[1])
    big = School.read("big", port, {role: (email, BIG_PASSWORD) for role, email in BIG.items()})
    seed = School.read("seed", port, SEED)
    same_rows = big.at_page_sizes_of(seed, port)
    probe = CpuProbe(os.getpgid(server.process.pid), database)
    return run(port, [big, seed, same_rows], seconds, probe)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="a database bench/generate.py made")
    parser.add_argument("--generate", action="store_true", help="make the database anew first")
    parser.add_argument("--scale", type=float, default=1.0, help="of the database made (bench/generate.py)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per endpoint, school and client count")
    args = parser.parse_args()
    if args.generate or not database_exists(args.database):
        from generate import generate  # it sets Django up, which this process needs only then

        generate(args.database, args.scale)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines, cells = bench(args.database, args.seconds, out / f"api-{stamp}-server.log")
    title = f"bench/api on {args.database}, {WORKERS} gunicorn workers, {args.seconds:g} s per cell, {stamp}"
    (out / f"api-{stamp}.md").write_text("\n".join([f"# {title}", "", *lines, ""]))
    print(f"\n{title}\n" + "\n".join(lines) + f"\n\nwritten to var/bench/api-{stamp}.md")
    checks(cells)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
