"""The annual report's section "Campaigns and their effect" (registered in the reports
package's extra sections by `LeversConfig.ready()`): each campaign sent in the year with its
funnel (counts of people 1 to 4 hidden) and the forecast of unused money when it was sent."""

from django.utils.translation import gettext as _

from lom.levers.models import Campaign, Status
from lom.levers.selectors.funnel import campaign_funnel, hidden
from lom.organisations.models import Organisation
from lom.reports.figures import COUNT, DATE, MONEY, SUPPRESSED, TEXT
from lom.reports.figures.tables import Column, Table


def _cell(n: int):
    return SUPPRESSED if hidden(n) else n


def campaign_report_tables(organisation: Organisation, year: int) -> list[Table]:
    campaigns = list(
        Campaign.objects.filter(
            organisation=organisation, status=Status.SENT, sent_at__year=year
        ).order_by("sent_at", "id")
    )
    if not campaigns:
        return []
    rows = []
    for c in campaigns:
        f = campaign_funnel(campaign=c)
        committed = f.committed_kr_shown
        rows.append(
            [
                c.title,
                str(c.get_kind_display()),
                c.sent_at.date() if c.sent_at else None,
                _cell(f.sent),
                _cell(f.delivered),
                _cell(f.opened),
                _cell(f.started),
                _cell(f.submitted),
                _cell(f.approved),
                SUPPRESSED if committed is None else committed * 100,
                None
                if c.forecast_unused_at_send_kr is None
                else c.forecast_unused_at_send_kr * 100,
            ]
        )
    return [
        Table(
            key="campaigns",
            title=_("Kampanjer och deras effekt"),
            columns=[
                Column("title", _("Kampanj"), TEXT),
                Column("kind", _("Typ"), TEXT),
                Column("sent_on", _("Skickad"), DATE),
                Column("sent", _("Skickade"), COUNT),
                Column("delivered", _("Levererade e-brev"), COUNT),
                Column("opened", _("Öppnade sidan eller guiden"), COUNT),
                Column("started", _("Påbörjade en ansökan"), COUNT),
                Column("submitted", _("Skickade in en ansökan"), COUNT),
                Column("approved", _("Beviljade"), COUNT),
                Column("committed", _("Beviljade belopp"), MONEY),
                Column("forecast", _("Prognos för outnyttjat när den skickades"), MONEY),
            ],
            rows=rows,
            note=_(
                "Bara antal: ingen enskild följs. Ansökningar räknas till en kampanj när den "
                "sökande kom via kampanjens länk. Antal under 5 visas inte."
            ),
        )
    ]
