"""Campaigns: save a draft, send it (scheduled for its send date), cancel it, and the task
queue's delivery in batches: an in-app notice and a mail (through the outbox) to every
reachable employee of the group, skipping those who opted out. Every action is audited."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.funds.models import FundPeriod
from lom.levers.models import (
    BODY_MAX,
    MAX_EFFECT_KR,
    MIN_AUDIENCE,
    SUBJECT_MAX,
    TITLE_MAX,
    Campaign,
    Dimension,
    Kind,
    Landing,
    Lever,
    Status,
)
from lom.levers.selectors.campaigns import (
    audience_count,
    audience_filter,
)
from lom.levers.selectors.preview import campaign_preview
from lom.levers.services.delivery import deliver_campaign_task
from lom.levers.services.transition import campaign_transition
from lom.library.models import LibraryEntry
from lom.organisations.access import Actor
from lom.outreach.models import Campaign as OutreachCampaign
from lom.outreach.models import PublishStatus
from lom.outreach.selectors import bump_public_cache

# How long the marker stays published after the send date: the link keeps counting.
MARKER_DAYS = 90
MAX_DAYS_AHEAD = 366


@dataclass
class CampaignInput:
    title: str
    subject: str
    body: str
    send_on: date
    kind: str = Kind.EMPLOYEES
    dimension: str = Dimension.ALL
    value: str = ""
    lever: str = ""
    period_id: int | None = None
    measure_id: int | None = None
    by_email: bool = True
    by_notice: bool = True
    landing: str = Landing.PAGE
    expected_effect_kr: int | None = None


def _require_sender(actor: Actor) -> None:
    if not actor.has("coordinator", "org_admin"):
        raise PermissionDeniedError(
            _("Bara samordnare och administratörer kan skapa och skicka kampanjer.")
        )


def _text(value: str | None, *, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(_("Fyll i fältet."), field=field)
    if len(text) > max_length:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": max_length}, field=field)
    return text


def _choice(value: str, choices, *, field: str, blank: bool = False) -> str:
    if (blank and value == "") or value in choices.values:
        return value
    raise DomainError(_("Okänt värde."), field=field)


def _snapshot(c: Campaign) -> dict:
    return {
        "title": c.title,
        "kind": c.kind,
        "lever": c.lever,
        "dimension": c.dimension,
        "value": c.value,
        "send_on": c.send_on.isoformat() if c.send_on else None,
        "by_email": c.by_email,
        "by_notice": c.by_notice,
        "landing": c.landing,
        "expected_effect_kr": c.expected_effect_kr,
        "status": c.status,
    }


def check_audience(*, organisation, dimension: str, value: str) -> int:  # pure: reads, refuses
    """The number the campaign would reach; a DomainError naming the field when the group is
    not valid or has fewer than MIN_AUDIENCE people."""
    if audience_filter(organisation=organisation, dimension=dimension, value=value) is None:
        raise DomainError(_("Välj en grupp som finns i organisationen."), field="value")
    n = audience_count(organisation=organisation, dimension=dimension, value=value)
    if n < MIN_AUDIENCE:
        raise DomainError(
            _(
                "Gruppen är för liten: en kampanj når alltid minst %(min)s personer, så att "
                "ingen enskild pekas ut. Välj en större grupp."
            )
            % {"min": MIN_AUDIENCE},
            field="value",
        )
    return n


def _apply(actor: Actor, c: Campaign, data: CampaignInput) -> None:
    org = actor.organisation
    c.title = _text(data.title, field="title", max_length=TITLE_MAX)
    c.subject = _text(data.subject, field="subject", max_length=SUBJECT_MAX)
    c.body = _text(data.body, field="body", max_length=BODY_MAX)
    c.kind = _choice(data.kind, Kind, field="kind")
    c.dimension = _choice(data.dimension, Dimension, field="dimension")
    c.lever = _choice(data.lever or "", Lever, field="lever", blank=True)
    c.landing = _choice(data.landing, Landing, field="landing")
    if c.kind == Kind.NUDGE and c.dimension != Dimension.MANAGERS:
        raise DomainError(_("En påminnelse går till chefer."), field="dimension")
    c.value = (data.value or "").strip()[:200]
    if not (data.by_email or data.by_notice):
        raise DomainError(_("Välj minst en kanal."), field="by_email")
    c.by_email, c.by_notice = bool(data.by_email), bool(data.by_notice)
    today = timezone.localdate()
    if data.send_on is None or data.send_on < today:
        raise DomainError(_("Välj en dag i dag eller senare."), field="send_on")
    if data.send_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("Välj en dag inom ett år."), field="send_on")
    c.send_on = data.send_on
    effect = data.expected_effect_kr
    if effect is not None and not 0 <= effect <= MAX_EFFECT_KR:
        raise DomainError(_("Ange ett belopp i kronor."), field="expected_effect_kr")
    c.expected_effect_kr = effect
    c.period = (
        FundPeriod.objects.filter(organisation=org, pk=data.period_id).first()
        if data.period_id
        else None
    )
    if data.period_id and c.period is None:
        raise DomainError(_("Fondperioden finns inte."), field="period")
    c.measure = (
        LibraryEntry.objects.filter(pk=data.measure_id, status="published").first()
        if data.measure_id
        else None
    )
    check_audience(organisation=org, dimension=c.dimension, value=c.value)


@transaction.atomic(durable=True)
def campaign_save(
    *, actor: Actor, data: CampaignInput, campaign: Campaign | None = None
) -> Campaign:
    """A new draft, or a change to a draft."""
    _require_sender(actor)
    if campaign is not None:
        # The row as it is now, locked: a send or a delivery that committed meanwhile must not
        # be written back over as a draft.
        campaign = (
            Campaign.objects.select_for_update()
            .filter(pk=campaign.pk, organisation=actor.organisation)
            .first()
        )
        if campaign is None or campaign.status != Status.DRAFT:
            raise DomainError(_("Bara ett utkast kan ändras."), field="status")
    c = campaign or Campaign(organisation=actor.organisation, created_by=actor.user)
    before = _snapshot(c) if campaign else {}
    _apply(actor, c, data)
    c.save()
    audit(
        organisation_id=c.organisation_id,
        actor=actor.user,
        action="levers.campaign_save",
        target=c,
        before=before,
        after=_snapshot(c),
    )
    return c


def _marker(c: Campaign, actor: Actor) -> OutreachCampaign:
    """The outreach campaign whose id the links carry, published for the campaign's dates so
    the public page and the guide count its visits and started applications; a marker only,
    never the public page's theme."""
    return OutreachCampaign.objects.create(
        organisation_id=c.organisation_id,
        title=c.subject[:160],
        text=c.body,
        starts_on=c.send_on,
        ends_on=c.send_on + timedelta(days=MARKER_DAYS),
        status=PublishStatus.PUBLISHED,
        is_marker=True,
        created_by=actor.user,
    )


@transaction.atomic(durable=True)
def campaign_send(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Schedule the campaign: the task queue delivers it on its send date (at once when that is
    today). The forecast of unused money is kept as it is now, with the expected effect."""
    _require_sender(actor)
    c = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if c.organisation_id != actor.organisation.pk:
        raise DomainError(_("Kampanjen tillhör en annan organisation."), field="campaign")
    if c.send_on < timezone.localdate():
        raise DomainError(_("Välj en dag i dag eller senare."), field="send_on")
    check_audience(organisation=c.organisation, dimension=c.dimension, value=c.value)
    if c.kind == Kind.EMPLOYEES and c.marker_id is None:
        c.marker = _marker(c, actor)
        org_id = c.organisation_id
        transaction.on_commit(lambda: bump_public_cache(org_id))
    preview = campaign_preview(
        organisation=c.organisation, period=c.period, dimension=c.dimension, value=c.value
    )
    if preview.what_if is not None:
        c.forecast_unused_at_send_kr = preview.what_if.unused_now_kr
        c.forecast_unused_expected_kr = preview.what_if.unused_after_kr
    campaign_transition(campaign=c, name="send", actor=actor)
    if c.send_on <= timezone.localdate():
        pk = c.pk
        transaction.on_commit(lambda: deliver_campaign_task.enqueue(pk))
    return c


@transaction.atomic(durable=True)
def campaign_cancel(*, actor: Actor, campaign: Campaign) -> Campaign:
    _require_sender(actor)
    c = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if c.organisation_id != actor.organisation.pk:
        raise DomainError(_("Kampanjen tillhör en annan organisation."), field="campaign")
    if c.marker_id and c.recipients == 0:
        OutreachCampaign.objects.filter(pk=c.marker_id).update(status=PublishStatus.DRAFT)
        org_id = c.organisation_id
        transaction.on_commit(lambda: bump_public_cache(org_id))
    return campaign_transition(campaign=c, name="cancel", actor=actor)
