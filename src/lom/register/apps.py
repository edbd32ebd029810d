from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "lom.register"
    verbose_name = "Personalregister"
