"""The fund's approval criteria of a period."""

from django.db import transaction
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.bounds import SHORT_TEXT_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.validation import optional_text
from lom.fundmode.models import CRITERION_MAX, Criterion, FundRound
from lom.fundmode.permissions import can_administer
from lom.fundmode.permissions import require as _require
from lom.fundmode.selectors import criteria_for
from lom.organisations.access import Actor


def _criterion_check(actor: Actor, fund_round: FundRound) -> None:
    _require(can_administer(actor))
    if fund_round.fund_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Perioden tillhör en annan fond."))


@transaction.atomic(durable=True)
def criterion_save(
    *,
    actor: Actor,
    fund_round: FundRound,
    text: str,
    help_text: str = "",
    criterion: Criterion | None = None,
) -> Criterion:
    _criterion_check(actor, fund_round)
    text = optional_text(text, field="text", max_length=CRITERION_MAX)
    help_text = optional_text(help_text, field="help_text", max_length=SHORT_TEXT_MAX)
    if not text:
        raise DomainError(_("Skriv kriteriet."), field="text")
    if criterion is None:
        last = criteria_for(fund_round=fund_round).order_by("-order").first()
        criterion = Criterion.objects.create(
            round=fund_round,
            text=text,
            help_text=help_text,
            order=(last.order + 1) if last else 1,
        )
        action = "fund_criterion.add"
    else:
        if criterion.round_id != fund_round.pk:
            raise PermissionDeniedError(_("Kriteriet hör till en annan period."))
        if not (criterion.text_code and text == criterion.text_shown):
            # The fund's own words replace the seeded (translated) text.
            criterion.text, criterion.text_code = text, ""
        criterion.help_text = help_text
        criterion.save(update_fields=["text", "text_code", "help_text"])
        action = "fund_criterion.edit"
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action=action,
        target=criterion,
        after={"text": criterion.text, "text_code": criterion.text_code},
    )
    return criterion


@transaction.atomic(durable=True)
def criterion_set_active(*, actor: Actor, criterion: Criterion, active: bool) -> Criterion:
    _criterion_check(actor, criterion.round)
    criterion.active = active
    criterion.save(update_fields=["active"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="fund_criterion.retire" if not active else "fund_criterion.restore",
        target=criterion,
    )
    return criterion
