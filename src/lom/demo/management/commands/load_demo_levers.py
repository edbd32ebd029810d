"""Demo material for levers against unused money, for Statens tillsynsverk: its forecast
warns, one campaign has been sent (five weeks ago) to an under-reached department with a
funnel whose counts are large enough to show, and one nudge has gone to the managers of the
units that apply least, and an application round for development projects has been opened
from half of the period's unplanned money (the other half stays on the panel).
Idempotent: an organisation that has its demo campaign is skipped.

Delivery runs here, in this command (not through the task queue), and the demo's outbox rows
are marked delivered, so loading sends no mail and stays fast."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from lom.accounts.models import User
from lom.cases.models import Case
from lom.funds.models import ForecastSettings
from lom.funds.selectors import (
    fund_balance,
    fund_forecast,
    fund_period_current,
    unused_warning_percent_for,
)
from lom.levers.models import Campaign, Kind
from lom.levers.selectors.campaigns import APPROVED_STATUSES
from lom.levers.selectors.levers import period_forecast
from lom.levers.selectors.money import unplanned_money
from lom.levers.services.campaigns import CampaignInput, campaign_save, campaign_send
from lom.levers.services.delivery import campaign_deliver
from lom.levers.services.rounds import round_from_unplanned
from lom.levers.templates_text import template_for
from lom.mail.models import OutboundMail
from lom.organisations.access import actor_for
from lom.organisations.models import Employee, Organisation, Unit
from lom.outreach.models import CounterKind, ReachCounter

SLUG = "tillsynsverket"
CAMPAIGN_TITLE = "Administrativa avdelningen: omställningsmedlen är till för er också"
NUDGE_TITLE = "Påminnelse till chefer på enheter som inte söker"
DEPARTMENT = "Administrativa avdelningen"
SENT_DAYS_AGO = 35
ROUND_TITLE = "Utvecklingsprojekt med periodens oplanerade medel"
ROUND_OPEN_DAYS = 45


class Command(BaseCommand):
    help = "Load a warning forecast, a sent campaign with its funnel and a nudge to managers."

    def handle(self, *args, **options):
        org = Organisation.objects.filter(slug=SLUG).first()
        if org is None:
            self.stdout.write(f"{SLUG}: not loaded (run load_demo first), skipped.")
            return
        if Campaign.objects.filter(organisation=org, title=CAMPAIGN_TITLE).exists():
            self.stdout.write(f"{org.name}: levers demo already loaded.")
            return
        coordinator = User.objects.get(username="samordnare")
        actor = actor_for(user=coordinator, organisation_id=org.pk)
        assert actor is not None
        period = fund_period_current(organisation=org, on=timezone.localdate())
        self._warn(org, period)
        department = Unit.objects.get(organisation=org, name=DEPARTMENT)
        subject, body = template_for(lever="under_reached", kind=Kind.EMPLOYEES, language="sv")
        campaign = self._send(
            actor,
            CampaignInput(
                title=CAMPAIGN_TITLE,
                subject=subject,
                body=body,
                send_on=timezone.localdate(),
                dimension="unit",
                value=str(department.pk),
                lever="under_reached",
                period_id=period.pk if period else None,
                expected_effect_kr=180_000,
            ),
        )
        self._funnel(org, campaign)
        units = self._silent_units(org)
        subject, body = template_for(lever="silent_units", kind=Kind.NUDGE, language="sv")
        self._send(
            actor,
            CampaignInput(
                title=NUDGE_TITLE,
                subject=subject,
                body=body,
                send_on=timezone.localdate(),
                kind=Kind.NUDGE,
                dimension="managers",
                value=",".join(str(u.pk) for u in units),
                lever="silent_units",
                period_id=period.pk if period else None,
            ),
        )
        self._round(org, actor, period)
        self.stdout.write(self.style.SUCCESS(f"{org.name}: levers demo loaded."))

    def _round(self, org, actor, period) -> None:
        """The round from unplanned money, through the same service as the panel's button,
        with half the unplanned amount as its frame (a coordinator may choose less)."""
        if period is None:
            return
        today = timezone.localdate()
        balance, _forecast = period_forecast(period=period, today=today)
        money = unplanned_money(period=period, balance=balance, on=today)
        if money.unplanned_kr < 2:
            self.stdout.write(f"{org.name}: no unplanned money, no round opened.")
            return
        round_from_unplanned(
            actor=actor,
            period=period,
            title=ROUND_TITLE,
            opens_on=today,
            closes_on=min(today + timedelta(days=ROUND_OPEN_DAYS), period.end),
            budget_ore=money.unplanned_kr // 2 * 100,
        )

    def _warn(self, org, period) -> None:
        """The forecast warns: the organisation's threshold below what it will leave unused."""
        if period is None:
            return
        forecast = fund_forecast(
            period=period,
            balance=fund_balance(period=period),
            today=timezone.localdate(),
            warning_percent=unused_warning_percent_for(organisation=org),
        )
        if not forecast.warning and forecast.unused_percent:
            ForecastSettings.objects.update_or_create(
                organisation=org,
                defaults={"unused_warning_percent": max(forecast.unused_percent - 10, 0)},
            )

    def _send(self, actor, data: CampaignInput) -> Campaign:
        """Save, send and deliver at once (the outbox rows marked delivered: the demo mails
        nobody), dated SENT_DAYS_AGO days back."""
        c = campaign_save(actor=actor, data=data)
        c.send_on = date.today() + timedelta(days=1)  # scheduled: no task now
        c.save(update_fields=["send_on"])
        c = campaign_send(actor=actor, campaign=c)
        with transaction.atomic():
            Campaign.objects.filter(pk=c.pk).update(send_on=date.today())
            campaign_deliver(campaign_id=c.pk, today=date.today())
            OutboundMail.objects.filter(kind=c.mail_kind).update(
                status=OutboundMail.Status.SENT, sent_at=timezone.now()
            )
        then = timezone.now() - timedelta(days=SENT_DAYS_AGO)
        Campaign.objects.filter(pk=c.pk).update(send_on=then.date(), sent_at=then)
        c.refresh_from_db()
        return c

    def _funnel(self, org, campaign: Campaign) -> None:
        """Visits and started applications through the campaign's link, and some of the
        department's applications since then carrying its marker."""
        day = campaign.send_on
        for kind, count in (
            (CounterKind.PAGE_VIEW, 46),
            (CounterKind.GUIDE_VIEW, 17),
            (CounterKind.APPLY_CLICK, 14),
            (CounterKind.APPLICATION, 9),
        ):
            ReachCounter.objects.update_or_create(
                organisation=org,
                day=day.replace(day=1) if kind == CounterKind.APPLICATION else day,
                kind=kind,
                detail="page" if kind in (CounterKind.APPLY_CLICK, CounterKind.APPLICATION) else "",
                campaign_id=campaign.marker_id,
                defaults={"count": count},
            )
        cases = Case.objects.filter(organisation=org, submitted_at__isnull=False)
        approved = list(cases.filter(status__in=APPROVED_STATUSES).order_by("-submitted_at")[:6])
        others = list(cases.exclude(status__in=APPROVED_STATUSES).order_by("-submitted_at")[:2])
        Case.objects.filter(pk__in=[c.pk for c in approved + others]).update(
            reach_marker=campaign.marker_id
        )

    def _silent_units(self, org) -> list[Unit]:
        """The five leaf units with the fewest applications in the last 12 months, each given
        a manager from its staff where the register named none."""
        since = timezone.now() - timedelta(days=365)
        leaves = (
            Unit.objects.filter(organisation=org, children__isnull=True)
            .annotate(n=Count("cases", filter=Q(cases__created_at__gte=since)))
            .order_by("n", "path")[:5]
        )
        units = list(leaves)
        for unit in units:
            if unit.manager_id is None:
                unit.manager = (
                    Employee.objects.filter(unit=unit, active=True)
                    .exclude(email="")
                    .order_by("pk")
                    .first()
                )
                unit.save(update_fields=["manager"])
        return units
