from django.apps import AppConfig


class LeversConfig(AppConfig):
    name = "lom.levers"
    label = "levers"

    def ready(self) -> None:
        # The fund overview shows the levers panel without the fund importing the levers.
        from lom.funds.panels import register_overview_panel
        from lom.levers.panel import lever_panel

        register_overview_panel(lever_panel)
