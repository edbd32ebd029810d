from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lom.api"
    label = "api"
