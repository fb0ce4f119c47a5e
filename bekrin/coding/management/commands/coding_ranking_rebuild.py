"""`manage.py coding_ranking_rebuild`: the coding ranking's aggregates recomputed from every submission, by the SQL
function `coding_ranking_rebuild()` of migration 0003_ranking_aggregates. For an operator after a load or a fix
done with the triggers off; submissions and tasks wait for it (seconds at a million submissions)."""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction


class Command(BaseCommand):
    help = "Recompute the coding ranking's aggregates (coding_ranking_*) from coding_submission."

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT coding_ranking_rebuild()")
            cursor.execute("SELECT count(*) FROM coding_ranking_student")
            students = cursor.fetchone()[0]
        self.stdout.write(f"Rebuilt the ranking of {students} students in {time.monotonic() - start:.1f} s.")
