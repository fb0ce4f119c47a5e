"""`manage.py restore FILE`: restore a backup into the configured database, which must be empty."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bekrin.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database. It must be empty: create one "
        "with createdb and point DATABASE_URL at it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .dump file written by `manage.py backup`")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            backup_restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {file}")
