from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lom.demo"
    label = "demo"
    verbose_name = "Demo data"
