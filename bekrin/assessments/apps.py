from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "bekrin.assessments"
    label = "assessments"
    verbose_name = "Tests and exams"
