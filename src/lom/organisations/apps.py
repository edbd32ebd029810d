from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "lom.organisations"
    label = "organisations"
