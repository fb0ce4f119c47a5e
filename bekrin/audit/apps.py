from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bekrin.audit"
    label = "audit"
    verbose_name = "Audit trail"
