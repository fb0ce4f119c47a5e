from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "bekrin.students"
    label = "students"
    verbose_name = "Students"
