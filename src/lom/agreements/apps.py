from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "lom.agreements"
    label = "agreements"
