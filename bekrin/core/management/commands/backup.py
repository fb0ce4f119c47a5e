"""`manage.py backup`: a compressed dump of the configured database into BACKUP_DIR, keeping the last BACKUP_KEEP."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bekrin.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) into BACKUP_DIR and keep the newest BACKUP_KEEP backups."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = backup_create()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{backup.path} ({backup.size:,} bytes)")
        for path in backup.removed:
            self.stdout.write(f"removed {path}")
