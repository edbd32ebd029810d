from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "lom.common"
    label = "common"
