"""The organisation administrator's list of mail that could not be delivered."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lom.common.parity import api_counterpart
from lom.common.validation import id_or_none
from lom.common.web import actor_view, post_action
from lom.mail.selectors import failed_mail_page, organisation_mail
from lom.mail.services import mail_cancel, mail_resend, mail_resend_all
from lom.organisations.access import Actor

FAILURES = "mail:failures"


def _page_number(request: HttpRequest) -> int:
    return id_or_none(request.GET.get("page", "1"), digits=6) or 1


@api_counterpart("GET /mail/failures")
@actor_view("org_admin")
def failures_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = failed_mail_page(organisation_id=actor.organisation.pk, page=_page_number(request))
    return render(request, "mail/failures.html", {"page": page})


def _on_one_mail(
    request: HttpRequest, actor: Actor, pk: int, service: Callable[..., None], message: str
) -> HttpResponse:
    """A button on one mail of the list: the actor's organisation's mail or 404."""
    mail = organisation_mail(organisation_id=actor.organisation.pk, pk=pk)
    if mail is None:
        raise Http404
    return post_action(
        request,
        lambda: service(actor=actor, mail=mail),
        success=reverse(FAILURES),
        message=message % {"to": mail.to_address},
    )


@api_counterpart("POST /mail/failures/{message_id}/resend")
@require_POST
@actor_view("org_admin")
def resend_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _on_one_mail(request, actor, pk, mail_resend, _("E-posten skickas igen till %(to)s."))


@api_counterpart("POST /mail/failures/{message_id}/cancel")
@require_POST
@actor_view("org_admin")
def cancel_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _on_one_mail(request, actor, pk, mail_cancel, _("E-posten till %(to)s är stoppad."))


@api_counterpart("POST /mail/failures/resend")
@require_POST
@actor_view("org_admin")
def resend_all_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return post_action(
        request,
        lambda: mail_resend_all(actor=actor),
        success=reverse(FAILURES),
        message=lambda n: (
            ngettext(
                "%(n)d e-postmeddelande skickas igen.", "%(n)d e-postmeddelanden skickas igen.", n
            )
            % {"n": n}
        ),
    )
