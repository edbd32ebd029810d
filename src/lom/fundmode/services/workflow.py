"""The workflow of fund mode: the one transition function, and recording and telling the
other side what happened to a notification."""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import DomainError, PermissionDeniedError
from lom.fundmode.models import Claim, FundRound, MeasureNotification
from lom.fundmode.permissions import can_take
from lom.fundmode.workflow import Subject, audit_organisations, transitions_for
from lom.mail.notify import Text, notify
from lom.organisations.access import Actor
from lom.organisations.models import Role
from lom.organisations.selectors import users_with_roles

AUDIT_PREFIX = {
    MeasureNotification: "fund_notification",
    Claim: "fund_claim",
    FundRound: "fund_round",
}


def check_transition(
    *, actor: Actor, subject: Subject, name: str
) -> None:  # pure: a check that raises
    """Refuse, with the reason, a transition the table does not allow now (code "state") or
    not to this actor (code "forbidden"). Like the case workflow, both are permission errors."""
    verdict = can_take(actor, subject, name)
    if not verdict:
        t = transitions_for(subject).get(name)
        wrong_state = t is not None and subject.status not in t.sources
        raise PermissionDeniedError(verdict.reason, code="state" if wrong_state else "forbidden")


def transition(  # step: the one place a status changes, inside the action
    *,
    actor: Actor,
    subject: Subject,
    name: str,
    reason: str = "",
    fields: Sequence[str] = (),
    after: dict | None = None,
) -> None:
    """The one code that changes a fund-mode status (period, notification, claim): checks the
    transition against `lom.fundmode.workflow`, sets the status, saves it with `fields`, and
    writes the audit event at the fund and at the member employer. Runs inside the calling
    service's transaction."""
    check_transition(actor=actor, subject=subject, name=name)
    t = transitions_for(subject)[name]
    if t.needs_reason and not (reason or "").strip():
        raise DomainError(_("Ange skälen."), field="reason")
    before = subject.status
    if t.target is not None:
        subject.status = t.target
    subject.save(update_fields=["status", *fields])
    for org_id in sorted(audit_organisations(subject)):
        audit(
            organisation_id=org_id,
            actor=actor.user,
            action=f"{AUDIT_PREFIX[type(subject)]}.{name}",
            target=subject,
            before={"status": before},
            after={"status": subject.status, **(after or {})},
        )


def audit_notification(  # step: written with the action it records
    actor: Actor, n: MeasureNotification, action: str, after: dict | None = None
) -> None:
    for org_id in {n.member_id, n.round.fund_id}:
        audit(organisation_id=org_id, actor=actor.user, action=action, target=n, after=after or {})


def notify_employer(
    n: MeasureNotification,
    text: Text,
    actor_user: User,
    params: Mapping[str, object] | None = None,
) -> None:  # step: notified with the action (text rendered in each recipient's language)

    users = [*users_with_roles(n.member_id, Role.COORDINATOR), n.created_by]
    notify(
        users=[u for u in users if u.pk != actor_user.pk],
        organisation_id=n.member_id,
        kind="decision",
        text=text,
        params=params,
        reference=n.number,
        url=f"/fund/notifications/{n.pk}/",
    )
