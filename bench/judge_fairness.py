"""Judge fairness: one student's backlog of slow submissions against another student's first submission.

    python bench/judge_fairness.py

It creates its own database (`bench_fairness`) on the server of DATABASE_URL (or the embedded one), migrates it,
loads the seed school and starts two judge workers (`manage.py procrastinate worker`, as `make run` does). The
first seed student then queues 10 submissions that sleep just under the wall limit on every case of a 5-case task
(each costs a worker its whole budget, JUDGE_SUBMISSION_WALL_MS), and the second queues one trivial correct
submission. It records the second student's time to verdict (target: under 2 s, bench/_report.py); the backlog is
not waited for (the workers are killed). The database is dropped at the end.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _databases import admin_execute, server_url, with_database  # noqa: E402
from _report import record  # noqa: E402

if TYPE_CHECKING:
    from bekrin.coding.services import CaseData

BENCH_DB = "bench_fairness"
WORKERS = 2
SLOW_SUBMISSIONS = 10
TARGET_S = 2.0
SUM_SOLUTION = "a, b = map(int, input().split())\nprint(a + b)\n"
SLOW_SOLUTION = "import time\ntime.sleep(2.9)\n" + SUM_SOLUTION  # the default wall limit per case is 3 s
CASES: list["CaseData"] = [{"input": f"{n} {n}\n", "expected": f"{2 * n}\n"} for n in range(5)]


def start_workers(env: dict[str, str], log_path: Path) -> list[subprocess.Popen[bytes]]:
    log = log_path.open("ab")
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "judge", "--name", f"bench-{n}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for n in range(WORKERS)
    ]


def wait_for_workers(count: int, timeout_s: float = 60) -> None:
    from procrastinate.contrib.django.models import ProcrastinateWorker

    deadline = time.monotonic() + timeout_s
    while ProcrastinateWorker.objects.count() < count:
        if time.monotonic() > deadline:
            raise SystemExit("the judge workers did not start (see var/bench-fairness-workers.log)")
        time.sleep(0.1)


def wait_for_verdict(submission_id: int, timeout_s: float = 300) -> str:
    from bekrin.coding.models import CodingSubmission, SubmissionStatus

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = CodingSubmission.objects.values_list("status", flat=True).get(pk=submission_id)
        if status not in (SubmissionStatus.PENDING, SubmissionStatus.RUNNING):
            return status
        time.sleep(0.02)
    raise SystemExit(f"submission {submission_id} got no verdict in {timeout_s:g} s")


def measure() -> float:
    from django.core.management import call_command

    from bekrin.accounts.models import User
    from bekrin.coding.services import submission_create, task_create
    from bekrin.core.roles import Role

    call_command("seed_dev", verbosity=0)
    teacher = User.objects.get(email="teacher@bekrin.test")
    backlogged = User.objects.get(email="student1@bekrin.test", role=Role.STUDENT)
    other = User.objects.get(email="student2@bekrin.test", role=Role.STUDENT)
    task = task_create(actor=teacher, title="Ədalət ölçüsü", description="Cəm.", difficulty="easy", test_cases=CASES)
    wait_for_workers(WORKERS)
    for _ in range(SLOW_SUBMISSIONS):
        submission_create(student=backlogged, task=task, code=SLOW_SOLUTION)
    time.sleep(0.5)  # both workers have had time to claim a slow submission, if they could
    queued = time.monotonic()
    theirs = submission_create(student=other, task=task, code=SUM_SOLUTION)
    verdict = wait_for_verdict(theirs.pk)
    waited = time.monotonic() - queued
    if verdict != "passed":
        raise SystemExit(f"the trivial submission was judged {verdict}")
    return waited


def main() -> None:
    database_url = with_database(server_url(), BENCH_DB)
    admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {BENCH_DB}")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
        "CODING_SUBMISSIONS_PER_MINUTE": "100",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
        (ROOT / "var").mkdir(exist_ok=True)
        workers = start_workers(env, ROOT / "var" / "bench-fairness-workers.log")
        waited = measure()
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        from django.db import connections

        connections.close_all()
        admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    print(f"{SLOW_SUBMISSIONS} slow submissions of one student queued, {WORKERS} workers:")
    name = "judge fairness: another student's trivial verdict after it was queued"
    record(name, waited, "s", f"< {TARGET_S:g}", waited < TARGET_S)


if __name__ == "__main__":
    main()
