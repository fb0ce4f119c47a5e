"""`manage.py check_schema`: does this database match docs/schema/erd.json? For an operator after a migration or a
restore, against any database DATABASE_URL names; exits 1 and lists every difference when it does not."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bekrin.core.schema_check import load_erd, read_live_schema, schema_drift


class Command(BaseCommand):
    help = "Compare the database's tables, columns, keys, indexes and checks with docs/schema/erd.json."

    def handle(self, *args: Any, **options: Any) -> None:
        with connection.cursor() as cursor:
            problems = schema_drift(load_erd(), read_live_schema(cursor))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} difference(s) from docs/schema/erd.json")
        self.stdout.write(self.style.SUCCESS("The database matches docs/schema/erd.json."))
