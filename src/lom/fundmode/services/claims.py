"""Claims (rekvisition) and payment."""

from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.bounds import COMMENT_MAX, MAX_AMOUNT_ORE
from lom.common.errors import ConflictError, DomainError
from lom.common.money import format_ore
from lom.common.validation import amount_too_large_message, optional_text, validate_upload
from lom.diarium.models import DocumentKind, Secrecy
from lom.diarium.services import document_exchange_register
from lom.fundmode.messages import CLAIM_NEW, CLAIM_PAID, CLAIM_RETURNED, POT_PAID, POT_UNCLAIMED
from lom.fundmode.models import (
    Claim,
    ClaimCostLine,
    FundAttachment,
    MeasureNotification,
    ParticipantGroup,
    PotEntryKind,
)
from lom.fundmode.selectors import claimable_left, notification_committed
from lom.fundmode.services.notifications import (
    attach,
    clean_costs,
    clean_groups,
)
from lom.fundmode.services.pots import lock_pot, pot_post
from lom.fundmode.services.workflow import check_transition, notify_employer, transition
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.organisations.models import Role
from lom.organisations.selectors import users_with_roles
from lom.webhooks.services import webhook_emit


def _check_timing(
    *,
    n: MeasureNotification,
    is_final: bool,
    term_start: date | None,
    term_end: date | None,
    today: date,
) -> None:  # pure: a check that raises
    """A final claim only after the measure's end date; a partial claim names a term within
    the measure that has ended and that no earlier claim of the measure covers."""
    if is_final:
        if today <= n.planned_end:
            raise DomainError(
                _(
                    "Insatsen pågår till och med %(d)s. En rekvisition kan göras först efter "
                    "insatsens slutdatum."
                )
                % {"d": n.planned_end.isoformat()},
                field="is_final",
            )
        return
    if term_start is None or term_end is None:
        raise DomainError(
            _("Ange vilken termin eller period delrekvisitionen gäller."), field="term_end"
        )
    if term_end < term_start:
        raise DomainError(
            _("Periodens slut måste vara samma dag som eller efter dess början."),
            field="term_end",
        )
    if term_start < n.planned_start or term_end > n.planned_end:
        raise DomainError(
            _("Perioden måste ligga inom insatsens tid, %(s)s–%(e)s.")
            % {"s": n.planned_start.isoformat(), "e": n.planned_end.isoformat()},
            field="term_end",
        )
    if today <= term_end:
        raise DomainError(
            _(
                "Perioden pågår till och med %(d)s. En delrekvisition kan göras först när "
                "perioden är slut."
            )
            % {"d": term_end.isoformat()},
            field="term_end",
        )
    overlapping = n.claims.exclude(status=Claim.Status.RETURNED).filter(
        term_start__lte=term_end, term_end__gte=term_start
    )
    if overlapping.exists():
        raise DomainError(
            _("Perioden är redan rekvirerad (helt eller delvis)."), field="term_start"
        )


@transaction.atomic(durable=True)
def claim_submit(
    *,
    actor: Actor,
    notification: MeasureNotification,
    costs: dict[str, tuple[int, str]],
    internal_salary_ore: int,
    participants: list[tuple[str, str, int]],
    invoices: list[UploadedFile],
    is_final: bool = True,
    term_start: date | None = None,
    term_end: date | None = None,
) -> Claim:
    """Once per approved notification, after the measure's end date; several only when the
    fund's decision allowed partial claims per term (each names its term, which must have
    ended; the last claim is final): actual costs with invoices, internal salary costs, the
    final participant list as counts. Partial claims together never exceed the approved
    amount."""
    n = (
        MeasureNotification.objects.select_for_update()
        .select_related("round", "member")
        .get(pk=notification.pk)
    )
    check_transition(actor=actor, subject=n, name="claim")
    if not n.partial_claims_allowed:
        is_final = True
        if n.claims.filter(status=Claim.Status.PAID).exists():
            raise ConflictError(_("Insatsen är redan rekvirerad."), code="state")
    if is_final:
        term_start = term_end = None
    today = timezone.localdate()
    _check_timing(n=n, is_final=is_final, term_start=term_start, term_end=term_end, today=today)
    external = clean_costs(costs)
    if internal_salary_ore < 0:
        raise DomainError(_("Beloppet kan inte vara negativt."), field="internal_salary")
    total = external + internal_salary_ore
    if internal_salary_ore > MAX_AMOUNT_ORE or total > MAX_AMOUNT_ORE:
        raise DomainError(amount_too_large_message(), field="internal_salary")
    if total <= 0:
        raise DomainError(_("Ange de faktiska kostnaderna."))
    left = claimable_left(notification=n)
    if not is_final and total > left:
        raise DomainError(
            _(
                "Delrekvisitionerna får tillsammans inte överstiga det beviljade beloppet: "
                "%(l)s återstår, delrekvisitionen gäller %(c)s."
            )
            % {"l": format_ore(left), "c": format_ore(total)},
            field="internal_salary",
        )
    if external > 0 and not invoices:
        raise DomainError(_("Bifoga fakturorna för de faktiska kostnaderna."), field="invoices")
    clean = clean_groups(participants)
    if not clean:
        raise DomainError(
            _("Ange den slutliga deltagarlistan per yrkeskod och kön."), field="participants"
        )
    for upload in invoices:
        validate_upload(upload)
    claim = Claim.objects.create(
        notification=n,
        is_final=is_final,
        term_start=term_start,
        term_end=term_end,
        internal_salary_ore=internal_salary_ore,
        total_ore=total,
        submitted_by=actor.user,
    )
    ClaimCostLine.objects.bulk_create(
        [
            ClaimCostLine(claim=claim, kind=k, amount_ore=a, description=d)
            for k, (a, d) in costs.items()
            if a > 0
        ]
    )
    ParticipantGroup.objects.bulk_create(
        [ParticipantGroup(claim=claim, occupation_code=c, gender=g, count=k) for c, g, k in clean]
    )
    for upload in invoices:
        attach(
            actor=actor,
            notification=n,
            upload=upload,
            kind=FundAttachment.Kind.INVOICE,
            claim=claim,
        )
    transition(
        actor=actor,
        subject=n,
        name="claim",
        after={
            "claim": claim.pk,
            "total_ore": total,
            "final": is_final,
            "term_end": term_end.isoformat() if term_end else None,
        },
    )
    document_exchange_register(
        sender=n.member,
        receiver=n.round.fund,
        kind=DocumentKind.FUND_CLAIM,
        title=_("Rekvisition: %(n)s %(t)s") % {"n": n.number, "t": n.title},
        target=claim,
        secrecy=Secrecy.PUBLIC,
        case_number=n.number,
        by=actor.user,
    )

    notify(
        users=users_with_roles(n.round.fund_id, Role.FUND_OFFICER),
        organisation_id=n.round.fund_id,
        kind="status",
        text=CLAIM_NEW,
        params={"n": n.number, "t": n.title},
        reference=n.number,
        url=f"/fund/claims/{claim.pk}/",
    )
    notification.refresh_from_db()
    return claim


@transaction.atomic(durable=True)
def claim_pay(*, actor: Actor, claim: Claim) -> Claim:
    """Pay the claim (never beyond the approved amount: a higher claim needs a new decision);
    on the final claim the unclaimed remainder of the approval returns to the pot."""
    claim = Claim.objects.select_for_update().select_related("notification__round").get(pk=claim.pk)
    n = claim.notification
    check_transition(actor=actor, subject=claim, name="pay")
    pot = lock_pot(n.pot_id)
    left = claimable_left(notification=n)
    if claim.total_ore > left:
        raise DomainError(
            _(
                "Rekvisitionen (%(c)s) är högre än det beviljade beloppet som återstår "
                "(%(l)s). Det kräver ett nytt beslut."
            )
            % {"c": format_ore(claim.total_ore), "l": format_ore(left)}
        )
    pot_post(
        pot=pot,
        kind=PotEntryKind.EXPENSE,
        amount_ore=claim.total_ore,
        actor=actor.user,
        notification=n,
        claim=claim,
        memo=POT_PAID,
        memo_params={"n": n.number},
    )
    if claim.is_final:
        rest = notification_committed(notification=n)
        if rest > 0:
            pot_post(
                pot=pot,
                kind=PotEntryKind.RELEASE,
                amount_ore=rest,
                actor=actor.user,
                notification=n,
                claim=claim,
                memo=POT_UNCLAIMED,
                memo_params={"n": n.number},
            )
    transition(
        actor=actor,
        subject=n,
        name="pay_final" if claim.is_final else "pay_partial",
        after={"claim": claim.pk, "paid_ore": claim.total_ore},
    )
    claim.paid_ore = claim.total_ore
    claim.handled_by = actor.user
    claim.handled_at = timezone.now()
    transition(
        actor=actor,
        subject=claim,
        name="pay",
        fields=["paid_ore", "handled_by", "handled_at"],
        after={"paid_ore": claim.total_ore},
    )
    notify_employer(
        n,
        CLAIM_PAID,
        actor.user,
        params={"a": format_ore(claim.total_ore), "n": n.number},
    )
    webhook_emit(
        organisation=actor.organisation,
        event="claim.paid",
        payload={
            "claim_id": claim.pk,
            "notification_id": n.pk,
            "number": n.number,
            "member_id": n.member_id,
            "paid_ore": claim.paid_ore,
            "final": claim.is_final,
        },
    )
    return claim


@transaction.atomic(durable=True)
def claim_return(*, actor: Actor, claim: Claim, reason: str) -> Claim:
    claim = Claim.objects.select_for_update().select_related("notification__round").get(pk=claim.pk)
    n = claim.notification
    check_transition(actor=actor, subject=claim, name="return")
    reason = optional_text(reason, field="reason", max_length=COMMENT_MAX)
    if not reason:
        raise DomainError(_("Ange skälen."), field="reason")
    claim.return_reason = reason
    claim.handled_by = actor.user
    claim.handled_at = timezone.now()
    transition(
        actor=actor,
        subject=claim,
        name="return",
        reason=reason,
        fields=["return_reason", "handled_by", "handled_at"],
        after={"reason": reason},
    )
    transition(
        actor=actor, subject=n, name="claim_returned", reason=reason, after={"claim": claim.pk}
    )
    notify_employer(
        n,
        CLAIM_RETURNED,
        actor.user,
        params={"n": n.number},
    )
    return claim
