"""Events API, mounted at /api/v1/events by lom.api.api. Events are installation-wide;
registrations are the caller's own organisation's; statistics are the organiser's."""

from datetime import date, datetime, time
from typing import Annotated

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status

from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, NAME_MAX, TEXT_MAX
from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import (
    DEFAULT_LIMIT,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    Moment,
    Page,
    inline_choices,
)
from lom.events import selectors, services
from lom.events.exports import XLSX_TYPE, year_workbook_response
from lom.events.models import (
    MAX_CAPACITY,
    MAX_PARTICIPANTS,
    MAX_PROGRAMME_ITEMS,
    Event,
    Registration,
)
from lom.events.permissions import can_organise

router = Router(tags=["events"])


EventKind = Annotated[Event.Kind, inline_choices(Event.Kind)]


class ProgrammeOut(Schema):
    starts_at: str
    ends_at: str | None
    title: str


class EventOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int
    free_places: int
    registration_deadline: datetime
    cancelled: bool
    programme: list[ProgrammeOut]


class EventParticipantOut(Schema):
    user_id: int
    name: str
    side: str


class RegistrationOut(Schema):
    id: int
    event_id: int
    status: str
    persons: int
    waiting_position: int | None
    participants: list[EventParticipantOut]


UserId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


class RegistrationIn(Schema):
    employer_user_ids: list[UserId] = Field(max_length=MAX_PARTICIPANTS)
    union_user_ids: list[UserId] = Field(max_length=MAX_PARTICIPANTS)


class EvaluationIn(Schema):
    rating: int = Field(ge=1, le=5)
    usefulness: int = Field(ge=1, le=5)
    new_ideas: bool
    comment: str = Field("", max_length=COMMENT_MAX)


class EvaluationOut(Schema):
    detail: str
    at: date


class ProgrammeIn(Schema):
    starts_at: time
    ends_at: time | None = None
    title: str = Field(min_length=1, max_length=NAME_MAX)


class EventIn(Schema):
    title: str = Field(min_length=1, max_length=NAME_MAX)
    kind: EventKind
    starts_at: Moment
    ends_at: Moment
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    registration_deadline: Moment
    place: str = Field("", max_length=NAME_MAX)
    online_url: str = Field("", max_length=200)
    description: str = Field("", max_length=TEXT_MAX)
    programme: list[ProgrammeIn] | None = Field(None, max_length=MAX_PROGRAMME_ITEMS)


class StatsOut(Schema):
    organisations: int
    persons_employer: int
    persons_union: int
    waiting_registrations: int
    waiting_persons: int
    answers: int
    rating: float | None
    usefulness: float | None
    new_ideas_percent: float | None
    results_hidden: bool
    comments: list[str]


class YearStatsOut(Schema):
    year: int
    events: int
    by_kind: dict[str, int]
    totals: StatsOut


def _event(pk: int) -> Event:
    event = selectors.event_get(pk=pk)
    if event is None:
        raise Http404
    return event


def _event_out(event: Event, taken: int) -> dict:
    return {
        **{
            f: getattr(event, f)
            for f in (
                "id",
                "title",
                "kind",
                "description",
                "starts_at",
                "ends_at",
                "place",
                "online_url",
                "capacity",
                "registration_deadline",
            )
        },
        "free_places": max(event.capacity - taken, 0),
        "cancelled": event.cancelled_at is not None,
        "programme": [
            {
                "starts_at": f"{p.starts_at:%H:%M}",
                "ends_at": f"{p.ends_at:%H:%M}" if p.ends_at else None,
                "title": p.title,
            }
            for p in event.programme.all()
        ],
    }


def _registration_out(reg: Registration) -> dict:
    return {
        "id": reg.pk,
        "event_id": reg.event_id,
        "status": reg.status,
        "persons": reg.persons,
        "waiting_position": selectors.waiting_position(registration=reg),
        "participants": [
            {
                "user_id": p.user_id,
                "name": p.user.get_full_name() or p.user.username,
                "side": p.side,
            }
            for p in reg.participants.select_related("user")
        ],
    }


def _stats_out(s) -> dict:
    return {**s.__dict__}


@router.get("/", response=Page[EventOut], summary="List upcoming (or past) events")
def list_events(
    request,
    past: bool = False,
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """Upcoming events, soonest first; with `past=true` past events, latest first."""
    if past:
        qs, order = selectors.events_past(), ("-starts_at", "-id")
    else:
        qs, order = selectors.events_upcoming(), ("starts_at", "id")
    events, nxt = keyset_page(
        qs.prefetch_related("programme"), cursor=cursor, limit=limit, order=order
    )
    taken = selectors.places_taken(events=events)
    return {"items": [_event_out(e, taken[e.pk]) for e in events], "next_cursor": nxt}


def _save(request, payload: EventIn, event: Event | None) -> Event:
    data = payload.dict()
    programme = data.pop("programme")
    return services.event_save(
        actor=request.api_actor,
        data=services.EventInput(**data),
        event=event,
        programme=None
        if programme is None
        else [services.ProgrammeInput(**item) for item in programme],
    )


@router.post("/", response={201: EventOut, 400: ErrorOut, 403: ErrorOut}, summary="Create an event")
def create_event(request, payload: EventIn):
    """Create an event, with its programme when `programme` is given (one transaction)."""
    return Status(201, _event_out(_save(request, payload, None), 0))


Year = Annotated[int, Path(ge=2000, le=2100)]


@router.get(
    "/statistics/{year}.xlsx",
    response={403: ErrorOut, 404: ErrorOut},
    summary="Statistics of a year's events as an Excel workbook",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The workbook.",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def year_statistics_xlsx(request, year: Year) -> HttpResponse:
    if not can_organise(request.api_actor):
        raise PermissionDeniedError(can_organise(request.api_actor).reason)
    if year not in selectors.event_years():
        raise Http404
    return year_workbook_response(year=year)


@router.get(
    "/statistics/{year}",
    response={200: YearStatsOut, 403: ErrorOut, 404: ErrorOut},
    summary="Statistics of a year's events",
)
def year_statistics(request, year: Year):
    if not can_organise(request.api_actor):
        raise PermissionDeniedError(can_organise(request.api_actor).reason)
    if year not in selectors.event_years():
        raise Http404
    s = selectors.year_statistics(year=year)
    return {
        "year": s.year,
        "events": s.events,
        "by_kind": s.by_kind,
        "totals": _stats_out(s.totals),
    }


def _one(event: Event) -> dict:
    return _event_out(event, selectors.places_taken(events=[event])[event.pk])


@router.get("/{event_id}", response={200: EventOut, 404: ErrorOut}, summary="Read an event")
def get_event(request, event_id: Id):
    return _one(_event(event_id))


@router.put(
    "/{event_id}",
    response={200: EventOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Change an event",
)
def put_event(request, event_id: Id, payload: EventIn):
    """Change an event; with `programme` its programme is replaced too (one transaction).
    A cancelled event is not changed (409)."""
    return _one(_save(request, payload, _event(event_id)))


@router.post(
    "/{event_id}/cancel",
    response={200: EventOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Cancel an event",
)
def cancel_event(request, event_id: Id):
    """Cancel an event; an event already cancelled answers 409."""
    return _one(services.event_cancel(actor=request.api_actor, event=_event(event_id)))


@router.get(
    "/{event_id}/registration",
    response={200: RegistrationOut, 404: ErrorOut},
    summary="The caller's organisation's registration",
)
def get_registration(request, event_id: Id):
    reg = selectors.registration_for(actor=request.api_actor, event=_event(event_id))
    if reg is None:
        raise Http404
    return _registration_out(reg)


@router.put(
    "/{event_id}/registration",
    response={
        200: RegistrationOut,
        201: RegistrationOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    summary="Register the organisation or change its participants",
)
def put_registration(request, event_id: Id, payload: RegistrationIn):
    """Register the caller's organisation, or change its participants. A registration that
    does not fit goes on the waiting list (status `waiting`)."""
    reg, created = services.registration_save(
        actor=request.api_actor,
        event=_event(event_id),
        employer_ids=payload.employer_user_ids,
        union_ids=payload.union_user_ids,
    )
    return Status(201 if created else 200, _registration_out(reg))


@router.delete(
    "/{event_id}/registration",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut},
    summary="Cancel the organisation's registration",
)
def delete_registration(request, event_id: Id):
    actor = request.api_actor
    reg = selectors.registration_for(actor=actor, event=_event(event_id))
    if reg is None:
        raise Http404
    return _registration_out(services.registration_cancel(actor=actor, registration=reg))


@router.post(
    "/{event_id}/evaluation",
    response={201: EvaluationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Evaluate an event (anonymously)",
)
def post_evaluation(request, event_id: Id, payload: EvaluationIn):
    services.evaluation_submit(
        actor=request.api_actor,
        event=_event(event_id),
        data=services.EvaluationInput(**payload.dict()),
    )
    return Status(201, {"detail": "Thank you.", "at": timezone.localdate().isoformat()})


@router.get(
    "/{event_id}/statistics",
    response={200: StatsOut, 403: ErrorOut, 404: ErrorOut},
    summary="Statistics of an event",
)
def event_statistics(request, event_id: Id):
    event = _event(event_id)
    if not can_organise(request.api_actor):
        raise PermissionDeniedError(can_organise(request.api_actor).reason)
    return _stats_out(selectors.event_statistics(event=event, with_comments=True))
