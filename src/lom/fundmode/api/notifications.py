"""The notifications of the API: pre-notify, fill in, pick employees, attach, submit,
withdraw, and the fund's decision. The same selectors and services as the pages."""

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseBase
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from lom.agreements.models import MeasureType
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.fundmode import services
from lom.fundmode.api.common import (
    REFUSALS,
    attachment_out,
    binary,
    notification_or_404,
    notification_out,
    reader,
    round_or_404,
)
from lom.fundmode.api.schemas import (
    AddedOut,
    AttachmentKind,
    AttachmentOut,
    DecisionIn,
    EmployeesIn,
    FundNotificationOut,
    NotificationPatch,
    PrenotifyIn,
    StatusFilter,
)
from lom.fundmode.exports import attachment_response
from lom.fundmode.models import MeasureNotification
from lom.fundmode.selectors import attachment_get, notifications_for

router = Router(tags=["fundmode"])


def _measure_type(measure_type_id: int | None) -> MeasureType | None:
    if measure_type_id is None:
        return None
    mt = MeasureType.objects.filter(pk=measure_type_id).first()  # shared reference data
    if mt is None:
        raise Http404
    return mt


@router.get(
    "/notifications",
    response=Page[FundNotificationOut],
    summary="List the notifications the caller sees, newest first",
)
def list_notifications(
    request,
    round_id: Id | None = None,
    status: StatusFilter = "",
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
):
    actor = reader(request)
    # Resolved through the actor's own periods: an unknown or foreign period is a 404.
    fund_round = round_or_404(actor, round_id) if round_id is not None else None
    qs = (
        notifications_for(actor=actor, fund_round=fund_round, status=status)
        .annotate(cost_sum=Coalesce(Sum("cost_lines__amount_ore"), 0))
        .prefetch_related("participants")
    )
    rows, nxt = keyset_page(qs, cursor=cursor, limit=limit)
    return Page[FundNotificationOut](
        items=[FundNotificationOut(**notification_out(n)) for n in rows], next_cursor=nxt
    )


@router.get(
    "/notifications/{notification_id}", response=FundNotificationOut, summary="Read a notification"
)
def get_notification(request, notification_id: Id):
    return notification_out(notification_or_404(reader(request), notification_id))


@router.post(
    "/notifications",
    response={201: FundNotificationOut, **REFUSALS, 404: ErrorOut},
    summary="Pre-notify a measure from the employer's pot",
)
def prenotify(request, payload: PrenotifyIn):
    actor = reader(request)
    n = services.notification_prenotify(
        actor=actor,
        fund_round=round_or_404(actor, payload.round_id),
        title=payload.title,
        estimated_ore=payload.estimated_ore,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        measure_type=_measure_type(payload.measure_type_id),
    )
    return Status(201, notification_out(n))


def _current_input(n: MeasureNotification) -> services.NotificationInput:
    return services.NotificationInput(
        title=n.title,
        background=n.background,
        need=n.need,
        description=n.description,
        measure_type=n.measure_type,
        provider_kind=n.provider_kind,
        provider_name=n.provider_name,
        planned_start=n.planned_start,
        planned_end=n.planned_end,
        costs={line.kind: (line.amount_ore, line.description) for line in n.cost_lines.all()},
    )


@router.patch(
    "/notifications/{notification_id}",
    response={200: FundNotificationOut, **REFUSALS},
    summary="Fill in a notification (a field left out keeps its value)",
)
def edit_notification(request, notification_id: Id, payload: NotificationPatch):
    actor = reader(request)
    n = notification_or_404(actor, notification_id)
    data = _current_input(n)
    given = payload.dict(exclude_unset=True)
    for name in (
        "title",
        "background",
        "need",
        "description",
        "provider_kind",
        "provider_name",
        "planned_start",
        "planned_end",
    ):
        if given.get(name) is not None:
            setattr(data, name, given[name])
    if "measure_type_id" in given:
        data.measure_type = _measure_type(payload.measure_type_id)
    if payload.costs is not None:
        data.costs = {str(k): (c.amount_ore, c.description) for k, c in payload.costs.items()}
    participants: list[tuple[str, str, int]] | None = None
    if payload.participants is not None:
        participants = [(p.occupation_code, p.gender, p.count) for p in payload.participants]
    services.notification_update(actor=actor, notification=n, data=data, participants=participants)
    return notification_out(notification_or_404(actor, notification_id))


@router.put(
    "/notifications/{notification_id}/employees",
    response={200: AddedOut, **REFUSALS},
    summary="Add participants picked among the employer's employees (counted, not named)",
)
def pick_employees(request, notification_id: Id, payload: EmployeesIn):
    actor = reader(request)
    n = notification_or_404(actor, notification_id)
    added = services.notification_add_employees(
        actor=actor,
        notification=n,
        employee_ids=list(payload.employee_ids),
        occupation_code=payload.occupation_code,
    )
    return {"added": added}


@router.post(
    "/notifications/{notification_id}/attachments",
    response={201: AttachmentOut, **REFUSALS},
    summary="Attach a file to a notification (the minutes of the union consultation, other)",
)
def attach(request, notification_id: Id, kind: Form[AttachmentKind], file: File[UploadedFile]):
    actor = reader(request)
    n = notification_or_404(actor, notification_id)
    att = services.notification_attach(actor=actor, notification=n, upload=file, kind=kind)
    return Status(201, attachment_out(att))


@router.get(
    "/attachments/{attachment_id}",
    summary="Download an attachment of a notification or a claim",
    response={403: ErrorOut, 404: ErrorOut},
    openapi_extra=binary("The file as it was uploaded.", "application/octet-stream"),
)
def download_attachment(request, attachment_id: Id) -> HttpResponseBase:
    att = attachment_get(actor=reader(request), pk=attachment_id)
    if att is None:
        raise Http404
    return attachment_response(att)


def _button(request, notification_id: int, service) -> dict:
    actor = reader(request)
    n = notification_or_404(actor, notification_id)
    service(actor=actor, notification=n)
    return notification_out(notification_or_404(actor, notification_id))


@router.post(
    "/notifications/{notification_id}/submit",
    response={200: FundNotificationOut, **REFUSALS},
    summary="Send a notification to the fund",
)
def submit(request, notification_id: Id):
    return _button(request, notification_id, services.notification_submit)


@router.post(
    "/notifications/{notification_id}/withdraw",
    response={200: FundNotificationOut, **REFUSALS},
    summary="Withdraw a notification not yet sent (or sent back for more information)",
)
def withdraw(request, notification_id: Id):
    return _button(request, notification_id, services.notification_withdraw)


@router.post(
    "/notifications/{notification_id}/decisions",
    response={201: FundNotificationOut, **REFUSALS},
    summary="The fund's decision on a notification, with its criteria checklist",
)
def decide(request, notification_id: Id, payload: DecisionIn):
    actor = reader(request)
    n = notification_or_404(actor, notification_id)
    services.fund_decide(
        actor=actor,
        notification=n,
        outcome=payload.outcome,
        answers={int(k): (bool(v[0]), str(v[1])) for k, v in payload.answers.items()},
        costs_reasonable=payload.costs_reasonable,
        cost_comment=payload.cost_comment,
        amount_ore=payload.amount_ore,
        reason=payload.reason,
        partial_claims_allowed=payload.partial_claims_allowed,
        supersedes_id=payload.supersedes_id,
    )
    return Status(201, notification_out(notification_or_404(actor, notification_id)))
