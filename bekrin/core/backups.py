"""Database backups: `manage.py backup` and the daily job (bekrin/core/tasks.py) call backup_create; `manage.py
restore` calls backup_restore.

A backup is a `pg_dump` custom-format file (compressed) named `bekrin-<UTC time>.dump`. It is written under a
hidden temporary name and renamed when pg_dump has finished, so a half-written dump never looks like a backup.
The programs are the embedded server's (PostgreSQL 18), which also serve older external servers. The password
reaches them in PGPASSWORD, never on the command line, where any local user could read it.
"""

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import pq
from psycopg.conninfo import make_conninfo

from config.embedded_db import client_bin_dir

BACKUP_NAME = re.compile(r"bekrin-\d{8}T\d{6}Z\.dump")
# One `SET name = value;` of the session settings pg_restore writes before the first object of its script.
PREAMBLE_SETTING = re.compile(rb"SET (\w+) = .*;\n")
FIRST_OBJECT = b"-- Name: "


class BackupError(Exception):
    """A backup or restore that did not happen; the message is one line for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    removed: list[Path]


def backup_create(*, directory: Path | None = None, keep: int | None = None) -> Backup:
    """Dump the configured database into `directory` (BACKUP_DIR), then delete our backups beyond the newest
    `keep` (BACKUP_KEEP). Other files in the folder are never touched."""
    directory = Path(directory or settings.BACKUP_DIR)
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError(f"BACKUP_KEEP must be at least 1, not {keep}.")
    path = directory / f"bekrin-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, partial_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise BackupError(f"cannot write a backup in {directory}: {exc.strerror}") from exc
    os.close(descriptor)
    partial = Path(partial_name)
    conninfo, env = _program_connection()
    try:
        # pg_dump fsyncs the file before it exits, so the renamed file is complete on disk.
        dump = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell string
            [client_bin_dir() / "pg_dump", "--format=custom", f"--file={partial}", f"--dbname={conninfo}"],
            env=env,
            capture_output=True,
        )
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {_one_line(dump.stderr)}")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path=path, size=path.stat().st_size, removed=_remove_old_backups(directory, keep=keep))


def backup_restore(dump: Path, *, database_name: str | None = None) -> None:
    """Restore `dump` into the configured database (or `database_name` on the same server), all or nothing.

    Refuses a database that holds any of our tables: restoring over live data would mix two states. The operator
    restores into a fresh `createdb` and then points DATABASE_URL at it.
    """
    if not dump.is_file():
        raise BackupError(f"{dump}: no such file.")
    params = _libpq_params(database_name)
    with psycopg.connect(**params, autocommit=True) as connection:
        ours = _tables_of_ours(connection)
        if ours:
            raise BackupError(
                f"Database {params['dbname']!r} is not empty ({len(ours)} tables of ours, such as {ours[0]}): "
                "restore into a new database (createdb), then point DATABASE_URL at it."
            )
        known_settings = {row[0] for row in connection.execute("SELECT name FROM pg_settings")}
    conninfo, env = _program_connection(database_name)
    bin_dir = client_bin_dir()
    # pg_restore writes the script, psql runs it in one transaction. pg_restore could write into the database
    # itself, but it starts with session settings of its own version (`SET transaction_timeout`, PostgreSQL 17+)
    # that an older server rejects; the script is passed on without those.
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        restore = subprocess.Popen(  # noqa: S603 - fixed program, arguments are not a shell string
            [bin_dir / "pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        psql = subprocess.Popen(  # noqa: S603 - fixed program, arguments are not a shell string
            [
                bin_dir / "psql",
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--file=-",
                f"--dbname={conninfo}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        assert restore.stdout is not None and psql.stdin is not None
        try:
            try:
                psql.stdin.writelines(_without_unknown_settings(restore.stdout, known_settings))
                if restore.wait() != 0:
                    raise BackupError(f"pg_restore failed, nothing was restored: {_read_one_line(restore_errors)}")
                psql.stdin.close()  # the end of the script: psql commits
            except BrokenPipeError:
                pass  # psql stopped at an error; its message says which
            if psql.wait() != 0:
                raise BackupError(f"restore failed, nothing was restored: {_read_one_line(psql_errors)}")
        finally:
            # A psql still running here has not read the end of its script: killing it drops its connection, so
            # nothing of a partial script commits.
            for process in (psql, restore):
                if process.poll() is None:
                    process.kill()
                process.wait()
            with contextlib.suppress(BrokenPipeError):  # the lines a killed psql did not read
                psql.stdin.close()
            restore.stdout.close()


def _remove_old_backups(directory: Path, *, keep: int) -> list[Path]:
    # The UTC timestamp in the name sorts like time, whatever the files' modification times say.
    ours = sorted(path for path in directory.iterdir() if BACKUP_NAME.fullmatch(path.name) and path.is_file())
    removed = ours[:-keep]
    for path in removed:
        path.unlink()
    return removed


def _libpq_params(database_name: str | None = None) -> dict[str, Any]:
    """The libpq keywords of the configured database, exactly as Django connects (OPTIONS included)."""
    keywords = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    params = {
        key: value
        for key, value in connections["default"].get_connection_params().items()
        if key in keywords and value is not None
    }
    if database_name:
        params["dbname"] = database_name
    return params


def _program_connection(database_name: str | None = None) -> tuple[str, dict[str, str]]:
    """A connection string without the password for the programs' command line, and their environment with it."""
    params = _libpq_params(database_name)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{key: str(value) for key, value in params.items()}), env


def _tables_of_ours(connection: psycopg.Connection[Any]) -> list[str]:
    names = sorted({*connections["default"].introspection.django_table_names(), "django_migrations"})
    rows = connection.execute(
        "SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(quote_ident(name)) IS NOT NULL ORDER BY name",
        [names],
    )
    return [row[0] for row in rows]


def _without_unknown_settings(script: Iterable[bytes], known_settings: set[str]) -> Iterator[bytes]:
    """The lines of a pg_restore script, less the preamble's settings the target server does not have."""
    lines = iter(script)
    for line in lines:
        if line.startswith(FIRST_OBJECT):
            yield line
            break
        setting = PREAMBLE_SETTING.fullmatch(line)
        if setting is None or setting[1].decode() in known_settings:
            yield line
    yield from lines


def _one_line(message: bytes) -> str:
    return " ".join(message.decode(errors="replace").split()) or "no message"


def _read_one_line(file: IO[bytes]) -> str:
    file.seek(0)
    return _one_line(file.read())
