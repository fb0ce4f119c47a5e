from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "bekrin.groups"
    label = "groups"
    verbose_name = "Groups"
