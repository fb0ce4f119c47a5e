from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bekrin.accounts"
    label = "accounts"
    verbose_name = "Accounts"
