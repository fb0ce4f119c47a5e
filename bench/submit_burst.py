"""A burst of submissions against the production server: does the API stay responsive, and how soon after its
commit does a client see a verdict? (docs/JUDGE.md, Waiting for a verdict)

Run: `.venv/bin/python bench/submit_burst.py [--submissions 40] [--students 8]`. It creates its own database
(`bench_submit_burst`) on the server of DATABASE_URL (or the embedded one), starts `make serve` on it with the seed
data (bench/load.py) and a second judge worker, so two judge, and adds students through the API. Then:

1. one submission at a time, once per student: the time from sending the submit to the client holding the verdict,
   minus the judge's own time for it (the job's start to its end, from procrastinate's events): what the web side
   and the queue's pick-up add to a verdict;
2. the burst: every submission (right and wrong code for the seed's sum task) sent at once by the students, each
   client following a 202 with long polls (`?wait=25`), while another process asks `/api/health` every 20 ms.
   It records the health check's p99 during the burst (target < 50 ms; p50/p95 and the slowest checks' Server-
   Timing printed beside it), and the median of (client holds the verdict − the verdict committed), target
   ≤ 20 ms. The commit's time is when this script's own LISTEN receives the worker's `pg_notify`, which
   PostgreSQL delivers at the commit: the judge's own time (its job's start to its end) is printed in the
   breakdown, but "submit → verdict seen minus the judge's time" also holds the wait in the queue, seconds with
   40 submissions for 2 workers, which no web change can remove. Also printed: the web server's and the
   database's CPU per submission (one at a time) and how many submits got 202;
3. the memory of the web server: PSS summed over gunicorn's master and workers (/proc/<pid>/smaps_rollup), with
   `WEB_PRELOAD` as set (run it with WEB_PRELOAD=false to compare), and the master's thread count (gunicorn's own
   two; config/gunicorn.py refuses to fork a master that runs any before its first fork, as a pool or the verdict
   listener started there would).

The machine may be shared: the load average before and after is printed beside the figures.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import psycopg
from _report import record
from api import CpuProbe
from load import (
    ROOT,
    STUDENTS,
    SUM_SOLUTION,
    TEACHER,
    admin_execute,
    login,
    percentile,
    request_once,
    send,
    server_url,
    started,
    with_database,
)

SUBMISSION_JUDGED = "coding_submission_judged"  # bekrin.coding.verdicts.SUBMISSION_JUDGED
BENCH_DB = "bench_submit_burst"
WRONG_SOLUTION = "a, b = input().split()\nprint(a + b)\n"  # joins the two numbers as text
HEALTH_EVERY_S = 0.02
LONG_POLL_S = 25
NO_SLOT_PAUSE_S = 0.25
FINAL = {"passed", "failed", "error"}
HEALTH_P99_TARGET_MS = 50
OVERHEAD_TARGET_MS = 20


def more_students(port: int, teacher: str, count: int) -> list[tuple[str, str]]:
    """`count` students beyond the seed's three, created by the teacher through the API."""
    made = []
    for n in range(count):
        email = f"burst{n + 1}@bekrin.test"
        body = {"full_name": f"Tələbə {n + 1}", "email": email, "grade": "9", "password": "student-pass-1"}
        status, text = request_once(port, "POST", "/api/teacher/students", body, teacher)
        if status != 201:
            raise RuntimeError(f"creating {email} answered {status}: {text[:300]}")
        made.append((email, "student-pass-1"))
    return made


def sum_task_id(port: int, token: str) -> int:
    tasks = json.loads(request_once(port, "GET", "/api/student/coding/tasks", token=token)[1])["results"]
    return int(next(task["id"] for task in tasks if "cəm" in task["title"]))


def submit_and_follow(port: int, token: str, task_id: int, code: str) -> dict:
    """Submit, then long-poll the submission until it has a verdict; the client's times (epoch seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=LONG_POLL_S + 10)
    sent = time.time()
    status, text = send(conn, "POST", f"/api/student/coding/tasks/{task_id}/submissions", {"code": code}, token)
    if status not in (201, 202):
        raise RuntimeError(f"submit answered {status}: {text[:300]}")
    first_status = status
    body = json.loads(text)
    while body["status"] not in FINAL:
        asked = time.monotonic()
        status, text = send(
            conn, "GET", f"/api/student/coding/submissions/{body['id']}?wait={LONG_POLL_S}", None, token
        )
        if status != 200:
            raise RuntimeError(f"long poll answered {status}: {text[:300]}")
        body = json.loads(text)
        if body["status"] not in FINAL and time.monotonic() - asked < LONG_POLL_S / 2:
            time.sleep(NO_SLOT_PAUSE_S)  # answered early and still pending: no waiting slot was free (docs/API.md)
    conn.close()
    return {"id": body["id"], "sent": sent, "seen": time.time(), "first_status": first_status}


def job_times(database_url: str, submission_ids: list[int]) -> dict[int, dict[str, float]]:
    """Each submission's judge job: when it was deferred, started and finished (procrastinate's events)."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """
            SELECT (j.args->>'submission_id')::bigint, e.type, extract(epoch FROM e.at)::float8
            FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id
            WHERE j.task_name = 'coding.judge_submission' AND (j.args->>'submission_id')::bigint = ANY(%s)
            ORDER BY e.id
            """,
            [submission_ids],
        ).fetchall()
    times: dict[int, dict[str, float]] = {}
    for submission_id, kind, at in rows:
        times.setdefault(submission_id, {})
        if kind == "started":
            times[submission_id].setdefault("started", at)  # the first run (a retried job starts again)
        else:
            times[submission_id][kind] = at
    return times


def gunicorn_memory(server_pid: int) -> tuple[float, int, int]:
    """(PSS of gunicorn's master and workers in MB, how many processes, the master's threads)."""
    total_kb, processes, master_threads = 0, 0, 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            # stat[2]: the process group; make's shell names gunicorn too, but runs no Python
            if int(stat[2]) != server_pid or "python" not in argv[0] or not any("gunicorn" in a for a in argv):
                continue
            rollup = (entry / "smaps_rollup").read_text()
            total_kb += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
            processes += 1
            parent = Path(f"/proc/{stat[1]}/cmdline").read_bytes().decode(errors="replace").split("\0")
            if "python" not in parent[0]:  # the master's parent is make's shell, a worker's is the master
                master_threads = len(list((entry / "task").iterdir()))
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total_kb / 1024, processes, master_threads


def server_timing(header: str | None) -> dict[str, float]:
    """`db;dur=1.2;desc="3 queries", app;dur=4.5` (SERVER_TIMING, bekrin.core.middleware) as {"db": 1.2, "app": 4.5}."""
    parts = {}
    for metric in (header or "").split(","):
        name, _, rest = metric.strip().partition(";")
        duration = next((p.removeprefix("dur=") for p in rest.split(";") if p.startswith("dur=")), None)
        if duration is not None:
            parts[name] = float(duration) / 1000
    return parts


def health_poller(port: int, polling: EventType, stop: EventType, results: Queue) -> None:
    """Each check's time at the client ("total") and, when the server sends Server-Timing, in Django ("app") and in
    its queries ("db"): what is left of the total waited for a thread, the GIL or the CPU. In a process of its own,
    so the 40 submitting threads of this one do not delay its clock with their share of our GIL."""
    checks: list[dict[str, float]] = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        started_at = time.perf_counter()
        conn.request("GET", "/api/health", headers={"Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        timing = server_timing(response.getheader("Server-Timing"))
        checks.append({"at": time.time(), "total": time.perf_counter() - started_at, **timing})
        if response.status != 200:
            raise RuntimeError(f"health answered {response.status}")
        polling.set()
        time.sleep(max(0.0, HEALTH_EVERY_S - (time.perf_counter() - started_at)))
    conn.close()
    results.put(checks)


def commit_listener(url: str, stop: threading.Event, ready: threading.Event, committed: dict[int, float]) -> None:
    """When each verdict committed: the worker's `pg_notify` (bekrin/coding/verdicts.py) is delivered at its
    commit, so its arrival here is the commit's time as any listener can know it (the web server's own listener
    gets the same notification)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"LISTEN {SUBMISSION_JUDGED}")
        ready.set()
        while not stop.is_set():
            for notify in conn.notifies(timeout=0.2):
                committed.setdefault(int(notify.payload), time.time())


def overheads(results: list[dict], jobs: dict[int, dict[str, float]], since: str) -> list[float]:
    """(seen − sent) − (succeeded − jobs[since]) in ms for each submission."""
    return [
        ((r["seen"] - r["sent"]) - (jobs[r["id"]]["succeeded"] - jobs[r["id"]][since])) * 1000
        for r in results
        if "succeeded" in jobs.get(r["id"], {})
    ]


def breakdown(results: list[dict], jobs: dict[int, dict[str, float]]) -> str:
    """Medians of the parts of a verdict's wait: the submit until its job is queued, the queue, the judge, and
    from the job's end to the client holding the verdict."""
    parts: dict[str, list[float]] = {
        "submit → queued": [],
        "queued → started": [],
        "judged": [],
        "job end → client": [],
    }
    for r in results:
        job = jobs.get(r["id"], {})
        if {"deferred", "started", "succeeded"} <= job.keys():
            parts["submit → queued"].append(job["deferred"] - r["sent"])
            parts["queued → started"].append(job["started"] - job["deferred"])
            parts["judged"].append(job["succeeded"] - job["started"])
            parts["job end → client"].append(r["seen"] - job["succeeded"])
    return ", ".join(f"{name} {statistics.median(values) * 1000:.0f} ms" for name, values in parts.items() if values)


def run(submissions: int, students: int) -> None:
    admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {BENCH_DB}")
    url = with_database(server_url(), BENCH_DB)
    log_path = ROOT / "var" / f"{BENCH_DB}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.unlink(missing_ok=True)
    # The seed's per-minute limit would refuse most of a burst of one student's submissions.
    extra = {
        "CODING_SUBMISSIONS_PER_MINUTE": str(10 * submissions),
        "WEB_ACCESS_LOG": "/dev/null",
        "SERVER_TIMING": "true",  # where the health check's time goes
    }
    lines = [f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared with other work)"]
    try:
        with started("prod", url, log_path, extra) as server:
            port = int(server.base_url.rsplit(":", 1)[1])
            second_worker = subprocess.Popen(
                [sys.executable, "manage.py", "procrastinate", "worker"],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": url, "DEBUG": "true"},
                stdout=log_path.open("ab"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                teacher = login(port, *TEACHER)
                accounts = STUDENTS + more_students(port, teacher, max(0, students - len(STUDENTS)))
                tokens = [login(port, *account) for account in accounts[:students]]
                task_id = sum_task_id(port, tokens[0])
                wait_for_workers(url, 2)

                probe = CpuProbe(os.getpgid(server.process.pid), BENCH_DB)
                before = probe.sample()
                one_by_one = [submit_and_follow(port, token, task_id, SUM_SOLUTION) for token in tokens]
                after = probe.sample()
                web_cpu = CpuProbe.spent(before[0], after[0]) / len(one_by_one) * 1000
                db_cpu = CpuProbe.spent(before[1], after[1]) / len(one_by_one) * 1000
                jobs = job_times(url, [r["id"] for r in one_by_one])
                alone = overheads(one_by_one, jobs, "started")
                lines += [
                    f"one at a time ({len(one_by_one)}): verdict seen − sent − judge's own time: median "
                    f"{statistics.median(alone):.0f} ms",
                    f"  medians: {breakdown(one_by_one, jobs)}",
                    f"  CPU per submission (until the client holds its verdict): web server {web_cpu:.0f} ms, "
                    f"database (the web's and the judge's backends) {db_cpu:.0f} ms",
                ]

                committed: dict[int, float] = {}
                stop = threading.Event()
                listening = threading.Event()
                spawn = multiprocessing.get_context("spawn")
                polling, poller_stop, poller_results = spawn.Event(), spawn.Event(), spawn.Queue()
                poller = spawn.Process(target=health_poller, args=(port, polling, poller_stop, poller_results))
                listener = threading.Thread(target=commit_listener, args=(url, stop, listening, committed))
                listener.start()
                listening.wait(10)
                poller.start()
                if not polling.wait(30):
                    raise RuntimeError("the health poller did not start")
                time.sleep(0.5)  # a few quiet health checks first
                burst: list[dict] = []
                errors: list[BaseException] = []

                def client(index: int) -> None:
                    code = SUM_SOLUTION if index % 2 else WRONG_SOLUTION
                    try:
                        burst.append(submit_and_follow(port, tokens[index % len(tokens)], task_id, code))
                    except BaseException as error:  # re-raised below
                        errors.append(error)

                threads = [threading.Thread(target=client, args=(i,)) for i in range(submissions)]
                burst_started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                burst_s = time.perf_counter() - burst_started
                # The checks from the burst's start (the quiet ones before it were only a warm-up).
                burst_start_wall = time.time() - burst_s
                stop.set()
                poller_stop.set()
                health = [check for check in poller_results.get(timeout=30) if check["at"] >= burst_start_wall]
                poller.join()
                listener.join()
                if errors:
                    raise errors[0]
                memory, processes, master_threads = gunicorn_memory(server.process.pid)
            finally:
                second_worker.terminate()
                second_worker.wait(timeout=30)
        jobs = job_times(url, [r["id"] for r in burst])
        web_added = overheads(burst, jobs, "deferred")
        judge_added = overheads(burst, jobs, "started")
        totals = [check["total"] * 1000 for check in health]
        slowest = sorted(health, key=lambda check: check["total"])[-max(1, len(health) // 100) :]
        seen_after_commit = [(r["seen"] - committed[r["id"]]) * 1000 for r in burst if r["id"] in committed]
        accepted = sum(1 for r in burst if r["first_status"] == 202)
        lines += [
            f"burst: {submissions} submissions from {students} students at once, all judged in {burst_s:.1f} s "
            f"by 2 judge workers (JUDGE_NICE={os.environ.get('JUDGE_NICE', 'default')}); {accepted} answered 202 "
            "and were long-polled",
            f"/api/health during the burst ({len(health)} checks): p50 {percentile(totals, 0.5):.1f} ms, "
            f"p95 {percentile(totals, 0.95):.1f} ms, p99 {percentile(totals, 0.99):.1f} ms, max {max(totals):.1f} ms",
            "  its slowest 1%, in Django / in its queries (Server-Timing) of the whole: "
            + ", ".join(
                f"{check.get('app', 0) * 1000:.0f} / {check.get('db', 0) * 1000:.0f} of {check['total'] * 1000:.0f} ms"
                f" (sent {check['at'] - check['total'] - burst_start_wall:+.2f} s into the burst)"
                for check in slowest
            ),
            f"verdict seen − verdict committed ({len(seen_after_commit)} of {len(burst)}): median "
            f"{statistics.median(seen_after_commit):.1f} ms, p95 {percentile(seen_after_commit, 0.95):.1f} ms",
            f"verdict seen − sent − (queued + judged): median {statistics.median(web_added):.0f} ms, "
            f"p95 {percentile(web_added, 0.95):.0f} ms",
            f"  medians: {breakdown(burst, jobs)}",
            f"verdict seen − sent − judge's own time (so with the wait in the queue): median "
            f"{statistics.median(judge_added):.0f} ms",
            f"gunicorn: {processes} processes, PSS {memory:.0f} MB in all, WEB_PRELOAD="
            f"{os.environ.get('WEB_PRELOAD', 'default')}, master threads {master_threads}",
            f"load average after: {os.getloadavg()[0]:.2f}",
        ]
        print("\n".join(lines), flush=True)
        health_p99 = percentile(totals, 0.99)
        record(
            f"submit burst: /api/health p99 during {submissions} submissions",
            health_p99,
            "ms",
            f"< {HEALTH_P99_TARGET_MS}",
            health_p99 < HEALTH_P99_TARGET_MS,
        )
        after_commit = statistics.median(seen_after_commit)
        record(
            "submit burst: verdict seen − verdict committed, median",
            after_commit,
            "ms",
            f"≤ {OVERHEAD_TARGET_MS}",
            after_commit <= OVERHEAD_TARGET_MS,
        )
    finally:
        admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def wait_for_workers(url: str, count: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            (alive,) = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone() or (0,)
            if alive >= count:
                return
            time.sleep(0.2)
    raise RuntimeError(f"fewer than {count} judge workers started")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--students", type=int, default=8)
    args = parser.parse_args()
    run(args.submissions, args.students)
    return 0  # a missed target is reported, not a failure (bench/_report.py)


if __name__ == "__main__":
    raise SystemExit(main())
