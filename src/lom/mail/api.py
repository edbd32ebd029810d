"""API routes of the mail that could not be delivered, mounted at /api/v1/mail by lom.api.api:
the organisation administrator's list (with each mail's attempt log), sending again (one mail,
or every failed one) and stopping a mail. The same selectors and services as the page."""

from collections.abc import Callable
from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Id, Limit, Page
from lom.mail.models import OutboundMail
from lom.mail.selectors import failed_mails, organisation_mail
from lom.mail.services import mail_cancel, mail_resend, mail_resend_all
from lom.organisations.access import Actor
from lom.organisations.models import Role

router = Router(tags=["mail"])
ERR = {400: ErrorOut, 403: ErrorOut}
ONE = {**ERR, 404: ErrorOut, 409: ErrorOut}


class AttemptOut(Schema):
    at: datetime
    ok: bool
    code: int | None = Field(description="The SMTP reply code, when the server answered.")
    error: str


class FailedMailOut(Schema):
    id: int
    to_address: str
    subject: str
    kind: str
    status: str
    created_at: datetime
    last_error: str
    attempts: list[AttemptOut]


class MailStatusOut(Schema):
    id: int
    status: str


class ResentOut(Schema):
    count: int = Field(description="How many mails are sent again.")


def _admin(request) -> Actor:
    actor = request.api_actor
    if not actor.has(Role.ORG_ADMIN):
        raise PermissionDeniedError(_("Du får inte hantera organisationens e-post."))
    return actor


def _mail(actor: Actor, message_id: int) -> OutboundMail:
    mail = organisation_mail(organisation_id=actor.organisation.pk, pk=message_id)
    if mail is None:
        raise Http404
    return mail


@router.get(
    "/failures",
    response={200: Page[FailedMailOut], **ERR},
    summary="The mail that could not be delivered, newest first, with each attempt",
)
def list_failures(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[FailedMailOut]:
    actor = _admin(request)
    rows, nxt = keyset_page(
        failed_mails(organisation_id=actor.organisation.pk).prefetch_related("attempt_log"),
        cursor=cursor,
        limit=limit,
        order=("-created_at", "-id"),
    )
    return Page[FailedMailOut](
        items=[
            FailedMailOut(
                id=m.pk,
                to_address=m.to_address,
                subject=m.subject,
                kind=m.kind,
                status=m.status,
                created_at=m.created_at,
                last_error=m.last_error,
                attempts=[
                    AttemptOut(at=a.at, ok=a.ok, code=a.code, error=a.error)
                    for a in m.attempt_log.all()
                ],
            )
            for m in rows
        ],
        next_cursor=nxt,
    )


@router.post(
    "/failures/resend",
    response={200: ResentOut, **ERR},
    summary="Send every mail that could not be delivered again",
)
def resend_all(request) -> ResentOut:
    return ResentOut(count=mail_resend_all(actor=_admin(request)))


def _on_one(request, message_id: int, service: Callable[..., None]) -> MailStatusOut:
    """One mail of the list: the administrator's organisation's mail, else 404."""
    actor = _admin(request)
    mail = _mail(actor, message_id)
    service(actor=actor, mail=mail)
    mail.refresh_from_db(fields=["status"])
    return MailStatusOut(id=mail.pk, status=mail.status)


@router.post(
    "/failures/{message_id}/resend",
    response={200: MailStatusOut, **ONE},
    summary="Send a mail that could not be delivered again",
)
def resend(request, message_id: Id) -> MailStatusOut:
    """409 when the mail is not (any longer) a failed one."""
    return _on_one(request, message_id, mail_resend)


@router.post(
    "/failures/{message_id}/cancel",
    response={200: MailStatusOut, **ONE},
    summary="Stop a mail that has not been sent",
)
def cancel(request, message_id: Id) -> MailStatusOut:
    """409 when the mail is already sent or stopped."""
    return _on_one(request, message_id, mail_cancel)
