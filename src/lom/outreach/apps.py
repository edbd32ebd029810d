from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "lom.outreach"
    label = "outreach"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
