"""A real judge worker for the tests that need one: `manage.py procrastinate worker`, the command `make run` starts,
in its own process against the test database, judging in the real sandbox.

The tests that use it are `transaction=True`, so what they write is committed and the worker (another process, with
its own connection) sees it. The development switch that would let the judge run without its sandbox is removed from
the worker's environment, so these tests fail rather than pass unconfined on a machine without bubblewrap.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import psycopg
import pytest

from bekrin.testing.server import database_url_of_this_run
from judge import UNSANDBOXED_SWITCH

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 60


class Worker:
    """One `manage.py procrastinate worker` process (in its own process group, so the sandboxes it started go
    with it when it is killed), with any more worker options."""

    running: ClassVar[list["Worker"]] = []

    def __init__(self, log_path: Path, *options: str) -> None:
        env = {key: value for key, value in os.environ.items() if key != UNSANDBOXED_SWITCH}
        env.update(DATABASE_URL=database_url_of_this_run(), DEBUG="true", PYTHONUNBUFFERED="1")
        self.url = env["DATABASE_URL"]
        self.log_path = log_path
        self.known = self._worker_ids()
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "procrastinate",
                "worker",
                "--queues",
                "judge",
                "--name",
                "test-judge",
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.worker_id = self._wait_until_registered()
        Worker.running.append(self)

    def _worker_ids(self) -> set[int]:
        with psycopg.connect(self.url) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM procrastinate_workers")}

    def _wait_until_registered(self) -> int:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the judge worker exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            new = self._worker_ids() - self.known
            if new:
                return max(new)
            time.sleep(0.1)
        raise RuntimeError(f"the judge worker did not start: {self.log_path.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job, as on a lost machine, without unregistering."""
        Worker.running.remove(self)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def terminate(self, *, timeout: float) -> int:
        """SIGTERM to the worker alone (as `docker stop` or systemd with KillMode=mixed sends it), then wait for it
        to exit by itself; returns its exit status (TimeoutExpired if it does not exit in time)."""
        Worker.running.remove(self)
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=timeout)
        self.log.close()
        return status

    def stop(self) -> None:
        if self in Worker.running:
            Worker.running.remove(self)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def worker_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("judge-worker") / "worker.log"


@pytest.fixture(scope="module")
def judge_worker(django_db_setup, django_db_blocker, worker_log):
    """One worker for a test module, started on first use. Per module, so a module that starts and kills its own
    workers (test_worker_death) has the queue to itself."""
    with django_db_blocker.unblock():
        worker = Worker(worker_log)
    yield worker
    worker.stop()


@pytest.fixture
def start_worker(django_db_setup, worker_log):
    """Start extra workers inside a test (stopped at its end if still running)."""
    started: list[Worker] = []

    def start(*options: str) -> Worker:
        worker = Worker(worker_log, *options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


SETTLE_TIMEOUT_S = 20


def _commits(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def queue_settled_before_cleanup(request):
    """After a committing test that ran while a worker was alive, wait (bounded) until it has nothing left to judge.

    A test that queues many submissions can end while the worker still writes verdicts; the database flush that
    follows a transaction=True test would then fight the worker for the same rows (a deadlock). That holds for any
    test of a module whose worker is running, not only those that asked for it. Requesting transactional_db here
    makes this teardown run before that flush.
    """
    if not _commits(request) and "judge_worker" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if not Worker.running:
        return
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    with psycopg.connect(Worker.running[0].url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            (busy,) = conn.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = 'judge' AND status IN ('todo', 'doing')"
            ).fetchone() or (0,)
            if not busy:
                return
            time.sleep(0.05)
