"""pytest plugin loaded before Django is configured: the test run is a development environment with a database
server of its own.

Without DATABASE_URL the tests use the embedded server on config.embedded_db.TEST_DATA_DIR (`.pgdata-test`), started
by the first test run that needs it and left running for the next (`make test-db-stop` stops it), never the
`.pgdata` one that `make run` serves from: a running `make run` neither takes the tests' connections nor loses its
server to them. BEKRIN_PGDATA is set in this process's environment, so the workers, servers and commands a test
starts reach the same server. With DATABASE_URL set, the tests use that server (pytest-django creates
`test_<name>` on it).
"""

import os

from config import embedded_db

os.environ.setdefault("DEBUG", "true")
if not os.environ.get("DATABASE_URL"):
    os.environ["BEKRIN_PGDATA"] = str(embedded_db.TEST_DATA_DIR)
# Concurrency tests run up to a few dozen threads at once, each with its own connection from the pool; on the test
# server the 100 connections are the test run's alone.
os.environ.setdefault("DB_POOL_MAX_SIZE", "40")
os.environ.setdefault("DB_POOL_TIMEOUT", "20")
