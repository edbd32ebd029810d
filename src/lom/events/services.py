"""Every write of the events: the event and its programme (organiser), registrations with
their waiting list (organisations), evaluations (participants).

Capacity is guarded by locking the event row (`select_for_update`) in every write that
changes who has a place, so two registrations at the same instant cannot both take the last
places; the waiting list moves up inside the same lock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, NAME_MAX, TEXT_MAX
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.validation import require as _require
from lom.events.models import (
    MAX_CAPACITY,
    MAX_PARTICIPANTS,
    MAX_PROGRAMME_ITEMS,
    Evaluation,
    Event,
    Participant,
    ProgrammeItem,
    Registration,
)
from lom.events.notify import notify_promoted
from lom.events.permissions import (
    can_change_registration,
    can_evaluate,
    can_organise,
    can_register,
    evaluation_participant,
)
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role


@dataclass(frozen=True)
class EventInput:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registration_deadline: datetime
    place: str = ""
    online_url: str = ""
    description: str = ""


@dataclass(frozen=True)
class ProgrammeInput:
    starts_at: time
    title: str
    ends_at: time | None = None


def _aware(value: datetime) -> datetime:
    """A time without a zone (an API client's "2030-01-01T10:00") is local time."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _check_event(data: EventInput) -> EventInput:
    """The checked input, its times made time-zone aware."""
    data = replace(
        data,
        starts_at=_aware(data.starts_at),
        ends_at=_aware(data.ends_at),
        registration_deadline=_aware(data.registration_deadline),
    )
    if not data.title.strip():
        raise DomainError(_("Ange en rubrik."), field="title")
    for name, limit in (
        ("title", NAME_MAX),
        ("place", NAME_MAX),
        ("online_url", 200),
        ("description", TEXT_MAX),
    ):
        if len(getattr(data, name).strip()) > limit:
            raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": limit}, field=name)
    if data.online_url.strip():
        try:
            URLValidator(schemes=["http", "https"])(data.online_url.strip())
        except ValidationError as exc:
            raise DomainError(
                _("Ange en länk som börjar med https:// eller http://."), field="online_url"
            ) from exc
    if data.kind not in Event.Kind.values:
        raise DomainError(_("Välj typ av evenemang."), field="kind")
    if data.ends_at <= data.starts_at:
        raise DomainError(_("Evenemanget måste sluta efter att det börjat."), field="ends_at")
    if data.capacity < 1:
        raise DomainError(_("Ange minst en plats."), field="capacity")
    if data.capacity > MAX_CAPACITY:
        raise DomainError(_("Ange högst %(n)d platser.") % {"n": MAX_CAPACITY}, field="capacity")
    if data.registration_deadline > data.starts_at:
        raise DomainError(
            _("Sista anmälningsdag måste vara före evenemangets start."),
            field="registration_deadline",
        )
    if not data.place.strip() and not data.online_url.strip():
        raise DomainError(_("Ange en plats eller en länk."), field="place")
    return data


def _used(event: Event) -> int:
    return (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
            n=Sum("persons")
        )["n"]
        or 0
    )


def _promote(event: Event, actor_user) -> list[Registration]:
    """Move the waiting list up, strictly in order: the first waiting registration gets its
    places when they all fit; a later, smaller one does not jump the queue. Call with the
    event row locked."""

    free = event.capacity - _used(event)
    promoted = []
    for reg in Registration.objects.filter(event=event, status=Registration.Status.WAITING):
        if reg.persons > free:
            break
        reg.status = Registration.Status.CONFIRMED
        reg.confirmed_at = timezone.now()
        reg.save(update_fields=["status", "confirmed_at"])
        free -= reg.persons
        promoted.append(reg)
        audit(
            organisation_id=reg.organisation_id,
            actor=actor_user,
            action="event_registration_promoted",
            target=reg,
            after={"event": event.pk, "persons": reg.persons},
        )
        notify_promoted(reg)
    return promoted


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic(durable=True)
def event_save(
    *,
    actor: Actor,
    data: EventInput,
    event: Event | None = None,
    programme: list[ProgrammeInput] | None = None,
) -> Event:
    """Create or change an event and, when `programme` is given, replace its programme: one
    transaction, so a refused programme leaves no event saved (or changed) behind."""
    if not can_organise(actor):
        raise PermissionDeniedError(can_organise(actor).reason)
    data = _check_event(data)
    if programme is not None:
        _check_programme(programme)
    fields = {
        "title": data.title.strip(),
        "kind": data.kind,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "capacity": data.capacity,
        "registration_deadline": data.registration_deadline,
        "place": data.place.strip(),
        "online_url": data.online_url.strip(),
        "description": data.description.strip(),
    }
    if event is None:
        event = Event.objects.create(created_by=actor.user, **fields)
        action = "event_created"
    else:
        event = _lock(event)
        if event.cancelled_at is not None:
            raise ConflictError(_("Ett inställt evenemang kan inte ändras."), code="cancelled")
        for k, v in fields.items():
            setattr(event, k, v)
        if event.capacity < _used(event):
            raise DomainError(
                _("Fler personer är redan anmälda än det nya antalet platser."), field="capacity"
            )
        event.save()
        action = "event_changed"
        _promote(event, actor.user)
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action=action,
        target=event,
        after={"title": event.title, "capacity": event.capacity},
    )
    if programme is not None:
        _replace_programme(event, programme)
    return event


@transaction.atomic(durable=True)
def event_cancel(*, actor: Actor, event: Event) -> Event:
    if not can_organise(actor):
        raise PermissionDeniedError(can_organise(actor).reason)
    event = _lock(event)
    if event.cancelled_at is not None:
        raise ConflictError(_("Evenemanget är redan inställt."), code="cancelled")
    event.cancelled_at = timezone.now()
    event.save(update_fields=["cancelled_at", "updated_at"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="event_cancelled",
        target=event,
    )
    return event


def _check_programme(items: list[ProgrammeInput]) -> None:
    if len(items) > MAX_PROGRAMME_ITEMS:
        raise DomainError(
            _("Programmet kan ha högst %(n)d punkter.") % {"n": MAX_PROGRAMME_ITEMS},
            field="programme",
        )
    for i, item in enumerate(items):
        if not item.title.strip():
            raise DomainError(_("Varje programpunkt behöver en rubrik."), field="programme")
        if len(item.title.strip()) > NAME_MAX:
            raise DomainError(
                _("Programpunkt %(n)d: rubriken får vara högst %(m)d tecken.")
                % {"n": i + 1, "m": NAME_MAX},
                field="programme",
            )
        if item.ends_at is not None and item.ends_at <= item.starts_at:
            raise DomainError(
                _("Programpunkt %(n)d slutar innan den börjar.") % {"n": i + 1},
                field="programme",
            )


def _replace_programme(event: Event, items: list[ProgrammeInput]) -> None:
    ProgrammeItem.objects.filter(event=event).delete()
    ProgrammeItem.objects.bulk_create(
        [
            ProgrammeItem(
                event=event, starts_at=i.starts_at, ends_at=i.ends_at, title=i.title.strip()
            )
            for i in items
        ]
    )


@transaction.atomic(durable=True)
def event_set_programme(*, actor: Actor, event: Event, items: list[ProgrammeInput]) -> Event:
    if not can_organise(actor):
        raise PermissionDeniedError(can_organise(actor).reason)
    _check_programme(items)
    _replace_programme(event, items)
    return event


def _participants(actor: Actor, employer_ids: list[int], union_ids: list[int]) -> list[tuple]:
    """Validate the chosen people: members of the actor's organisation, union side holding a
    union representative's role there, nobody twice, at least one of each side."""
    employer_ids, union_ids = list(dict.fromkeys(employer_ids)), list(dict.fromkeys(union_ids))
    for name, ids in (("employer_participants", employer_ids), ("union_participants", union_ids)):
        if len(ids) > MAX_PARTICIPANTS:
            raise DomainError(
                _("Anmäl högst %(n)d personer per part.") % {"n": MAX_PARTICIPANTS}, field=name
            )
        if any(not 0 < i <= DB_ID_MAX for i in ids):
            raise DomainError(_("Välj deltagare bland organisationens användare."), field=name)
    if set(employer_ids) & set(union_ids):
        raise DomainError(_("En person kan bara delta för en part."), field="union_participants")
    if not employer_ids:
        raise DomainError(
            _("Anmäl minst en person från arbetsgivarsidan: parterna deltar tillsammans."),
            field="employer_participants",
        )
    if not union_ids:
        raise DomainError(
            _("Anmäl minst en facklig företrädare: parterna deltar tillsammans."),
            field="union_participants",
        )
    members = Membership.objects.filter(organisation=actor.organisation)
    member_ids = set(members.values_list("user_id", flat=True))
    reps = set(members.filter(role=Role.UNION_REP).values_list("user_id", flat=True))
    if not set(employer_ids) <= member_ids:
        raise DomainError(
            _("Välj deltagare bland organisationens användare."), field="employer_participants"
        )
    if not set(union_ids) <= reps:
        raise DomainError(
            _("Den fackliga sidan väljs bland organisationens fackliga företrädare."),
            field="union_participants",
        )
    return [(u, Participant.Side.EMPLOYER) for u in employer_ids] + [
        (u, Participant.Side.UNION) for u in union_ids
    ]


@transaction.atomic(durable=True)
def registration_save(
    *, actor: Actor, event: Event, employer_ids: list[int], union_ids: list[int]
) -> tuple[Registration, bool]:
    """Register the actor's organisation for the event, or change the participants of its
    active registration: (the registration, whether it was created). The one write behind the
    registration form and `PUT .../registration`."""
    current = (
        Registration.objects.filter(event=event, organisation=actor.organisation)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if current is None:
        return _registration_create(actor, event, employer_ids, union_ids), True
    return _registration_update(actor, current, employer_ids, union_ids), False


@transaction.atomic(durable=True)
def registration_create(
    *, actor: Actor, event: Event, employer_ids: list[int], union_ids: list[int]
) -> Registration:
    return _registration_create(actor, event, employer_ids, union_ids)


def _registration_create(
    actor: Actor, event: Event, employer_ids: list[int], union_ids: list[int]
) -> Registration:
    _require(can_register(actor, event))
    people = _participants(actor, employer_ids, union_ids)
    event = _lock(event)
    if (
        Registration.objects.filter(event=event, organisation=actor.organisation)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    ):
        raise DomainError(_("Organisationen är redan anmäld till evenemanget."), code="duplicate")
    free = event.capacity - _used(event)
    queue = Registration.objects.filter(event=event, status=Registration.Status.WAITING).exists()
    fits = len(people) <= free and not queue
    now = timezone.now()
    try:
        with transaction.atomic():
            reg = Registration.objects.create(
                event=event,
                organisation=actor.organisation,
                status=Registration.Status.CONFIRMED if fits else Registration.Status.WAITING,
                persons=len(people),
                registered_by=actor.user,
                confirmed_at=now if fits else None,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Organisationen är redan anmäld till evenemanget."), code="duplicate"
        ) from exc
    Participant.objects.bulk_create(
        [Participant(registration=reg, user_id=u, side=side) for u, side in people]
    )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="event_registered",
        target=reg,
        after={"event": event.pk, "status": reg.status, "persons": reg.persons},
    )
    return reg


@transaction.atomic(durable=True)
def registration_update(
    *, actor: Actor, registration: Registration, employer_ids: list[int], union_ids: list[int]
) -> Registration:
    return _registration_update(actor, registration, employer_ids, union_ids)


def _registration_update(
    actor: Actor, registration: Registration, employer_ids: list[int], union_ids: list[int]
) -> Registration:
    _require(can_change_registration(actor, registration))
    people = _participants(actor, employer_ids, union_ids)
    event = _lock(registration.event)
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    # Checked again under the lock: a registration cancelled meanwhile is not changed.
    _require(can_change_registration(actor, reg))
    if reg.status == Registration.Status.CONFIRMED:
        free = event.capacity - _used(event) + reg.persons
        if len(people) > free:
            raise DomainError(
                _("Det finns inte plats för så många. Lediga platser för er: %(n)d.") % {"n": free},
                field="employer_participants",
            )
    before = reg.persons
    reg.persons = len(people)
    reg.save(update_fields=["persons"])
    Participant.objects.filter(registration=reg).delete()
    Participant.objects.bulk_create(
        [Participant(registration=reg, user_id=u, side=side) for u, side in people]
    )
    _promote(event, actor.user)
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="event_registration_changed",
        target=reg,
        before={"persons": before},
        after={"persons": reg.persons},
    )
    reg.refresh_from_db()
    return reg


@transaction.atomic(durable=True)
def registration_cancel(*, actor: Actor, registration: Registration) -> Registration:
    _require(can_change_registration(actor, registration))
    event = _lock(registration.event)
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    if reg.status == Registration.Status.CANCELLED:
        return reg
    reg.status = Registration.Status.CANCELLED
    reg.cancelled_at = timezone.now()
    reg.save(update_fields=["status", "cancelled_at"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="event_registration_cancelled",
        target=reg,
    )
    _promote(event, actor.user)
    return reg


@dataclass(frozen=True)
class EvaluationInput:
    rating: int
    usefulness: int
    new_ideas: bool
    comment: str = ""


@transaction.atomic(durable=True)
def evaluation_submit(*, actor: Actor, event: Event, data: EvaluationInput) -> None:
    """Store the answer without any link to the participant; the participant is only marked
    as having answered (conditionally, so a double submit stores one answer)."""
    _require(can_evaluate(actor, event))
    for name in ("rating", "usefulness"):
        if not 1 <= getattr(data, name) <= 5:
            raise DomainError(_("Välj ett värde från 1 till 5."), field=name)
    if len(data.comment.strip()) > COMMENT_MAX:
        raise DomainError(
            _("Texten får vara högst %(n)d tecken.") % {"n": COMMENT_MAX}, field="comment"
        )
    participant = evaluation_participant(actor, event)
    assert participant is not None
    if not Participant.objects.filter(pk=participant.pk, evaluated=False).update(evaluated=True):
        raise DomainError(_("Du har redan lämnat din utvärdering. Tack!"), code="duplicate")
    Evaluation.objects.create(
        event=event,
        rating=data.rating,
        usefulness=data.usefulness,
        new_ideas=data.new_ideas,
        comment=data.comment.strip(),
        submitted_on=timezone.localdate(),
    )
