"""Verdicts delivered the moment they commit, to the requests waiting for them, without holding a connection.

The judge worker announces a verdict with `pg_notify` inside the transaction that writes it (`announce`), so
PostgreSQL delivers the notification exactly when the row commits, and never for a write that rolled back. Each web
process keeps one LISTEN connection in a daemon thread (`_Listener`), started on first use in the process that
serves (with gunicorn's preload that is a worker, never the master) and started again after a fork. It wakes the
requests registered for that (channel, id). A waiter still re-reads its row every SAFETY_READ_SECONDS and at its
deadline, so a notification lost while the listener reconnects delays a verdict by at most that, never loses it.

Waiting is bounded: at most JUDGE_WAITING_REQUESTS requests of a process wait at once (WEB_THREADS − 1 by default,
so one thread is always free for everything else, the health check included). A request that finds every slot
taken answers at once with the row as it is, which the client reads later. A waiting request gives its database
connection back to the pool between reads.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

SUBMISSION_JUDGED = "coding_submission_judged"
IMPORT_FINISHED = "coding_import_finished"
CHANNELS = (SUBMISSION_JUDGED, IMPORT_FINISHED)
SAFETY_READ_SECONDS = 2.0
# How long a first waiter gives the listener to connect: until LISTEN runs, a commit is seen only by a re-read.
LISTEN_START_SECONDS = 1.0
# The listener looks up from its connection this often, to notice it was asked to stop.
POLL_SECONDS = 0.5
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
LISTENER_THREAD = "verdict-listener"
# A burst of 40 submits waits its turns for about half a second (bench/submit_burst.py); this is far beyond it.
SUBMIT_TURN_SECONDS = 5.0


def announce(channel: str, row_id: int) -> None:
    """Call inside the transaction that writes the row's final state: delivered when it commits."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [channel, str(row_id)])


class _Listener:
    """One LISTEN connection (autocommit) and the events of the requests waiting for a (channel, id)."""

    def __init__(self, params: dict[str, Any]) -> None:
        self._params = params
        self._lock = threading.Lock()
        self._waiters: dict[tuple[str, str], set[threading.Event]] = {}
        self._stopping = threading.Event()
        self.listening = threading.Event()
        self.backend_pid: int | None = None
        self._thread = threading.Thread(target=self._run, name=LISTENER_THREAD, daemon=True)
        self._thread.start()

    def register(self, channel: str, row_id: int) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._waiters.setdefault((channel, str(row_id)), set()).add(event)
        return event

    def unregister(self, channel: str, row_id: int, event: threading.Event) -> None:
        with self._lock:
            events = self._waiters.get((channel, str(row_id)))
            if events is not None:
                events.discard(event)
                if not events:
                    del self._waiters[(channel, str(row_id))]

    def _wake(self, key: tuple[str, str] | None) -> None:
        """Wake the waiters of one (channel, id), or every waiter (None) after a reconnect, since what was
        announced while the connection was down is gone."""
        with self._lock:
            if key is None:
                events = [event for group in self._waiters.values() for event in group]
            else:
                events = list(self._waiters.get(key, ()))
        for event in events:
            event.set()

    def _run(self) -> None:
        delay = RECONNECT_FIRST_SECONDS
        while not self._stopping.is_set():
            try:
                with psycopg.connect(**self._params, autocommit=True) as conn:
                    for channel in CHANNELS:
                        conn.execute(f"LISTEN {channel}")
                    self.backend_pid = conn.info.backend_pid
                    self.listening.set()
                    self._wake(None)
                    delay = RECONNECT_FIRST_SECONDS
                    while not self._stopping.is_set():
                        for notify in conn.notifies(timeout=POLL_SECONDS):
                            self._wake((notify.channel, notify.payload))
            except psycopg.Error:
                logger.warning("the verdict listener lost its connection; reconnecting in %.1f s", delay, exc_info=True)
            self.listening.clear()
            self._stopping.wait(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=POLL_SECONDS + RECONNECT_MAX_SECONDS)


class _Process:
    """What one process holds: its listener (started lazily) and its count of waiting requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listener: _Listener | None = None
        self.waiting = 0
        self.submitting = threading.BoundedSemaphore(settings.JUDGE_SUBMITS_AT_ONCE)


_process = _Process()


def _after_fork() -> None:
    # A forked child has none of its parent's threads, and a lock held there at the fork would stay held.
    global _process
    _process = _Process()


os.register_at_fork(after_in_child=_after_fork)


def listener() -> _Listener:
    """This process's listener, started on first use (and again should its thread have died of a bug)."""
    with _process.lock:
        if _process.listener is None or not _process.listener.alive():
            params = connection.get_connection_params()
            for key in ("cursor_factory", "context"):  # Django's own adapters; LISTEN needs none
                params.pop(key, None)
            _process.listener = _Listener(params)
        return _process.listener


def listener_stop() -> None:
    """Stop this process's listener (the tests, between two of them); the next waiter starts a new one."""
    with _process.lock:
        running, _process.listener = _process.listener, None
    if running is not None:
        running.stop()


def waiting_requests() -> int:
    """How many requests of this process wait for a verdict now."""
    with _process.lock:
        return _process.waiting


def _take_slot() -> bool:
    with _process.lock:
        if _process.waiting >= settings.JUDGE_WAITING_REQUESTS:
            return False
        _process.waiting += 1
        return True


def _give_slot() -> None:
    with _process.lock:
        _process.waiting -= 1


class SubmitTurn:
    """One of the process's JUDGE_SUBMITS_AT_ONCE turns to take a submission in, from the request's authentication
    to its saved row (never its wait for the verdict). A burst of submits then queues here, asleep, instead of all
    sharing the process's interpreter (one thread runs Python at a time) and the CPU with every other request:
    each submit gets them in turn, and a health check or a list arriving meanwhile waits for at most the turns of
    this process rather than for the whole burst. A submit that has to wait gives its database connection back to
    the pool first: held while it sleeps, a few of them would leave every other request waiting for one. A turn
    not free within SUBMIT_TURN_SECONDS (a submit stuck in its turn) is not waited for longer: the submit goes
    ahead without one."""

    def __init__(self) -> None:
        self._held = False

    def take(self) -> None:
        if not _process.submitting.acquire(blocking=False):
            if not connection.in_atomic_block:
                connection.close()
            if not _process.submitting.acquire(timeout=SUBMIT_TURN_SECONDS):
                logger.warning(
                    "No submit turn came free in %s s; this submit goes ahead without one", SUBMIT_TURN_SECONDS
                )
                return
        self._held = True

    def give_back(self) -> None:
        """Idempotent: the view gives it back before it waits, and again, to be sure, when it answers."""
        if self._held:
            self._held = False
            _process.submitting.release()


def wait_for(channel: str, row_id: int, is_final: Callable[[], bool], *, seconds: float) -> bool:
    """True as soon as `is_final()` (a read of the row) says the row is final, False when `seconds` pass first or
    no waiting slot is free (then after one read). Inside a transaction the worker's commit cannot be seen, so it
    reads once."""
    if seconds <= 0 or connection.in_atomic_block or not _take_slot():
        return is_final()
    try:
        deadline = time.monotonic() + seconds
        ears = listener()
        ears.listening.wait(min(seconds, LISTEN_START_SECONDS))
        event = ears.register(channel, row_id)
        try:
            while True:
                event.clear()
                if is_final():
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                connection.close()  # back to the pool while it waits
                event.wait(min(SAFETY_READ_SECONDS, remaining))
        finally:
            ears.unregister(channel, row_id, event)
    finally:
        _give_slot()
