"""The database server a benchmark uses (DATABASE_URL's, or the embedded one) and databases of its own on it.

Not a benchmark: `make bench` runs only the scripts whose names do not start with `_`.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg

from config import embedded_db


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_db.ensure_running()


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def admin_execute(sql: str) -> None:
    with psycopg.connect(with_database(server_url(), "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def django_on_new_database(name: str) -> None:
    """Create the database `name` anew on the server, point Django at it, set Django up and migrate it."""
    admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = with_database(server_url(), name)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
