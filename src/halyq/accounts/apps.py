from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "halyq.accounts"
    label = "accounts"
