from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "lom.funds"
    label = "funds"
