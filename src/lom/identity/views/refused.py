"""The page a refused sign-in answers (SAML and OIDC alike): what was wrong, its code, and
whom to contact: the organisation's LOM administrators by name and e-mail."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lom.common.errors import DomainError
from lom.organisations.models import Organisation, Role
from lom.organisations.selectors import users_with_roles


def render_refused(
    request: HttpRequest,
    *,
    organisation: Organisation,
    error: DomainError,
    status: int,
    retry_url: str = "",
) -> HttpResponse:
    admins = users_with_roles(organisation.pk, Role.ORG_ADMIN)
    contacts = sorted({(u.get_full_name() or u.username, u.email) for u in admins if u.is_active})
    context = {
        "organisation": organisation,
        "message": error.message,
        "reason": error.code,
        "retry_url": retry_url,
        "contacts": [{"name": name, "email": email} for name, email in contacts],
    }
    return render(request, "identity/sso_refused.html", context, status=status)
