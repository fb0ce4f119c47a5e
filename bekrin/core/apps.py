from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bekrin.core"
    label = "core"
    verbose_name = "Core"
