"""Applications for individual support in the API: an employee applies with the inputs of an
eligible self-check (checked again on the server), lists and withdraws their own; counsellors
list, take and close the applications of the employees they serve. Anyone else gets 404."""

from typing import Any

from django.http import Http404
from ninja import Router, Status

from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Id, Limit, Page
from lom.organisations.access import Actor
from lom.support import selectors
from lom.support.api.eligibility import month_records
from lom.support.api.schemas import (
    REFUSALS,
    SupportApplicationIn,
    SupportApplicationOut,
    SupportTransitionIn,
)
from lom.support.models import SupportApplication
from lom.support.services.applications import (
    support_application_submit,
    support_application_transition,
)
from lom.support.workflow import available

router = Router(tags=["support"])


def _out(actor: Actor, a: SupportApplication) -> dict[str, Any]:
    parties = selectors.application_parties(actor=actor, application=a)
    return {
        "id": a.pk,
        "employee_id": a.employee_id,
        "employee": a.employee.full_name,
        "organisation": a.organisation.name,
        "created_at": a.created_at,
        "status": a.status,
        "wish": a.wish,
        "contact": a.contact,
        "description": a.description,
        "eligible": a.eligible,
        "as_of": a.as_of,
        "rule_year": a.rule_year,
        "rule_confirmed": a.rule_confirmed,
        "counted_months": a.counted_months,
        "months_required": a.months_required,
        "coach": (a.coach.get_full_name() or a.coach.username) if a.coach else None,
        "taken_at": a.taken_at,
        "ended_at": a.ended_at,
        "transitions": [t.name for t in available(a, parties)],
    }


def _get(actor: Actor, application_id: int) -> SupportApplication:
    application = selectors.application_get(actor=actor, pk=application_id)
    if application is None:
        raise Http404
    return application


@router.post(
    "/applications",
    response={201: SupportApplicationOut, **REFUSALS},
    summary="Apply for individual support from an eligible self-check (checked again)",
)
def create_application(request, payload: SupportApplicationIn):
    """Only the summary of the check is stored, never the months sent; not eligible is a 400
    naming `months`."""
    actor = request.api_actor
    application = support_application_submit(
        actor=actor,
        as_of=payload.as_of,
        records=month_records(payload.months),
        wish=payload.wish,
        contact=payload.contact,
        consent=payload.consent,
        description=payload.description,
    )
    return Status(201, _out(actor, _get(actor, application.pk)))


@router.get(
    "/applications",
    response=Page[SupportApplicationOut],
    summary="The caller's own applications; with as_coach=true, those a counsellor serves",
)
def list_applications(
    request, as_coach: bool = False, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
):
    actor = request.api_actor
    qs = (
        selectors.applications_for_coach(actor=actor)
        if as_coach
        else selectors.applications_for_employee(actor=actor).select_related("organisation")
    )
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit, order=("-created_at", "-id"))
    return Page[SupportApplicationOut](
        items=[SupportApplicationOut(**_out(actor, a)) for a in rows], next_cursor=nxt
    )


@router.get(
    "/applications/{application_id}",
    response=SupportApplicationOut,
    summary="Read an application (its applicant and the counsellors who serve them)",
)
def get_application(request, application_id: Id):
    actor = request.api_actor
    return _out(actor, _get(actor, application_id))


@router.post(
    "/applications/{application_id}/transition",
    response={200: SupportApplicationOut, **REFUSALS},
    summary="Take or close an application (counsellor), or withdraw it (applicant)",
)
def transition_application(request, application_id: Id, payload: SupportTransitionIn):
    actor = request.api_actor
    application = support_application_transition(
        actor=actor, application=_get(actor, application_id), name=payload.name
    )
    return _out(actor, _get(actor, application.pk))
