from django.apps import AppConfig


class FundmodeConfig(AppConfig):
    name = "lom.fundmode"
    label = "fundmode"
