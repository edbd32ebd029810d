"""Every read of the outreach app. Public reads take an organisation found by its slug and
return only what the public page may show; staff reads take the actor and are scoped to the
actor's organisation."""

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from lom.agreements.models import LocalAgreement, MeasureType
from lom.agreements.selectors import agreement_current
from lom.common.bounds import DB_ID_MAX
from lom.decisions.models import ApplicationRound
from lom.library.selectors import library_examples
from lom.organisations.access import Actor
from lom.organisations.models import Organisation
from lom.outreach.models import (
    Campaign,
    ContactPerson,
    CounterKind,
    NewsItem,
    PublishStatus,
    ReachCounter,
)

PUBLIC_CACHE_SECONDS = 60
EXAMPLES_CACHE_SECONDS = 60


# --- The public page ------------------------------------------------------------------------


def public_organisation(*, slug: str) -> Organisation | None:
    """The organisation whose public page `slug` names. A fund has no employees to reach."""
    if not slug or len(slug) > 50:
        return None
    return Organisation.objects.filter(slug=slug).exclude(kind=Organisation.Kind.FUND).first()


def news_current(*, organisation: Organisation, today: date) -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(
        organisation=organisation,
        status=PublishStatus.PUBLISHED,
        publish_from__lte=today,
    ).filter(Q(publish_to__isnull=True) | Q(publish_to__gte=today))


def campaign_current(*, organisation: Organisation, today: date) -> Campaign | None:
    """The running campaign (the one that started last when periods overlap); a message's
    marker is never the page's theme."""
    return (
        Campaign.objects.filter(
            organisation=organisation,
            status=PublishStatus.PUBLISHED,
            is_marker=False,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .prefetch_related("measure_types")
        .order_by("-starts_on", "-id")
        .first()
    )


def public_contacts(*, organisation: Organisation) -> list[ContactPerson]:
    return list(ContactPerson.objects.filter(organisation=organisation).select_related("union"))


def rounds_open_or_coming(*, organisation: Organisation, today: date) -> list[ApplicationRound]:
    """Application rounds an employee can apply in now or soon: title and dates only."""
    return list(
        ApplicationRound.objects.filter(
            organisation=organisation,
            status=ApplicationRound.Status.OPEN,
            closes_on__gte=today,
        )
        .only("id", "title", "opens_on", "closes_on", "organisation_id")
        .order_by("opens_on", "id")[:5]
    )


@dataclass(frozen=True)
class Example:
    """A library entry reduced to what the public page shows (plain values: cacheable)."""

    title: str
    summary: str
    measure_type_names: tuple[str, ...]
    cost_per_participant_ore: int | None
    participants_band: str
    outcome_label: str
    url: str


def library_examples_for(*, measure_type_codes: list[str], limit: int = 3) -> list[Example]:
    """Examples from the installation's measure library (none while nothing fitting is
    published). Cached: the library changes slowly and the public page must be fast."""
    codes = sorted(set(measure_type_codes))
    key = "outreach:examples:" + ",".join(codes) + f":{limit}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    out = []
    for e in library_examples(measure_type_codes=codes, limit=limit):
        out.append(
            Example(
                title=str(e.title),
                summary=str(e.summary),
                measure_type_names=tuple(str(n) for n in (e.measure_type_names or ())),
                cost_per_participant_ore=e.cost_per_participant_ore,
                participants_band=str(
                    e.get_participants_band_display()
                    if hasattr(e, "get_participants_band_display")
                    else e.participants_band or ""
                ),
                outcome_label=str(e.outcome_label or ""),
                url=e.get_absolute_url(),
            )
        )
    cache.set(key, out, EXAMPLES_CACHE_SECONDS)
    return out


@dataclass
class PublicPage:
    organisation: Organisation
    agreement: LocalAgreement | None
    measure_types: list[MeasureType]
    contacts: list[ContactPerson]
    union_contacts: list[ContactPerson]
    news: list[NewsItem]
    campaign: Campaign | None
    campaign_measure_types: list[MeasureType]
    rounds: list[ApplicationRound]
    examples: list[Example]
    published_campaign_ids: frozenset[int] = field(default_factory=frozenset)


def _version(organisation_id: int) -> int:
    return cache.get(f"outreach:v:{organisation_id}", 0)


def bump_public_cache(organisation_id: int) -> None:
    """Called after a write that changes what the public page shows."""
    key = f"outreach:v:{organisation_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def public_page(*, organisation: Organisation, today: date) -> PublicPage:
    """Everything the public page shows, cached for a short while per organisation and day.
    Writes in this app bump the cache version; agreement and round changes show within
    PUBLIC_CACHE_SECONDS."""
    key = f"outreach:page:{organisation.pk}:{_version(organisation.pk)}:{today.isoformat()}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    agreement = agreement_current(organisation=organisation, on=today)
    measure_types = list(agreement.measure_types.all()) if agreement else []
    contacts = public_contacts(organisation=organisation)
    campaign = campaign_current(organisation=organisation, today=today)
    campaign_types = list(campaign.measure_types.all()) if campaign else []
    allowed = {m.code for m in measure_types}
    highlight = [m.code for m in campaign_types if m.code in allowed]
    page = PublicPage(
        organisation=organisation,
        agreement=agreement,
        measure_types=measure_types,
        contacts=[c for c in contacts if not c.is_union_contact],
        union_contacts=[c for c in contacts if c.is_union_contact],
        news=list(news_current(organisation=organisation, today=today)[:5]),
        campaign=campaign,
        campaign_measure_types=campaign_types,
        rounds=rounds_open_or_coming(organisation=organisation, today=today),
        examples=library_examples_for(measure_type_codes=highlight or sorted(allowed), limit=3)
        if allowed
        else [],
        published_campaign_ids=frozenset(
            Campaign.objects.filter(
                organisation=organisation, status=PublishStatus.PUBLISHED
            ).values_list("pk", flat=True)
        ),
    )
    cache.set(key, page, PUBLIC_CACHE_SECONDS)
    return page


# --- Staff reads ----------------------------------------------------------------------------


def contacts_for(*, actor: Actor) -> QuerySet[ContactPerson]:
    return ContactPerson.objects.filter(organisation=actor.organisation).select_related("union")


def contact_get(*, actor: Actor, pk: int) -> ContactPerson | None:
    if not 0 < pk <= DB_ID_MAX:  # an id no column holds is not found (not a 500)
        return None
    return contacts_for(actor=actor).filter(pk=pk).first()


def news_for(*, actor: Actor) -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(organisation=actor.organisation)


def news_get(*, actor: Actor, pk: int) -> NewsItem | None:
    if not 0 < pk <= DB_ID_MAX:  # an id no column holds is not found (not a 500)
        return None
    return news_for(actor=actor).filter(pk=pk).first()


def campaigns_for(*, actor: Actor) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation=actor.organisation).prefetch_related(
        "measure_types"
    )


def campaign_get(*, actor: Actor, pk: int) -> Campaign | None:
    if not 0 < pk <= DB_ID_MAX:  # an id no column holds is not found (not a 500)
        return None
    return campaigns_for(actor=actor).filter(pk=pk).first()


KINDS = [k.value for k in CounterKind]


@dataclass
class MonthRow:
    month: int
    counts: dict[str, int]

    @property
    def month_name(self) -> str:
        from django.utils.dates import MONTHS

        return str(MONTHS[self.month]).capitalize()

    @property
    def values(self) -> list[int]:
        return [self.counts[k] for k in KINDS]

    @property
    def visits(self) -> int:
        return self.counts[CounterKind.PAGE_VIEW] + self.counts[CounterKind.GUIDE_VIEW]


@dataclass
class CampaignRow:
    campaign: Campaign
    visits_during: int
    arrivals: int
    apply_clicks: int
    applications: int


@dataclass
class ReachStats:
    year: int
    months: list[MonthRow]
    totals: dict[str, int]
    campaigns: list[CampaignRow]
    answers: dict[str, int]

    @property
    def total_values(self) -> list[int]:
        return [self.totals[k] for k in KINDS]


def reach_stats(*, organisation: Organisation, year: int) -> ReachStats:
    """Visits, guide use, click-throughs and applications per month of `year`, per campaign,
    and how often each answer of the guide was chosen. Four queries."""
    rows = (
        ReachCounter.objects.filter(organisation=organisation, day__year=year)
        .filter(Q(detail="") | Q(kind__in=[CounterKind.APPLY_CLICK, CounterKind.APPLICATION]))
        .annotate(m=ExtractMonth("day"))
        .values("m", "kind")
        .annotate(n=Sum("count"))
    )
    months = {m: {k: 0 for k in KINDS} for m in range(1, 13)}
    for r in rows:
        months[r["m"]][r["kind"]] += r["n"] or 0
    totals = {k: sum(months[m][k] for m in months) for k in KINDS}

    answers = {
        r["detail"]: r["n"] or 0
        for r in ReachCounter.objects.filter(
            organisation=organisation, day__year=year, kind=CounterKind.GUIDE_RESULT
        )
        .exclude(detail="")
        .values("detail")
        .annotate(n=Sum("count"))
    }

    campaigns = list(
        Campaign.objects.filter(organisation=organisation).filter(
            Q(starts_on__year=year) | Q(ends_on__year=year)
        )
    )
    per_campaign: dict[int, dict[str, int]] = {c.pk: {k: 0 for k in KINDS} for c in campaigns}
    for cr in (
        ReachCounter.objects.filter(organisation=organisation, campaign__in=campaigns)
        .filter(Q(detail="") | Q(kind__in=[CounterKind.APPLY_CLICK, CounterKind.APPLICATION]))
        .values("campaign_id", "kind")
        .annotate(n=Sum("count"))
    ):
        per_campaign[cr["campaign_id"]][cr["kind"]] += cr["n"] or 0
    crow = []
    for c in campaigns:
        during = ReachCounter.objects.filter(
            organisation=organisation,
            kind__in=[CounterKind.PAGE_VIEW, CounterKind.GUIDE_VIEW],
            detail="",
            day__gte=c.starts_on,
            day__lte=c.ends_on,
        ).aggregate(n=Sum("count"))["n"]
        pc = per_campaign[c.pk]
        crow.append(
            CampaignRow(
                campaign=c,
                visits_during=during or 0,
                arrivals=pc[CounterKind.PAGE_VIEW] + pc[CounterKind.GUIDE_VIEW],
                apply_clicks=pc[CounterKind.APPLY_CLICK],
                applications=pc[CounterKind.APPLICATION],
            )
        )
    return ReachStats(
        year=year,
        months=[MonthRow(month=m, counts=months[m]) for m in range(1, 13)],
        totals=totals,
        campaigns=crow,
        answers=answers,
    )
