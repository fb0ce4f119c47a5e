from django.apps import AppConfig


class ParentsConfig(AppConfig):
    name = "bekrin.parents"
    label = "parents"
    verbose_name = "Parents' dashboard"
