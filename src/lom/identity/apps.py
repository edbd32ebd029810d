from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "lom.identity"
    verbose_name = "Inloggning och konton"
