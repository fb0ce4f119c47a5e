"""gunicorn settings for `make serve` and production (`gunicorn -c config/gunicorn.py config.wsgi`).

Threaded workers (gthread): a request mostly waits on PostgreSQL or on the judge, so a few threads per process
serve more than more processes would, at a fraction of the memory. Each process's database pool is sized to its
threads, so no thread waits for a connection and the server's total stays WEB_WORKERS × WEB_THREADS (plus the
pool's spare) below PostgreSQL's max_connections.
"""

import os

from config.env import env_int, env_str

bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
workers = env_int("WEB_WORKERS", (os.cpu_count() or 1) + 1)
threads = env_int("WEB_THREADS", 4)
worker_class = "gthread"
# The workers import the settings, so the pool size reaches them through the environment.
os.environ.setdefault("DB_POOL_MAX_SIZE", str(threads))

# A submit waits up to JUDGE_SUBMIT_WAIT_SECONDS for its verdict; nothing else takes near this long.
timeout = env_int("WEB_TIMEOUT_SECONDS", 30)
# On SIGTERM (systemd stop, a deploy) workers finish the requests in flight for up to this long, then exit.
graceful_timeout = env_int("WEB_GRACEFUL_TIMEOUT_SECONDS", 30)
keepalive = 5
# Recycle workers now and then so a slow leak in any library never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# Only a reverse proxy on these addresses may set X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = env_str("WEB_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()
