"""Fund mode's statuses as data: the period, the notification and the claim, their
transitions, and who may take each.

Who (pseudo-roles, resolved against the object):
- EMPLOYER: a coordinator of the member employer that owns the notification;
- FUND_OFFICER: an officer of the fund that holds the pot;
- FUND_ADMIN: the administrator of the fund that owns the period.

`transition()` in `lom.fundmode.services.workflow` is the only code that changes one of these
statuses: it checks the transition against this table (source state, who), sets the status and
writes the audit event."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from lom.common.verdict import YES, Verdict
from lom.fundmode.models import Claim, FundRound, MeasureNotification

EMPLOYER = "employer"
FUND_OFFICER = "fund_officer"
FUND_ADMIN = "fund_admin"

N = MeasureNotification.Status
C = Claim.Status
R = FundRound.Status

Subject = MeasureNotification | Claim | FundRound


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    # None: the status stays what it is (a new approving decision on an approved or claimed
    # notification changes the amount, not the state).
    target: str | None
    actor: str
    needs_reason: bool = False


def _t(name, label, sources, target, actor, **kw) -> Transition:
    return Transition(name, label, frozenset(sources), target, actor, **kw)


ROUND_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("allocate", gettext_lazy("Fördela"), {R.OPEN}, R.ALLOCATED, FUND_ADMIN),
    ]
}

EDITABLE = frozenset({N.PRE_NOTIFIED, N.MORE_INFO})

NOTIFICATION_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", gettext_lazy("Skicka anmälan till fonden"), EDITABLE, N.SUBMITTED, EMPLOYER),
        _t("withdraw", gettext_lazy("Återkalla"), EDITABLE, N.WITHDRAWN, EMPLOYER),
        _t("approve", gettext_lazy("Bevilja"), {N.SUBMITTED}, N.APPROVED, FUND_OFFICER),
        _t(
            "redecide",
            gettext_lazy("Fatta ett nytt beslut"),
            {N.APPROVED, N.CLAIMED},
            None,
            FUND_OFFICER,
            needs_reason=True,
        ),
        _t(
            "ask_more_info",
            gettext_lazy("Begär komplettering"),
            {N.SUBMITTED},
            N.MORE_INFO,
            FUND_OFFICER,
            needs_reason=True,
        ),
        _t(
            "reject",
            gettext_lazy("Avslå"),
            {N.SUBMITTED},
            N.REJECTED,
            FUND_OFFICER,
            needs_reason=True,
        ),
        _t("claim", gettext_lazy("Rekvirera"), {N.APPROVED}, N.CLAIMED, EMPLOYER),
        # Paying a partial claim reopens the approval for the next claim; the final one closes.
        _t(
            "pay_partial",
            gettext_lazy("Betala ut delrekvisition"),
            {N.CLAIMED},
            N.APPROVED,
            FUND_OFFICER,
        ),
        _t("pay_final", gettext_lazy("Betala ut"), {N.CLAIMED}, N.PAID, FUND_OFFICER),
        _t(
            "claim_returned",
            gettext_lazy("Återsänd rekvisitionen"),
            {N.CLAIMED},
            N.APPROVED,
            FUND_OFFICER,
            needs_reason=True,
        ),
    ]
}

CLAIM_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("pay", gettext_lazy("Godkänn och betala ut"), {C.SUBMITTED}, C.PAID, FUND_OFFICER),
        _t(
            "return",
            pgettext_lazy("åtgärd", "Återsänd"),
            {C.SUBMITTED},
            C.RETURNED,
            FUND_OFFICER,
            needs_reason=True,
        ),
    ]
}


def transitions_for(subject: Subject) -> dict[str, Transition]:
    if isinstance(subject, MeasureNotification):
        return NOTIFICATION_TRANSITIONS
    if isinstance(subject, Claim):
        return CLAIM_TRANSITIONS
    return ROUND_TRANSITIONS


def fund_and_member(subject: Subject) -> tuple[FundRound, int | None]:
    """The period the subject belongs to, and its member employer (None for a period)."""
    if isinstance(subject, FundRound):
        return subject, None
    n = subject.notification if isinstance(subject, Claim) else subject
    return n.round, n.member_id


def audit_organisations(subject: Subject) -> set[int]:
    """Where a transition is recorded: the fund, and the member employer when there is one."""
    fund_round, member_id = fund_and_member(subject)
    return {fund_round.fund_id} | ({member_id} if member_id is not None else set())


def state_allows(subject: Subject, name: str) -> Verdict:
    """Whether the subject's current status is a source of the transition `name`."""
    t = transitions_for(subject)[name]
    if subject.status in t.sources:
        return YES
    return Verdict(
        False,
        _("”%(t)s” går inte när statusen är ”%(s)s”.")
        % {"t": t.label, "s": subject.get_status_display()},
    )
