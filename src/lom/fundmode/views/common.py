"""What the fund-mode pages share: 404 for what the actor may not see, the participant
rows, the notification page's context."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lom.common.web import run_form
from lom.fundmode.forms import FundAttachmentForm, ParticipantFormSet
from lom.fundmode.models import FundRound, MeasureNotification
from lom.fundmode.permissions import (
    can_assess,
    can_claim,
    can_edit_notification,
    can_read_as_member,
    can_read_fund,
    is_fund_side,
)
from lom.fundmode.selectors import (
    cost_lines_by_kind,
    notification_cost_total,
    notification_get,
    occupation_label,
    participant_summary,
    round_get,
    submit_problems,
)
from lom.organisations.access import Actor

S = MeasureNotification.Status
T = TypeVar("T")


def reader_or_404(actor: Actor) -> None:
    if not (can_read_fund(actor) or can_read_as_member(actor)):
        raise Http404


def round_or_404(actor: Actor, pk: int) -> FundRound:
    r = round_get(actor=actor, pk=pk)
    if r is None:
        raise Http404
    return r


def notification_or_404(actor: Actor, pk: int) -> MeasureNotification:
    n = notification_get(actor=actor, pk=pk)
    if n is None:
        raise Http404
    return n


def participant_formset(request, n: MeasureNotification):
    """Participant rows (counts per occupation code and gender), prefilled from the
    notification: the same rows on the notification form and the final claim."""
    return ParticipantFormSet(
        request.POST or None,
        prefix="p",
        initial=[
            {"occupation_code": g.occupation_code, "gender": g.gender, "count": g.count}
            for g in n.participants.all()
        ],
    )


def row_errors_to_summary(form, formset) -> None:
    """A participant row refused as a whole (a count without occupation code or gender) has no
    field to show its message at: list it in the form's error summary with its row number."""
    for i, row in enumerate(formset, start=1):
        for error in row.non_field_errors():
            form.add_error(None, _("Rad %(n)d: %(e)s") % {"n": i, "e": error})


def notification_ctx(actor: Actor, n: MeasureNotification) -> dict:
    claims = list(n.claims.prefetch_related("cost_lines", "participants", "attachments"))
    return {
        "n": n,
        "fund_side": is_fund_side(actor),
        "cost_lines": cost_lines_by_kind(n.cost_lines.all()),
        "cost_total": notification_cost_total(notification=n),
        "participants": [(occupation_label(g.occupation_code), g) for g in n.participants.all()],
        "summary": participant_summary(n.participants.all()),
        "attachments": n.attachments.filter(claim__isnull=True),
        "decisions": n.decisions.prefetch_related("answers__criterion").select_related(
            "decided_by"
        ),
        "claims": claims,
        "can_edit": bool(can_edit_notification(actor, n)),
        "can_assess": bool(can_assess(actor)) and n.status in (S.SUBMITTED, S.APPROVED, S.CLAIMED),
        "can_claim": bool(can_claim(actor, n)),
        "problems": submit_problems(notification=n) if can_edit_notification(actor, n) else [],
        "attachment_form": FundAttachmentForm(),
    }


def run_form_with_rows(
    request: HttpRequest,
    form: Any,
    formset: Any,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    message: str,
) -> HttpResponse | None:
    """`run_form` for a form with participant rows: the rows must be valid too; a row refused
    as a whole is listed in the form's error summary."""
    if request.method == "POST" and not formset.is_valid():
        form.is_valid()
        row_errors_to_summary(form, formset)
        return None
    return run_form(request, form, action, success=success, message=message)
