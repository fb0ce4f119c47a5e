"""The migrated database must match docs/schema/erd.json exactly (the ERD of docs/SEED.md as data)."""

import copy
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bekrin.core.schema_check import load_erd, load_extension_tables, read_live_schema, schema_drift

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_schema():
    with connection.cursor() as cursor:
        return read_live_schema(cursor)


def test_migrated_database_matches_the_erd(live_schema):
    erd = load_erd()
    assert len(erd["tables"]) == 20
    assert schema_drift(erd, live_schema) == []


def test_a_changed_column_type_is_reported_with_table_and_column(live_schema):
    erd = load_erd()
    column = next(c for c in erd["tables"]["payment"]["columns"] if c["name"] == "amount")
    column["type"] = "integer"
    assert schema_drift(erd, live_schema) == ["payment.amount: type is 'numeric', the ERD says 'integer'"]


@pytest.mark.parametrize(
    ("table", "column", "key", "value", "expected"),
    [
        ("user", "phone", "nullable", False, "user.phone: nullable is True, the ERD says False"),
        ("group", "days_of_week", "type", "text", "group.days_of_week: type is 'integer[]', the ERD says 'text'"),
        ("payment", "note", "unique", True, "payment.note: is not unique"),
        ("test", "title", "indexed", True, "test.title: no index starts with this column"),
    ],
)
def test_each_kind_of_column_drift_is_reported(live_schema, table, column, key, value, expected):
    erd = copy.deepcopy(load_erd())
    spec = next(c for c in erd["tables"][table]["columns"] if c["name"] == column)
    spec[key] = value
    assert schema_drift(erd, live_schema) == [expected]


def test_a_missing_or_extra_column_is_reported(live_schema):
    erd = load_erd()
    erd["tables"]["organization"]["columns"].append({"name": "country", "type": "character varying", "nullable": False})
    erd["tables"]["coding_topic"]["columns"] = [
        c for c in erd["tables"]["coding_topic"]["columns"] if c["name"] != "created_at"
    ]
    assert schema_drift(erd, live_schema) == [
        "organization.country: column is missing",
        "coding_topic.created_at: column is not in the ERD",
    ]


def test_an_enum_without_its_check_constraint_is_reported(live_schema):
    erd = load_erd()
    erd["enums"]["payment_method"].append("crypto")
    assert schema_drift(erd, live_schema) == [
        "payment.method: no CHECK constraint limits it to the enum payment_method "
        "['bank', 'card', 'cash', 'crypto', 'other']"
    ]


def test_days_of_week_outside_iso_range_are_rejected_by_the_database():
    from django.db import IntegrityError

    with connection.cursor() as cursor, pytest.raises(IntegrityError):
        cursor.execute(
            'INSERT INTO "user" (email, password_hash, full_name, role, is_active, is_staff, is_superuser,'
            " created_at, updated_at) VALUES ('t@x.az', '', 'T', 'teacher', true, false, false, now(), now());"
            'INSERT INTO "group" (teacher_id, name, days_of_week, display_name, is_active, created_at,'
            " updated_at) SELECT id, 'G', '{1,8}', 'G', true, now(), now() FROM \"user\" WHERE email = 't@x.az'"
        )


def test_check_schema_command_passes_on_the_migrated_database_and_names_a_drift():
    out = io.StringIO()
    call_command("check_schema", stdout=out)
    assert "matches" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE payment ALTER COLUMN title SET NOT NULL")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("check_schema", stderr=errors)
    assert "payment.title" in errors.getvalue()


AUDITED_TABLES = ["attendance_record", "group_membership", "payment", "test_answer_key", "test_attempt", "user"]


def test_only_the_extension_tables_that_extensions_md_lists_are_accepted(live_schema):
    documented = load_extension_tables()
    assert {f"audit_{table}_event" for table in AUDITED_TABLES} | {"pghistory_context"} <= documented
    assert schema_drift(load_erd(), live_schema, extension_tables=documented - {"audit_payment_event"}) == [
        "audit_payment_event: table is not in the ERD"
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE audit_undocumented_event (id integer)")
        assert schema_drift(load_erd(), read_live_schema(cursor)) == [
            "audit_undocumented_event: table is not in the ERD"
        ]
        cursor.execute("DROP TABLE audit_payment_event")
        assert "audit_payment_event: extension table is missing" in schema_drift(load_erd(), read_live_schema(cursor))


def test_the_audited_erd_tables_carry_triggers_and_still_match_the_erd(live_schema):
    """The audit trail's triggers sit on ERD tables; the schema check compares columns, keys and indexes only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE 'pgtrigger_%%' AND c.relname = ANY(%s)",
            [AUDITED_TABLES],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == AUDITED_TABLES
    assert schema_drift(load_erd(), live_schema) == []
