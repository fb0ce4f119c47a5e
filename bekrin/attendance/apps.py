from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "bekrin.attendance"
    label = "attendance"
    verbose_name = "Attendance"
