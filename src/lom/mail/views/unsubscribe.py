"""The one-click unsubscribe link of every notification mail (RFC 8058). No sign-in: the
signed token is the authority. GET only shows a button (link scanners follow links); POST,
from the button or from the mail program (body "List-Unsubscribe=One-Click"), turns e-mail off
for that kind."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lom.common.errors import DomainError
from lom.mail.kinds import KINDS
from lom.mail.services.compose import user_language
from lom.mail.services.unsubscribe import Unsubscribe, mail_unsubscribe, unsubscribe_read

TEMPLATE = "mail/unsubscribe.html"


def _page(request: HttpRequest, target: Unsubscribe, *, done: bool) -> HttpResponse:
    with translation.override(user_language(target.user)):
        label = KINDS.get(target.kind)
        return render(
            request,
            TEMPLATE,
            {"done": done, "kind_label": str(label) if label else "", "kind": target.kind},
        )


@csrf_exempt  # a mail program posts the one-click request without a session or a form
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:  # one action per branch
    try:
        if request.method == "POST":
            return _page(request, mail_unsubscribe(token=token), done=True)
        return _page(request, unsubscribe_read(token=token), done=False)
    except DomainError as exc:
        return render(request, TEMPLATE, {"error": str(exc.message)}, status=400)
