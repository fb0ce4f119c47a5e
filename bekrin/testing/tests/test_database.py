"""The tests own their database server (config/testenv.py): without DATABASE_URL the embedded one on .pgdata-test,
never the .pgdata one `make run` serves from, and the commands a test starts reach that same server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bekrin.testing.server import ROOT
from config import embedded_db

pytestmark = pytest.mark.django_db

SERVER_IDENTITY = "SELECT pg_postmaster_start_time()::text"


def test_the_tests_run_on_the_server_of_database_url_or_else_on_the_embedded_one_of_the_test_data_folder():
    if os.environ.get("DATABASE_URL"):
        assert os.environ["DATABASE_URL"] == settings.DATABASE_URL
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory')")
        assert Path(cursor.fetchone()[0]).resolve() == embedded_db.TEST_DATA_DIR.resolve()


@pytest.mark.server
def test_a_command_a_test_starts_reaches_the_same_server():
    """Through the environment alone (BEKRIN_PGDATA or DATABASE_URL), as the workers and servers tests start."""
    with connection.cursor() as cursor:
        cursor.execute(SERVER_IDENTITY)
        (started_at,) = cursor.fetchone()
    script = (
        "from django.db import connection\n"
        f"with connection.cursor() as cursor: cursor.execute({SERVER_IDENTITY!r}); print(cursor.fetchone()[0])"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == started_at
