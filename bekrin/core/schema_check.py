"""Compares the live PostgreSQL schema with docs/schema/erd.json and lists every difference.

Used by the schema test; kept outside the test so an operator can run it against a production database
(`python manage.py check_schema`, bekrin/core/management/commands/check_schema.py).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.backends.utils import CursorWrapper

SCHEMA_DOCS = Path(__file__).resolve().parents[2] / "docs" / "schema"
ERD_PATH = SCHEMA_DOCS / "erd.json"
# Tables of ours outside the ERD (the audit trail), each named with its reason; only these are accepted.
EXTENSIONS_PATH = SCHEMA_DOCS / "EXTENSIONS.md"

# Tables that belong to the frameworks we use, not to the ERD.
FRAMEWORK_TABLE_PREFIXES = ("django_", "auth_", "knox_", "axes_", "procrastinate_")

# Values an enum column may accept beyond the ERD's list (docs/DECISIONS.md, decision 4).
ENUM_EXTRA_VALUES = {("coding_submission", "status"): {"pending", "running"}}


def load_erd() -> dict[str, Any]:
    return json.loads(ERD_PATH.read_text(encoding="utf-8"))


def load_extension_tables() -> frozenset[str]:
    """The tables docs/schema/EXTENSIONS.md lists: the first cell of each table row, "| `name` | reason |"."""
    text = EXTENSIONS_PATH.read_text(encoding="utf-8")
    return frozenset(re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE))


@dataclass
class LiveTable:
    columns: dict[str, tuple[str, bool]] = field(default_factory=dict)  # name -> (type, nullable)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> "table.column"
    unique_sets: list[set[str]] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)  # every index's columns in order
    checks: list[str] = field(default_factory=list)  # constraint definitions


def read_live_schema(cursor: CursorWrapper) -> dict[str, LiveTable]:
    tables: dict[str, LiveTable] = {}
    cursor.execute(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, NULL), NOT a.attnotnull
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        """
    )
    for table, column, type_name, nullable in cursor.fetchall():
        tables.setdefault(table, LiveTable()).columns[column] = (type_name, nullable)

    cursor.execute(
        """
        SELECT c.relname, con.contype, pg_get_constraintdef(con.oid),
               ARRAY(SELECT attname FROM unnest(con.conkey) k JOIN pg_attribute a
                     ON a.attrelid = con.conrelid AND a.attnum = k),
               fc.relname,
               ARRAY(SELECT attname FROM unnest(con.confkey) k JOIN pg_attribute a
                     ON a.attrelid = con.confrelid AND a.attnum = k)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_class fc ON fc.oid = con.confrelid
        WHERE n.nspname = 'public'
        """
    )
    for table, kind, definition, columns, foreign_table, foreign_columns in cursor.fetchall():
        live = tables.setdefault(table, LiveTable())
        if kind == "p":
            live.primary_key = list(columns)
        elif kind == "f":
            live.foreign_keys[columns[0]] = f"{foreign_table}.{foreign_columns[0]}"
        elif kind == "u":
            live.unique_sets.append(set(columns))
        elif kind == "c":
            live.checks.append(definition)

    cursor.execute(
        """
        SELECT t.relname, ix.indisunique, ix.indpred IS NOT NULL,
               ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, pos)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.pos)
        FROM pg_index ix
        JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'
        """
    )
    for table, is_unique, is_partial, columns in cursor.fetchall():
        live = tables.setdefault(table, LiveTable())
        live.indexes.append(list(columns))
        if is_unique and not is_partial:
            live.unique_sets.append(set(columns))
    return tables


def _enum_values_in(definition: str) -> set[str]:
    return set(re.findall(r"'([^']*)'::", definition))


def _column_problems(table: str, spec: dict[str, Any], live: LiveTable, enums: dict[str, list[str]]) -> list[str]:
    problems = []
    name = spec["name"]
    where = f"{table}.{name}"
    if name not in live.columns:
        return [f"{where}: column is missing"]
    type_name, nullable = live.columns[name]
    if type_name != spec["type"]:
        problems.append(f"{where}: type is {type_name!r}, the ERD says {spec['type']!r}")
    if nullable != spec["nullable"]:
        problems.append(f"{where}: nullable is {nullable}, the ERD says {spec['nullable']}")
    if spec.get("pk") and live.primary_key != [name]:
        problems.append(f"{where}: is not the primary key (the key is {live.primary_key})")
    if "fk" in spec and live.foreign_keys.get(name) != spec["fk"]:
        problems.append(f"{where}: foreign key is {live.foreign_keys.get(name)}, the ERD says {spec['fk']}")
    if spec.get("unique") and {name} not in live.unique_sets:
        problems.append(f"{where}: is not unique")
    if spec.get("indexed") and not any(index and index[0] == name for index in live.indexes):
        problems.append(f"{where}: no index starts with this column")
    if "enum" in spec:
        expected = set(enums[spec["enum"]])
        allowed_extra = ENUM_EXTRA_VALUES.get((table, name), set())
        column_pattern = re.compile(rf"\(?\b{re.escape(name)}\b\)?::text = ANY")
        found = [_enum_values_in(d) for d in live.checks if column_pattern.search(d)]
        if not any(expected <= values <= expected | allowed_extra for values in found):
            problems.append(f"{where}: no CHECK constraint limits it to the enum {spec['enum']} {sorted(expected)}")
    return problems


def schema_drift(
    erd: dict[str, Any], live_tables: dict[str, LiveTable], extension_tables: frozenset[str] | None = None
) -> list[str]:
    """Every way the live schema differs from the ERD, one readable line each; empty when they match.

    `extension_tables` (default: those of docs/schema/EXTENSIONS.md) may exist beside the ERD's and must."""
    if extension_tables is None:
        extension_tables = load_extension_tables()
    problems: list[str] = []
    for table, table_spec in erd["tables"].items():
        live = live_tables.get(table)
        if live is None:
            problems.append(f"{table}: table is missing")
            continue
        specified = {column["name"] for column in table_spec["columns"]}
        allowed_extra = set(table_spec.get("allowed_extra_columns", []))
        for extra in sorted(set(live.columns) - specified):
            if "*" not in allowed_extra and extra not in allowed_extra:
                problems.append(f"{table}.{extra}: column is not in the ERD")
        for column in table_spec["columns"]:
            problems.extend(_column_problems(table, column, live, erd["enums"]))
        for columns in table_spec.get("unique_together", []):
            if set(columns) not in live.unique_sets:
                problems.append(f"{table}({', '.join(columns)}): unique constraint is missing")
        for columns in table_spec.get("indexes", []):
            if list(columns) not in live.indexes:
                problems.append(f"{table}({', '.join(columns)}): index is missing")
        for check in table_spec.get("checks", []):
            needed = re.findall(r"(\w+) IS NOT NULL", check)
            if not any(all(f"{column} IS NOT NULL" in d for column in needed) for d in live.checks):
                problems.append(f"{table}: CHECK ({check}) is missing")
    for table in sorted(live_tables):
        if (
            table not in erd["tables"]
            and table not in extension_tables
            and not table.startswith(FRAMEWORK_TABLE_PREFIXES)
        ):
            problems.append(f"{table}: table is not in the ERD")
    for table in sorted(extension_tables - set(live_tables)):
        problems.append(f"{table}: extension table is missing")
    return problems
