from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "lom.outreach"
    label = "outreach"
