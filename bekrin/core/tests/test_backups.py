"""Backups: a dump of a populated database restores into another database with every row and byte."""

from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from procrastinate.exceptions import AlreadyEnqueued
from psycopg import sql

from bekrin.core.backups import BACKUP_NAME, BackupError, backup_create, backup_restore
from bekrin.core.tasks import daily_backup
from bekrin.students.services import student_soft_delete
from bekrin.testing.factories import MembershipFactory, StudentFactory


def _connect(database_name: str) -> psycopg.Connection:
    return psycopg.connect(**{**connection.get_connection_params(), "dbname": database_name}, autocommit=True)


def _contents(database_name: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and an md5 of its rows' text in a fixed order, and every sequence's position."""
    with _connect(database_name) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        contents = {}
        for table in tables:
            quoted = sql.Identifier(table)
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} AS t"
            ).format(quoted)
            contents[table] = db.execute(query).fetchone()
        for name, last_value in db.execute("SELECT sequencename, last_value FROM pg_sequences"):
            contents[f"sequence {name}"] = (last_value or 0, "")
    return contents


@pytest.fixture
def empty_database():
    """A new database next to the test database, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with _connect(connection.settings_dict["NAME"]) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with _connect(connection.settings_dict["NAME"]) as db:
        db.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


# pg_dump reads the database from its own connection, so the rows must be committed.
@pytest.mark.django_db(transaction=True)
def test_backup_of_a_populated_database_restores_every_table_row_for_row(tmp_path, empty_database):
    call_command("seed_dev", stdout=StringIO())
    left = StudentFactory(full_name="Şəbnəm Ağayeva-Çələbizadə", email="sebnem@bekrin.test")
    MembershipFactory(student=left)
    student_soft_delete(student=left)

    backup = backup_create(directory=tmp_path, keep=14)
    backup_restore(backup.path, database_name=empty_database)

    source = _contents(connection.settings_dict["NAME"])
    restored = _contents(empty_database)
    assert restored == source
    # The comparison covers real content: the seed's tables and Django's own.
    populated = {table for table, (count, _checksum) in source.items() if count}
    assert {"user", "student_profile", "attendance_record", "payment", "coding_submission"} < populated
    assert {"test_answer_key", "django_migrations", "auth_permission"} < populated
    with _connect(empty_database) as db:
        full_name, deleted = db.execute(
            'SELECT u.full_name, p.deleted_at IS NOT NULL FROM "user" u JOIN student_profile p ON p.user_id = u.id'
            " WHERE u.email = 'sebnem@bekrin.test'"
        ).fetchone()
    assert (full_name, deleted) == ("Şəbnəm Ağayeva-Çələbizadə", True)


@pytest.mark.django_db
def test_backup_keeps_the_newest_backups_and_never_deletes_other_files(tmp_path, settings):
    older = ["bekrin-20250101T230000Z.dump", "bekrin-20250102T230000Z.dump", "bekrin-20250103T230000Z.dump"]
    others = ["bekrin-before-upgrade.dump", "notes.txt", ".bekrin-20250104T230000Z.dump.x1.partial"]
    for name in older + others:
        (tmp_path / name).write_bytes(b"old")
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_KEEP = 2
    out = StringIO()

    call_command("backup", stdout=out)

    backups = sorted(path.name for path in tmp_path.iterdir() if BACKUP_NAME.fullmatch(path.name))
    assert len(backups) == 2
    assert backups[0] == "bekrin-20250103T230000Z.dump"
    new = tmp_path / backups[1]
    assert new.read_bytes().startswith(b"PGDMP")  # the custom format's signature
    assert sorted(path.name for path in tmp_path.iterdir() if path.name not in backups) == sorted(others)
    assert out.getvalue().splitlines() == [
        f"{new} ({new.stat().st_size:,} bytes)",
        f"removed {tmp_path / older[0]}",
        f"removed {tmp_path / older[1]}",
    ]


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_our_tables(tmp_path):
    backup = backup_create(directory=tmp_path, keep=1)
    name = connection.settings_dict["NAME"]

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup.path))

    assert str(refused.value).startswith(f"Database {name!r} is not empty (")
    assert "createdb" in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.django_db
def test_a_failed_pg_dump_leaves_no_file_and_reports_the_servers_error(tmp_path, monkeypatch):
    # libpq passes PGOPTIONS to the server, which refuses the connection over an unknown setting.
    monkeypatch.setenv("PGOPTIONS", "-c bekrin_no_such_setting=1")

    with pytest.raises(BackupError) as failed:
        backup_create(directory=tmp_path, keep=1)

    assert str(failed.value).startswith("pg_dump failed: ")
    assert "bekrin_no_such_setting" in str(failed.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_a_restore_of_a_truncated_dump_leaves_the_database_empty(tmp_path, empty_database):
    call_command("seed_dev", stdout=StringIO())
    backup = backup_create(directory=tmp_path, keep=1)
    # The table of contents comes first and the rows last, so pg_restore has written every CREATE TABLE when it
    # finds the last rows missing.
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(backup.path.read_bytes()[:-64])

    with pytest.raises(BackupError, match=r"^pg_restore failed, nothing was restored: "):
        backup_restore(truncated, database_name=empty_database)

    with _connect(empty_database) as db:
        assert db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


@pytest.mark.django_db
def test_daily_backup_job_writes_a_backup_and_is_queued_once(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path

    daily_backup(timestamp=0)
    daily_backup.defer(timestamp=1)
    with pytest.raises(AlreadyEnqueued):
        daily_backup.defer(timestamp=2)

    assert [BACKUP_NAME.fullmatch(path.name) is not None for path in tmp_path.iterdir()] == [True]


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(BackupError, match=r"nothing\.dump: no such file"):
        backup_restore(tmp_path / "nothing.dump")


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_near_the_end_leaves_nothing_of_the_dump(tmp_path, empty_database):
    call_command("seed_dev", stdout=StringIO())
    backup = backup_create(directory=tmp_path, keep=1)
    # Primary keys are added after every table has its rows; this name makes that step fail.
    with _connect(empty_database) as db:
        db.execute("CREATE TABLE user_pkey (id integer)")

    with pytest.raises(BackupError, match=r'^restore failed, nothing was restored: .*"user_pkey" already exists'):
        backup_restore(backup.path, database_name=empty_database)

    with _connect(empty_database) as db:
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    assert tables == [("user_pkey",)]
