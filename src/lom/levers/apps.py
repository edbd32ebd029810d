from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeversConfig(AppConfig):
    name = "lom.levers"
    label = "levers"

    def ready(self) -> None:
        # The annual report (below this package) shows the campaigns through its registry.
        from lom.levers.selectors.report import campaign_report_tables
        from lom.reports.extra_sections import ExtraSection, register_section

        register_section(
            ExtraSection(
                code="campaigns",
                label=_("Kampanjer och deras effekt"),
                tables=campaign_report_tables,
            )
        )
