"""Trigram indexes for the people search (bekrin.accounts.models.SEARCH_INDEXES), where the server has pg_trgm."""

from django.db import migrations

from bekrin.accounts.models import SEARCH_INDEXES


def trigram_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def create_indexes(apps, schema_editor):
    if not trigram_available(schema_editor):
        return  # search still works, by a sequential scan
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    user = apps.get_model("accounts", "User")
    for index in SEARCH_INDEXES:
        schema_editor.add_index(user, index)


def drop_indexes(apps, schema_editor):
    for index in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index.name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
