from django.apps import AppConfig


class DiariumConfig(AppConfig):
    name = "lom.diarium"
    verbose_name = "Diarium"
