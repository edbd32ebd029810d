from django.apps import AppConfig


class SectorConfig(AppConfig):
    name = "lom.sector"
    label = "sector"
