import logging

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health: database unreachable")
        return "unreachable"
    return "ok"


def _queue_state() -> str:
    # The queue lives in the same PostgreSQL (procrastinate): its schema must be migrated for jobs to be taken.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            (present,) = cursor.fetchone() or (False,)
    except DatabaseError:
        logger.exception("health: queue unreachable")
        return "unreachable"
    return "ok" if present else "not migrated"


def health_report() -> dict[str, str]:
    database = _database_state()
    queue = _queue_state() if database == "ok" else "unreachable"
    overall = "ok" if database == queue == "ok" else "error"
    return {"status": overall, "database": database, "queue": queue}
