"""What the fund-mode API modules share: the reader check, 404 for what the actor may not
see, and the shapes of the answers."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.errors import PermissionDeniedError
from lom.common.schemas import ErrorOut
from lom.fundmode.models import Claim, FundAttachment, FundRound, MeasureNotification
from lom.fundmode.permissions import can_read_as_member, can_read_fund
from lom.fundmode.selectors import (
    PotFigures,
    notification_cost_total,
    notification_get,
    pot_figures,
    round_get,
)
from lom.organisations.access import Actor

# The refusals an operation that changes something declares besides the standard ones.
REFUSALS: dict[int, Any] = {400: ErrorOut, 409: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def binary(description: str, *content_types: str) -> dict[str, Any]:
    """`openapi_extra` of an operation that answers a file (the page's same bytes)."""
    schema = {"type": "string", "format": "binary"}
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {t: {"schema": schema} for t in content_types},
            }
        }
    }


def reader(request) -> Actor:
    """The actor, who must read fund mode (the fund's staff, or a member employer's)."""
    actor = request.api_actor
    if not (can_read_fund(actor) or can_read_as_member(actor)):
        raise PermissionDeniedError(_("Din roll kan inte läsa fondens uppgifter."))
    return actor


def fund_reader(request) -> Actor:
    actor = reader(request)
    if not can_read_fund(actor):
        raise PermissionDeniedError(_("Bara fondens personal kan läsa detta."))
    return actor


def round_or_404(actor: Actor, round_id: int) -> FundRound:
    r = round_get(actor=actor, pk=round_id)
    if r is None:
        raise Http404
    return r


def notification_or_404(actor: Actor, notification_id: int) -> MeasureNotification:
    n = notification_get(actor=actor, pk=notification_id)
    if n is None:
        raise Http404
    return n


def pot_out(pot, f: PotFigures | None = None) -> dict[str, Any]:
    f = f or pot_figures(pot=pot, today=timezone.localdate())
    return {
        "id": pot.pk,
        "round_id": pot.round_id,
        "member_id": pot.member_id,
        "member_name": pot.member.name,
        "allocated_ore": f.balance.allocated,
        "pre_notified_ore": f.pre_notified,
        "notified_ore": f.notified,
        "approved_ore": f.approved,
        "claimed_ore": f.claimed,
        "paid_ore": f.paid,
        "remaining_ore": f.remaining,
        "projected_unused_ore": f.expiry.projected_unused,
        "expiry_warning": f.expiry.warning,
    }


NOTIFICATION_FIELDS = (
    "id",
    "number",
    "round_id",
    "member_id",
    "status",
    "title",
    "estimated_ore",
    "approved_ore",
    "partial_claims_allowed",
    "planned_start",
    "planned_end",
    "provider_kind",
    "provider_name",
    "measure_type_id",
    "plan_version",
    "plan_approved_on",
)


def participants_out(groups) -> list[dict[str, Any]]:
    return [
        {"occupation_code": g.occupation_code, "gender": g.gender, "count": g.count} for g in groups
    ]


def notification_out(n: MeasureNotification) -> dict[str, Any]:
    cost = n.cost_sum if hasattr(n, "cost_sum") else notification_cost_total(notification=n)
    return {
        **{k: getattr(n, k) for k in NOTIFICATION_FIELDS},
        "cost_ore": cost,
        "participants": participants_out(n.participants.all()),
    }


def attachment_out(a: FundAttachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "notification_id": a.notification_id,
        "claim_id": a.claim_id,
        "kind": a.kind,
        "original_name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "uploaded_at": a.uploaded_at,
    }


def claim_out(c: Claim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "notification_id": c.notification_id,
        "notification_number": c.notification.number,
        "member_id": c.notification.member_id,
        "status": c.status,
        "is_final": c.is_final,
        "term_start": c.term_start,
        "term_end": c.term_end,
        "internal_salary_ore": c.internal_salary_ore,
        "total_ore": c.total_ore,
        "paid_ore": c.paid_ore,
        "return_reason": c.return_reason,
        "submitted_at": c.submitted_at,
        "handled_at": c.handled_at,
        "costs": [
            {"kind": line.kind, "description": line.description, "amount_ore": line.amount_ore}
            for line in c.cost_lines.all()
        ],
        "participants": participants_out(c.participants.all()),
        "invoices": [attachment_out(a) for a in c.attachments.all()],
    }
