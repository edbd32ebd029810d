from django.apps import AppConfig

from lom.privacy import checks  # noqa: F401  (registers the start-up check of the retention defaults)


class PrivacyConfig(AppConfig):
    name = "lom.privacy"
    verbose_name = "Personuppgifter"
