from django.apps import AppConfig


class LeversConfig(AppConfig):
    name = "lom.levers"
    label = "levers"
