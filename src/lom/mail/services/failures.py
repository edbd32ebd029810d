"""What an organisation's administrator does with mail that could not be delivered: send it
again (one, or the whole list), or stop it. The attempt log is kept either way."""

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.audit import audit
from lom.common.errors import ConflictError, PermissionDeniedError
from lom.mail.models import OutboundMail
from lom.mail.selectors import failed_mails
from lom.mail.services.delivery import deliver_mail_task
from lom.organisations.access import Actor
from lom.organisations.models import Role

UNSENT = (OutboundMail.Status.QUEUED, OutboundMail.Status.RETRYING, OutboundMail.Status.FAILED)


def _check(actor: Actor, mail: OutboundMail) -> None:
    if not actor.has(Role.ORG_ADMIN) or mail.organisation_id != actor.organisation.pk:
        raise PermissionDeniedError(_("Du får inte hantera organisationens e-post."))


def _requeue(mails: QuerySet[OutboundMail]) -> list[int]:
    """Back to QUEUED with a fresh set of retries (the attempt log stays); each mail's delivery
    is enqueued when the transaction commits. The ids requeued."""
    ids = list(mails.select_for_update().values_list("pk", flat=True))
    OutboundMail.objects.filter(pk__in=ids).update(
        status=OutboundMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in ids:
        transaction.on_commit(partial(deliver_mail_task.enqueue, pk))
    return ids


@transaction.atomic(durable=True)
def mail_resend(*, actor: Actor, mail: OutboundMail) -> None:
    """Send a failed mail again."""
    _check(actor, mail)
    if not _requeue(OutboundMail.objects.filter(pk=mail.pk, status=OutboundMail.Status.FAILED)):
        raise ConflictError(
            _("Bara e-post som inte kunde levereras kan skickas igen."), code="status"
        )
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="mail.resend",
        target=mail,
        before={"status": OutboundMail.Status.FAILED, "attempts": mail.attempts},
        after={"status": OutboundMail.Status.QUEUED},
    )


@transaction.atomic(durable=True)
def mail_resend_all(*, actor: Actor) -> int:
    """Send every failed mail of the actor's organisation again; how many."""
    if not actor.has(Role.ORG_ADMIN):
        raise PermissionDeniedError(_("Du får inte hantera organisationens e-post."))
    ids = _requeue(failed_mails(organisation_id=actor.organisation.pk))
    if ids:
        audit(
            organisation_id=actor.organisation.pk,
            actor=actor.user,
            action="mail.resend_all",
            target=actor.organisation,
            after={"count": len(ids), "mails": ids[:1000]},
        )
    return len(ids)


@transaction.atomic(durable=True)
def mail_cancel(*, actor: Actor, mail: OutboundMail) -> None:
    """Stop a mail that has not been sent: it stays in the outbox, marked as stopped."""
    _check(actor, mail)
    locked = OutboundMail.objects.select_for_update().get(pk=mail.pk)
    if locked.status not in UNSENT:
        raise ConflictError(_("E-posten är redan skickad eller stoppad."), code="status")
    before = locked.status
    locked.status, locked.next_attempt_at = OutboundMail.Status.CANCELLED, None
    locked.save(update_fields=["status", "next_attempt_at"])
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="mail.cancel",
        target=locked,
        before={"status": before},
        after={"status": locked.status},
    )
