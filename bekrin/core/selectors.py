"""What the health endpoints read: the operator's report (`/api/health`) and the balancer's readiness probe.

A fixed number of queries whatever the data: the report at most three, readiness two. All are index lookups, the
oldest pending submission's on a partial index (bekrin.coding.selectors.oldest_pending_submission_age).

Core comes first in the app order, so it imports no feature app: the coding app registers how to read the oldest
pending submission's age at start-up (bekrin/coding/apps.py) with `waiting_work_reader`.
"""

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Now
from django.utils.translation import gettext as _
from procrastinate.contrib.django.models import ProcrastinateWorker

from bekrin.core.errors import database_busy

logger = logging.getLogger(__name__)


class PartState(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    BUSY = "busy"  # every pooled connection stayed in use
    NOT_MIGRATED = "not migrated"
    NO_WORKERS = "no workers"  # no judge worker seen in the last minute: submissions would wait for ever
    UNKNOWN = "unknown"  # not checked, because the database or the queue is down


class HealthStatus(StrEnum):
    OK = "ok"
    ERROR = "error"


def _unreachable(part: str, error: DatabaseError) -> PartState:
    if database_busy(error):
        return PartState.BUSY
    logger.exception("health: %s unreachable", part)
    return PartState.UNREACHABLE


# The queue lives in the same PostgreSQL (procrastinate): its tables must exist for jobs to be taken.
QUEUE_TABLES = ("procrastinate_jobs", "procrastinate_workers")
MIGRATIONS_TABLE = "django_migrations"  # Django's record of the applied migrations


def _missing_tables(names: tuple[str, ...]) -> set[str]:
    """One query, which is also the database check: when it fails, the database is down."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NULL", [list(names)])
        return {name for (name,) in cursor.fetchall()}


# Every judge worker (`manage.py procrastinate worker`) writes its heartbeat in procrastinate_workers every 10 s and
# deletes its row when it stops cleanly; a minute of silence means it died.
JUDGE_WORKER_SEEN_WITHIN = timedelta(minutes=1)


def judge_workers_seen(*, within: timedelta = JUDGE_WORKER_SEEN_WITHIN) -> int:
    """How many workers wrote a heartbeat in the last `within`, by the database's clock (which writes them).

    procrastinate records no queue per worker, so this counts every worker; Bekrin's all take the judge queue."""
    return ProcrastinateWorker.objects.filter(last_heartbeat__gte=Now() - within).count()


_waiting_work_readers: list[Callable[[], int | None]] = []


def waiting_work_reader(reader: Callable[[], int | None]) -> None:
    """Register a reader of how many whole seconds the oldest work waiting for a worker has waited (None: none)."""
    if reader not in _waiting_work_readers:
        _waiting_work_readers.append(reader)


def _oldest_waiting_work_age() -> int | None:
    ages = [age for age in (reader() for reader in _waiting_work_readers) if age is not None]
    return max(ages, default=None)


def health_report() -> dict[str, Any]:
    """Every part the deployment needs, and `status` "error" when any is down: the database, the queue's tables
    and at least one judge worker alive. The oldest pending submission's age is reported, not judged: a queue that
    grows while workers live is for the operator to read."""
    # Queries: the queue's tables (and so the database), live workers, the oldest pending submission.
    report: dict[str, Any] = {
        "database": PartState.OK,
        "queue": PartState.UNKNOWN,
        "judge": PartState.UNKNOWN,
        "judge_workers": None,
        "oldest_pending_seconds": None,
    }
    try:
        report["queue"] = PartState.NOT_MIGRATED if _missing_tables(QUEUE_TABLES) else PartState.OK
    except DatabaseError as error:
        report["database"] = _unreachable("database", error)
    else:
        try:
            if report["queue"] == PartState.OK:
                workers = judge_workers_seen()
                report["judge_workers"] = workers
                report["judge"] = PartState.OK if workers else PartState.NO_WORKERS
            report["oldest_pending_seconds"] = _oldest_waiting_work_age()
        except DatabaseError as error:
            report["judge"] = _unreachable("judge", error)
    healthy = report["database"] == report["queue"] == report["judge"] == PartState.OK
    return {"status": HealthStatus.OK if healthy else HealthStatus.ERROR, **report}


@functools.cache
def _migrations_in_code() -> frozenset[tuple[str, str]]:
    # The code does not change while the process runs, so the graph of its migrations is read from disk once.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def readiness_problem() -> str | None:
    """Why this web server cannot serve (None when it can): the database is unreachable, lacks a migration of this
    code, or the queue's tables are missing. The judge workers do not count: a balancer must not drop web servers
    because a worker is down. A full connection pool is raised, so the API answers its usual 503 `busy`."""
    # Queries: the tables (the queue's, django_migrations), the applied migrations.
    try:
        missing_tables = _missing_tables((*QUEUE_TABLES, MIGRATIONS_TABLE))
        applied: set[tuple[str, str]] = set()
        if MIGRATIONS_TABLE not in missing_tables:
            applied = set(MigrationRecorder(connection).migration_qs.values_list("app", "name"))
    except DatabaseError as error:
        if database_busy(error):
            raise
        logger.exception("readiness: database unreachable")
        return _("The database is unreachable.")
    missing = _migrations_in_code() - applied
    if missing:
        logger.warning("readiness: migrations not applied: %s", ", ".join(sorted(".".join(m) for m in missing)))
        return _("The database lacks %(count)d of this version's migrations; run `manage.py migrate`.") % {
            "count": len(missing)
        }
    if missing_tables:
        return _("The job queue's tables are missing; run `manage.py migrate`.")
    return None
