from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lom.reports"
    label = "reports"
