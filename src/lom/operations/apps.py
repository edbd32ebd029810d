from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "lom.operations"
    verbose_name = "Drift"
