"""gunicorn settings for `make serve` and production (`gunicorn -c config/gunicorn.py config.wsgi`).

Threaded workers (gthread): a request mostly waits on PostgreSQL or on the judge, so threads serve more than more
processes would, at a fraction of the memory. Requests waiting for a verdict hold a thread but no database
connection (bekrin/coding/verdicts.py), and submits waiting for their turn neither (JUDGE_SUBMITS_AT_ONCE), so each
process has more threads (48) than pooled connections (8): in a burst of 40 submissions (bench/submit_burst.py),
with the turns, 16 threads left the health check queued behind the waiting submits for 45-46 ms at its p99, 32
threads 42 ms, 48 threads 32-36 ms (without the turns, 8 threads 1.9 s, 16 threads 0.3 s). The server's total
of connections, WEB_WORKERS × DB_POOL_MAX_SIZE, must stay below PostgreSQL's max_connections.
"""

import gc
import os
import threading
from typing import Any

from config.env import WEB_THREADS_DEFAULT, env_bool, env_int, env_str

bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
workers = env_int("WEB_WORKERS", (os.cpu_count() or 1) + 1)
threads = env_int("WEB_THREADS", WEB_THREADS_DEFAULT)
worker_class = "gthread"
# The workers import the settings, so the waiting slots (WEB_THREADS − 1) reach them through the environment.
os.environ.setdefault("WEB_THREADS", str(threads))

# The master imports the application once and the workers share its pages: 3 workers took 184-189 MB (PSS of
# master and workers) preloaded, 238 MB not (bench/submit_burst.py).
preload_app = env_bool("WEB_PRELOAD", True)


def pre_fork(server: Any, worker: Any) -> None:
    """A database pool or a verdict listener made in the master would reach every worker without its threads, so
    both start on their first use, in a worker (bekrin/coding/verdicts.py); one here means that rule was broken.
    Only those two are looked for: gunicorn's master runs threads of its own (its control socket), and it forks
    again whenever a worker is recycled."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    from bekrin.coding.verdicts import LISTENER_THREAD

    listeners = [thread for thread in threading.enumerate() if thread.name == LISTENER_THREAD]
    pools = getattr(DatabaseWrapper, "_connection_pools", {})  # where Django keeps the pools it has opened
    if pools or listeners:
        raise RuntimeError("the gunicorn master opened a database pool or a verdict listener before forking")
    # The preloaded application's objects live as long as the worker: out of the collector's reach, a worker's
    # full collection walks only what it made itself (it took 65-73 ms, every thread of the worker stopped, in a
    # burst of submissions: bench/submit_burst.py), and never writes to the pages it shares with the master.
    gc.freeze()


# A submit waits up to JUDGE_SUBMIT_WAIT_SECONDS for its verdict and a long poll up to 25 s; nothing else takes
# near this long.
timeout = env_int("WEB_TIMEOUT_SECONDS", 30)
# On SIGTERM (systemd stop, a deploy) workers finish the requests in flight for up to this long, then exit.
graceful_timeout = env_int("WEB_GRACEFUL_TIMEOUT_SECONDS", 30)
keepalive = 5
# Recycle workers now and then so a slow leak in any library never grows without bound.
max_requests = env_int("WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10  # so the workers do not all restart at once

# Only a reverse proxy on these addresses may set X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = env_str("WEB_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()
