from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lom.accounts"
    label = "accounts"
