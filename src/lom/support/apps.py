from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "lom.support"
    label = "support"
