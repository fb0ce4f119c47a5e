"""The core's scheduled jobs, run by the judge workers (`manage.py procrastinate worker`; procrastinate finds this
module by its autodiscovery of `tasks` modules)."""

import logging

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from bekrin.core.backups import BackupError, backup_create

logger = logging.getLogger(__name__)

MAINTENANCE_QUEUE = "maintenance"
BACKUP_TASK = "core.daily_backup"


# 23:00 UTC is 03:00 in Baku, when no lesson runs. The queueing lock keeps a second job out of the queue and the
# lock keeps two workers from running one at the same time; a database that is down gets two more tries.
@app.periodic(cron="0 23 * * *")
@app.task(
    name=BACKUP_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=BACKUP_TASK,
    lock=BACKUP_TASK,
    retry=RetryStrategy(max_attempts=3, wait=600, retry_exceptions=[BackupError]),
)
def daily_backup(timestamp: int) -> None:
    backup = backup_create()
    logger.info("Backup %s (%d bytes), %d older removed", backup.path, backup.size, len(backup.removed))
