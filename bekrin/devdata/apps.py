from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "bekrin.devdata"
    label = "devdata"
    verbose_name = "Development data"
