from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "bekrin.payments"
    label = "payments"
    verbose_name = "Payments"
