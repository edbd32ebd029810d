from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lom.cases"
    label = "cases"
