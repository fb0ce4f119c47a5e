"""Running test jobs at the same moment, each on its own database connection.

Concurrency claims (balance, receipt numbers, attendance upsert, attempt submit, judging claims) are tested with
real parallel connections, not asserted (STYLE.md): a lock or a unique constraint only shows it works when two
connections really race for it.
"""

import threading
import time
from collections.abc import Callable, Sequence

from django.db import connection, transaction


def run_in_parallel[T](jobs: Sequence[Callable[[], T]]) -> list[T]:
    """Runs every job in its own thread, all released together by a barrier, and returns their results in the order
    of `jobs`. Each thread closes its own connection when done, so none is left open to block the test database's
    teardown. If any job raised, the first exception raised is re-raised once every thread has joined."""
    if not jobs:
        return []
    barrier = threading.Barrier(len(jobs))
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], T]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except BaseException as error:  # re-raised in the test's thread below, with this thread's traceback
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [results[index] for index in range(len(jobs))]


def wait_until_a_backend_waits_on_a_lock_held_by(pid: int, timeout_s: float = 10) -> None:
    """Until another connection waits on a lock (wait_event_type `Lock`) that backend `pid` holds; fails after the
    timeout, so a test that means to race really had the second request wait."""
    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(pid))",
                [pid],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError(f"no connection waited on the locks of backend {pid} within {timeout_s} s")


def second_waits_for_first[T](first: Callable[[], object], second: Callable[[], T]) -> T:
    """Runs `first` in a transaction of its own thread and keeps that transaction open; then runs `second` in
    another thread, waits until `second` waits on a lock `first` holds (failing if it never does), lets `first`
    commit, and returns what `second` returned. So a test shows that the second request really waited for the
    first, not merely ran after it. An error of either thread is re-raised here."""
    holding, release = threading.Event(), threading.Event()
    first_backend: list[int] = []
    results: list[T] = []
    errors: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    first_backend.append(cursor.fetchone()[0])
                holding.set()
                release.wait(10)  # its locks stay held until the test thread lets this transaction commit
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)
        finally:
            connection.close()

    def run_second() -> None:
        try:
            holding.wait(10)
            results.append(second())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    try:
        assert holding.wait(10), errors
        wait_until_a_backend_waits_on_a_lock_held_by(first_backend[0])
    finally:
        release.set()
    for thread in threads:
        thread.join(20)
    if errors:
        raise errors[0]
    return results[0]
