from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, add_domain_error, form_status, run_form
from lom.events import selectors, services
from lom.events.exports import year_workbook_response
from lom.events.forms import EvaluationForm, EventForm, RegistrationForm, programme_text
from lom.events.models import Event
from lom.events.permissions import (
    can_change_registration,
    can_evaluate,
    can_organise,
    can_register,
)


def _event(pk: int) -> Event:
    event = selectors.event_get(pk=pk)
    if event is None:
        raise Http404
    return event


def _organiser(actor) -> None:
    verdict = can_organise(actor)
    if not verdict:
        raise PermissionDenied(verdict.reason)


@api_counterpart("GET /events/")
@actor_view()
def event_list_view(request, actor):
    upcoming = list(selectors.events_upcoming())
    past = list(selectors.events_past()[:20])
    taken = selectors.places_taken(events=upcoming)
    mine = selectors.registrations_for_org(actor=actor)
    rows = [
        {
            "event": e,
            "free": max(e.capacity - taken.get(e.pk, 0), 0),
            "registration": mine.get(e.pk),
        }
        for e in upcoming
    ]
    return render(
        request,
        "events/list.html",
        {
            "rows": rows,
            "past": [{"event": e, "registration": mine.get(e.pk)} for e in past],
            "organiser": bool(can_organise(actor)),
        },
    )


@api_counterpart("GET /events/{event_id}", "GET /events/{event_id}/registration")
@actor_view()
def event_detail_view(request, actor, pk):
    event = _event(pk)
    registration = selectors.registration_for(actor=actor, event=event)
    taken = selectors.places_taken(events=[event])[event.pk]
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "programme": list(event.programme.all()),
            "free": max(event.capacity - taken, 0),
            "registration": registration,
            "position": selectors.waiting_position(registration=registration)
            if registration
            else None,
            "can_register": can_register(actor, event),
            "can_change": can_change_registration(actor, registration) if registration else None,
            "can_evaluate": can_evaluate(actor, event),
            "organiser": bool(can_organise(actor)),
            "now": timezone.now(),
        },
    )


def _event_input(cd) -> services.EventInput:
    return services.EventInput(
        title=cd["title"],
        kind=cd["kind"],
        starts_at=cd["starts_at"],
        ends_at=cd["ends_at"],
        capacity=cd["capacity"],
        registration_deadline=cd["registration_deadline"],
        place=cd["place"],
        online_url=cd["online_url"],
        description=cd["description"],
    )


def _event_form_view(request, actor, event: Event | None):
    _organiser(actor)
    if request.method == "POST":
        form = EventForm(request.POST)
        done = run_form(
            request,
            form,
            # One service: a refused programme leaves no event saved behind.
            lambda cd: services.event_save(
                actor=actor, data=_event_input(cd), event=event, programme=cd["programme"]
            ),
            success=lambda saved: reverse("events:detail", args=[saved.pk]),
            message=_("Evenemanget är sparat."),
        )
        if done is not None:
            return done
    elif event is not None:
        form = EventForm(
            initial={
                **{
                    f: getattr(event, f)
                    for f in (
                        "title",
                        "kind",
                        "place",
                        "online_url",
                        "capacity",
                        "description",
                    )
                },
                "starts_at": timezone.localtime(event.starts_at),
                "ends_at": timezone.localtime(event.ends_at),
                "registration_deadline": timezone.localtime(event.registration_deadline),
                "programme": programme_text(event),
            }
        )
    else:
        form = EventForm()
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event},
        status=form_status(request),
    )


@api_counterpart("POST /events/")
@actor_view()
def event_create_view(request, actor):
    return _event_form_view(request, actor, None)


@api_counterpart("GET /events/{event_id}", "PUT /events/{event_id}")
@actor_view()
def event_edit_view(request, actor, pk):
    return _event_form_view(request, actor, _event(pk))


@api_counterpart("POST /events/{event_id}/cancel")
@require_POST
@actor_view()
def event_cancel_view(request, actor, pk):
    event = _event(pk)
    _organiser(actor)
    try:
        services.event_cancel(actor=actor, event=event)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Evenemanget är inställt."))
    return redirect("events:detail", pk=event.pk)


@api_counterpart("GET /events/{event_id}/registration", "PUT /events/{event_id}/registration")
@actor_view()
def register_view(request, actor, pk):
    event = _event(pk)
    registration = selectors.registration_for(actor=actor, event=event)
    verdict = (
        can_change_registration(actor, registration) if registration else can_register(actor, event)
    )
    if not verdict:
        raise PermissionDenied(verdict.reason)
    members, reps = selectors.member_choices(actor=actor)
    if request.method == "POST":
        form = RegistrationForm(request.POST, members=members, reps=reps)
        if form.is_valid():
            try:
                reg, _created = services.registration_save(
                    actor=actor,
                    event=event,
                    employer_ids=form.cleaned_data["employer_participants"],
                    union_ids=form.cleaned_data["union_participants"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if reg.status == reg.Status.WAITING:
                    messages.warning(
                        request,
                        _(
                            "Evenemanget är fullt. Ni står på väntelistan och flyttas upp "
                            "automatiskt när en plats blir ledig."
                        ),
                    )
                else:
                    messages.success(request, _("Anmälan är sparad."))
                return redirect("events:detail", pk=event.pk)
    else:
        initial = {}
        if registration:
            parts = list(registration.participants.all())
            initial = {
                "employer_participants": [p.user_id for p in parts if p.side == "employer"],
                "union_participants": [p.user_id for p in parts if p.side == "union"],
            }
        form = RegistrationForm(initial=initial, members=members, reps=reps)
    return render(
        request,
        "events/register.html",
        {"form": form, "event": event, "registration": registration},
        status=form_status(request),
    )


@api_counterpart("DELETE /events/{event_id}/registration")
@require_POST
@actor_view()
def unregister_view(request, actor, pk):
    event = _event(pk)
    registration = selectors.registration_for(actor=actor, event=event)
    if registration is None:
        raise Http404
    try:
        services.registration_cancel(actor=actor, registration=registration)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Organisationen är avanmäld."))
    return redirect("events:detail", pk=event.pk)


@api_counterpart("POST /events/{event_id}/evaluation")
@actor_view()
def evaluate_view(request, actor, pk):
    event = _event(pk)
    verdict = can_evaluate(actor, event)
    if not verdict:
        return render(
            request, "events/evaluate_closed.html", {"event": event, "reason": verdict.reason}
        )
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                actor=actor, event=event, data=services.EvaluationInput(**form.cleaned_data)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Tack för din utvärdering!"))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/evaluate.html", {"form": form, "event": event})


@api_counterpart("GET /events/{event_id}/statistics")
@actor_view()
def event_statistics_view(request, actor, pk):
    event = _event(pk)
    _organiser(actor)
    return render(
        request,
        "events/event_statistics.html",
        {
            "event": event,
            "stats": selectors.event_statistics(event=event, with_comments=True),
            "registrations": selectors.event_registrations(event=event),
        },
    )


def _year(request) -> int:
    years = selectors.event_years()
    try:
        year = int(request.GET.get("year", years[0]))
    except ValueError:
        year = years[0]
    return year if year in years else years[0]


@api_counterpart("GET /events/statistics/{year}")
@actor_view()
def year_statistics_view(request, actor):
    _organiser(actor)
    year = _year(request)
    return render(
        request,
        "events/year_statistics.html",
        {
            "stats": selectors.year_statistics(year=year),
            "years": selectors.event_years(),
            "kinds": dict(Event.Kind.choices),
        },
    )


@api_counterpart("GET /events/statistics/{year}.xlsx")
@actor_view()
def year_statistics_export_view(request, actor, year):
    _organiser(actor)
    if year not in selectors.event_years():
        raise Http404
    return year_workbook_response(year=year)
