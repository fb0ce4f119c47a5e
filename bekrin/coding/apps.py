from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "bekrin.coding"
    label = "coding"
    verbose_name = "Coding"
