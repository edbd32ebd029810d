"""Reads of the events. Events are installation-wide; registrations are read only for the
actor's own organisation, except by the organiser. Evaluation results are published only
from MIN_ANSWERS answers, and free-text comments only to the organiser."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lom.accounts.models import User
from lom.common.bounds import DB_ID_MAX
from lom.events.models import Evaluation, Event, Participant, Registration
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role

MIN_ANSWERS = 5


def events_upcoming(*, now: datetime | None = None) -> QuerySet[Event]:
    now = now or timezone.now()
    return Event.objects.filter(ends_at__gte=now).order_by("starts_at", "id")


def events_past(*, now: datetime | None = None) -> QuerySet[Event]:
    now = now or timezone.now()
    return Event.objects.filter(ends_at__lt=now).order_by("-starts_at", "-id")


def event_get(*, pk: int) -> Event | None:
    if not 0 < pk <= DB_ID_MAX:  # an id no column holds is not found (not a 500)
        return None
    return Event.objects.filter(pk=pk).first()


def places_taken(*, events: list[Event]) -> dict[int, int]:  # tenant-scope: shared events
    """Persons with a confirmed place, per event, in one grouped query."""
    rows = (
        Registration.objects.filter(
            event__in=[e.pk for e in events], status=Registration.Status.CONFIRMED
        )
        .values("event_id")
        .annotate(n=Sum("persons"))
        .order_by()
    )
    out = {e.pk: 0 for e in events}
    out.update({r["event_id"]: r["n"] or 0 for r in rows})
    return out


def registration_for(*, actor: Actor, event: Event) -> Registration | None:
    return (
        Registration.objects.filter(event=event, organisation=actor.organisation)
        .exclude(status=Registration.Status.CANCELLED)
        .prefetch_related("participants__user")
        .first()
    )


def registrations_for_org(*, actor: Actor) -> dict[int, Registration]:
    return {
        r.event_id: r
        for r in Registration.objects.filter(organisation=actor.organisation).exclude(
            status=Registration.Status.CANCELLED
        )
    }


def waiting_position(*, registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITING:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id, status=Registration.Status.WAITING
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, id__lt=registration.pk)
        )
        .count()
        + 1
    )


def member_choices(*, actor: Actor) -> tuple[list[User], list[User]]:
    """(everyone in the organisation, its union representatives) for the registration form."""
    members = Membership.objects.filter(organisation=actor.organisation)
    users = list(
        User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )
    reps = set(members.filter(role=Role.UNION_REP).values_list("user_id", flat=True))
    return users, [u for u in users if u.pk in reps]


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    """For the organiser only (the view checks): every organisation's registration."""
    return (
        Registration.objects.filter(event=event)
        .select_related("organisation")
        .prefetch_related("participants__user")
        .order_by("status", "created_at", "id")
    )


@dataclass
class EventStats:
    organisations: int = 0
    persons_employer: int = 0
    persons_union: int = 0
    waiting_registrations: int = 0
    waiting_persons: int = 0
    answers: int = 0
    rating: float | None = None
    usefulness: float | None = None
    new_ideas_percent: float | None = None
    results_hidden: bool = False
    comments: list[str] = field(default_factory=list)

    @property
    def persons(self) -> int:
        return self.persons_employer + self.persons_union


def _evaluation_summary(stats: EventStats, evaluations: QuerySet[Evaluation], comments: bool):
    agg = evaluations.aggregate(
        n=Count("id"),
        r=Sum("rating"),
        u=Sum("usefulness"),
        i=Count("id", filter=Q(new_ideas=True)),
    )
    n = agg["n"] or 0
    stats.answers = n
    if 0 < n < MIN_ANSWERS:
        stats.results_hidden = True
        return
    if n:
        stats.rating = round(agg["r"] / n, 1)
        stats.usefulness = round(agg["u"] / n, 1)
        stats.new_ideas_percent = round(100 * agg["i"] / n, 1)
    if comments:
        texts = [t for t in evaluations.exclude(comment="").values_list("comment", flat=True)]
        random.Random(0).shuffle(texts)  # no order that follows who answered first
        stats.comments = texts


def _participation(stats: EventStats, registrations: QuerySet[Registration]) -> None:
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED)
    stats.organisations = confirmed.values("organisation_id").distinct().count()
    sides = dict(
        Participant.objects.filter(registration__in=confirmed)
        .values("side")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("side", "n")
    )
    stats.persons_employer = sides.get(Participant.Side.EMPLOYER, 0)
    stats.persons_union = sides.get(Participant.Side.UNION, 0)
    waiting = registrations.filter(status=Registration.Status.WAITING).aggregate(
        n=Count("id"), p=Sum("persons")
    )
    stats.waiting_registrations = waiting["n"] or 0
    stats.waiting_persons = waiting["p"] or 0


def event_statistics(  # tenant-scope: events are shared; counts and anonymous answers
    *, event: Event, with_comments: bool = False
) -> EventStats:
    stats = EventStats()
    _participation(stats, Registration.objects.filter(event=event))
    _evaluation_summary(stats, Evaluation.objects.filter(event=event), with_comments)
    return stats


@dataclass
class YearStats:
    year: int
    events: int
    by_kind: dict[str, int]
    totals: EventStats
    per_event: list[tuple[Event, EventStats]]


def year_statistics(  # tenant-scope: events are shared; counts and anonymous answers
    *, year: int, with_comments: bool = False
) -> YearStats:
    events = list(Event.objects.filter(starts_at__year=year, cancelled_at__isnull=True))
    per_event = [(e, event_statistics(event=e, with_comments=with_comments)) for e in events]
    totals = EventStats()
    _participation(totals, Registration.objects.filter(event__in=events))
    _evaluation_summary(totals, Evaluation.objects.filter(event__in=events), False)
    # Differencing: the year's figures minus those of the events shown would give the answers
    # of the hidden events. When those are 1-4, the year's results are hidden too.
    hidden = sum(s.answers for _e, s in per_event if s.results_hidden)
    if 0 < hidden < MIN_ANSWERS:
        totals.results_hidden = True
        totals.rating = totals.usefulness = totals.new_ideas_percent = None
    by_kind: dict[str, int] = {}
    for e in events:
        by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
    return YearStats(year, len(events), by_kind, totals, per_event)


def event_years() -> list[int]:
    years = {d.year for d in Event.objects.datetimes("starts_at", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
