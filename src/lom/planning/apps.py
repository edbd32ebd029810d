from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "lom.planning"
    label = "planning"
