"""Load on a real server: N clients sending M requests of a school's daily mix, against `make run` or `make serve`.

Run: `.venv/bin/python bench/load.py [--mode dev|prod] [--clients 16] [--requests 2400]`. It creates its own
database (`bench_load`) on the server of DATABASE_URL (or the embedded one), migrates it and loads the seed data,
starts the server exactly as a person would (`make run` for dev, `make serve` for prod, each with its judge
worker) on a free port, and sends the mix below from N threads, each with its own keep-alive connection and the
tokens of the seed users. It prints req/s, p50, p95 and p99 (overall and per kind of request), the count of every
non-2xx status, and the health answer right after the run; it exits 1 on any 5xx, connection error or unhealthy
server. The database is dropped at the end.

The seed school has three students; a real school has many more, so the server runs with a per-student submission
limit (CODING_SUBMISSIONS_PER_MINUTE) high enough that the mix's submissions are not refused with 429.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from _databases import admin_execute, server_url, with_database  # noqa: E402

# Other benchmarks import the server helpers from here too.
from _server import login, request_once, send, started, wait_until_healthy  # noqa: E402, F401

BENCH_DB = "bench_load"
TEACHER = ("teacher@bekrin.test", "teacher-pass-1")
PARENT = ("parent@bekrin.test", "parent-pass-1")
STUDENTS = [(f"student{n}@bekrin.test", "student-pass-1") for n in (1, 2, 3)]
SUM_SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"


def grid_path(group_id: int) -> str:
    return f"/api/teacher/attendance?group_id={group_id}&month={date.today():%Y-%m}"


@dataclass
class School:
    """What the mix needs to know of the seed school: tokens and ids, read once through the API."""

    teacher: str
    parent: str
    students: list[str]
    group_ids: list[int]
    members: list[tuple[int, int]]  # (group id, student id) of every membership
    child_ids: list[int]
    task_id: int

    @classmethod
    def read(cls, port: int) -> "School":
        teacher = login(port, *TEACHER)
        parent = login(port, *PARENT)
        students = [login(port, *credentials) for credentials in STUDENTS]
        groups = json.loads(request_once(port, "GET", "/api/teacher/groups", token=teacher)[1])["results"]
        month = date.today().strftime("%Y-%m")
        members = []
        for group in groups:
            grid = request_once(
                port, "GET", f"/api/teacher/attendance?group_id={group['id']}&month={month}", token=teacher
            )
            members += [(group["id"], student["id"]) for student in json.loads(grid[1])["students"]]
        children = json.loads(request_once(port, "GET", "/api/parent/children", token=parent)[1])
        tasks = json.loads(request_once(port, "GET", "/api/student/coding/tasks", token=students[0])[1])
        tasks = tasks["results"] if isinstance(tasks, dict) else tasks
        sum_task = next(task for task in tasks if "cəm" in task["title"])
        child_rows = children["results"] if isinstance(children, dict) else children
        return cls(
            teacher=teacher,
            parent=parent,
            students=students,
            group_ids=[group["id"] for group in groups],
            members=members,
            child_ids=[child["id"] for child in child_rows],
            task_id=sum_task["id"],
        )


Request = tuple[str, str, object, str | None]  # method, path, JSON body, token


def the_mix(school: School, rng: random.Random) -> list[tuple[str, int, Callable[[], Request]]]:
    """(kind, weight, a request of that kind): a teacher's, a parent's and students' day, reads far above writes."""
    month = date.today().strftime("%Y-%m")

    def grid() -> Request:
        return (
            "GET",
            f"/api/teacher/attendance?group_id={rng.choice(school.group_ids)}&month={month}",
            None,
            school.teacher,
        )

    def mark() -> Request:
        day = date.today().replace(day=rng.randint(1, 28)).isoformat()
        group_id, student_id = rng.choice(school.members)
        cells = [
            {
                "group_id": group_id,
                "student_id": student_id,
                "lesson_date": day,
                "status": rng.choice(["present", "present", "late", "absent"]),
            }
        ]
        return "PUT", "/api/teacher/attendance", {"items": cells}, school.teacher

    def child(path: str) -> Callable[[], Request]:
        return lambda: ("GET", f"/api/parent/children/{rng.choice(school.child_ids)}/{path}", None, school.parent)

    def student(path: str) -> Callable[[], Request]:
        return lambda: ("GET", path, None, rng.choice(school.students))

    def submit() -> Request:
        path = f"/api/student/coding/tasks/{school.task_id}/submissions"
        return "POST", path, {"code": SUM_SOLUTION}, rng.choice(school.students)

    def login_request() -> Request:
        email, password = rng.choice([TEACHER, PARENT, *STUDENTS])
        return "POST", "/api/auth/login", {"email": email, "password": password}, None

    def teacher(path: str) -> Callable[[], Request]:
        return lambda: ("GET", path, None, school.teacher)

    return [
        ("health", 4, lambda: ("GET", "/api/health", None, None)),
        ("login", 2, login_request),
        ("me", 4, student("/api/auth/me")),
        ("grid", 14, grid),
        ("mark cell", 8, mark),
        ("students", 8, teacher("/api/teacher/students")),
        ("groups", 6, teacher("/api/teacher/groups")),
        ("payments", 6, teacher("/api/teacher/payments")),
        ("ranking", 6, teacher("/api/teacher/coding/ranking")),
        ("submissions (teacher)", 4, teacher("/api/teacher/coding/submissions")),
        ("tests (teacher)", 3, teacher("/api/teacher/tests")),
        ("parent children", 5, lambda: ("GET", "/api/parent/children", None, school.parent)),
        ("child attendance", 4, child("attendance")),
        ("child payments", 3, child("payments")),
        ("child tests", 2, child("tests")),
        ("student tasks", 5, student("/api/student/coding/tasks")),
        ("student submissions", 3, student("/api/student/coding/submissions")),
        ("student attendance", 3, student("/api/student/attendance")),
        ("submit", 3, submit),
    ]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_clients(port: int, school: School, clients: int, requests: int, seed: int = 1) -> tuple[Results, float]:
    results = Results()
    counter = iter(range(requests))
    counter_lock = threading.Lock()

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        mix = the_mix(school, rng)
        kinds, weights = [kind for kind, _w, _r in mix], [weight for _k, weight, _r in mix]
        makers = {kind: make for kind, _w, make in mix}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with counter_lock:
                if next(counter, None) is None:
                    break
            kind = rng.choices(kinds, weights)[0]
            method, path, body, token = makers[kind]()
            started = time.perf_counter()
            try:
                status, _body = send(conn, method, path, body, token)
            except (OSError, http.client.HTTPException):
                status = 0  # no answer: counted as a failure
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            results.add(kind, status, time.perf_counter() - started)
        conn.close()

    errors: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            client(index)
        except BaseException as error:  # re-raised below: a broken client must not pass for a quiet one
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(index,)) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results, time.perf_counter() - started


def failures(results: Results) -> int:
    return sum(count for status, count in results.statuses.items() if status == 0 or status >= 500)


def report(mode: str, clients: int, results: Results, elapsed: float, health: tuple[int, str]) -> str:
    every = [value for values in results.latencies.values() for value in values]
    non_2xx = {status: count for status, count in sorted(results.statuses.items()) if not 200 <= status < 300}
    lines = [
        f"== {mode} server ({'make run' if mode == 'dev' else 'make serve'}), {clients} clients, "
        f"{len(every)} requests in {elapsed:.1f} s",
        "| | req/s | p50 ms | p95 ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|---|",
        f"| all | {len(every) / elapsed:.0f} | {percentile(every, 0.5) * 1000:.0f} | "
        f"{percentile(every, 0.95) * 1000:.0f} | {percentile(every, 0.99) * 1000:.0f} | "
        f"{', '.join(f'{s}: {n}' for s, n in non_2xx.items()) or 'none'} |",
    ]
    for kind, values in sorted(results.latencies.items()):
        lines.append(
            f"| {kind} ({len(values)}) | | {percentile(values, 0.5) * 1000:.0f} | "
            f"{percentile(values, 0.95) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f} | |"
        )
    lines.append(f"health right after: {health[0]} {health[1]}")
    return "\n".join(lines)


def measure(mode: str, clients: int, requests: int, database: str = BENCH_DB) -> tuple[str, bool]:
    """Start the server on a fresh database, run the clients, stop it; (report, whether every request succeeded
    and the server was healthy after)."""
    admin_execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {database}")
    log_path = ROOT / "var" / f"{database}-{mode}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.unlink(missing_ok=True)
    submissions_allowed = {"CODING_SUBMISSIONS_PER_MINUTE": str(10 * requests)}
    try:
        with started(mode, with_database(server_url(), database), log_path, submissions_allowed) as server:
            port = int(server.base_url.rsplit(":", 1)[1])
            school = School.read(port)
            results, elapsed = run_clients(port, school, clients, requests)
            health = request_once(port, "GET", "/api/health")
        ok = failures(results) == 0 and health[0] == 200
        return report(mode, clients, results, elapsed, health), ok
    finally:
        admin_execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["dev", "prod", "both"], default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2400)
    parser.add_argument("--database", default=BENCH_DB, help="the database it creates and drops")
    args = parser.parse_args()
    modes = ["dev", "prod"] if args.mode == "both" else [args.mode]
    all_ok = True
    for mode in modes:
        text, ok = measure(mode, args.clients, args.requests, args.database)
        print(text, flush=True)
        all_ok = all_ok and ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
