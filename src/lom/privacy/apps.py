from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "lom.privacy"
    verbose_name = "Personuppgifter"
