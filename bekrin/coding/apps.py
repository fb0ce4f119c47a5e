from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "bekrin.coding"
    label = "coding"
    verbose_name = "Coding"

    def ready(self) -> None:
        from bekrin.coding.selectors import oldest_pending_submission_age
        from bekrin.core.selectors import waiting_work_reader

        # /api/health reports how long the oldest submission has waited for a judge worker.
        waiting_work_reader(oldest_pending_submission_age)
