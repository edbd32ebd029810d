from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeversConfig(AppConfig):
    name = "lom.levers"
    label = "levers"

    def ready(self) -> None:
        # Two packages below this one show levers data through registries of their own, so
        # neither imports the levers: the annual report (its campaigns section) and the fund
        # overview (the levers panel).
        from lom.funds.panels import register_overview_panel
        from lom.levers.panel import lever_panel
        from lom.levers.selectors.report import campaign_report_tables
        from lom.reports.extra_sections import ExtraSection, register_section

        register_section(
            ExtraSection(
                code="campaigns",
                label=_("Kampanjer och deras effekt"),
                tables=campaign_report_tables,
            )
        )
        register_overview_panel(lever_panel)
