from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "lom.events"
    label = "events"
