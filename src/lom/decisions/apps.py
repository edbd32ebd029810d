from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "lom.decisions"
    label = "decisions"
