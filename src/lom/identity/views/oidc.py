"""OpenID Connect sign-in: off to the organisation's provider, and back."""

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lom.common.auth_session import mark_reauthenticated, mark_signed_in
from lom.common.errors import DomainError
from lom.identity.models import Protocol
from lom.identity.selectors.oidc import oidc_config, oidc_organisation
from lom.identity.services.oidc import (
    OidcRefusal,
    oidc_sign_in,
    oidc_start,
    oidc_verify_callback,
)
from lom.identity.services.provisioning import sso_refusal_record
from lom.identity.views.refused import render_refused
from lom.organisations.middleware import SESSION_KEY
from lom.organisations.models import Organisation

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(
    request: HttpRequest, organisation: Organisation, error: DomainError, status: int
) -> HttpResponse:
    """Say what was wrong, and keep it in the audit trail (nothing else was written)."""
    sso_refusal_record(
        organisation=organisation,
        protocol=Protocol.OIDC,
        reason=error.code,
        detail=str(error.message),
    )
    return render_refused(
        request,
        organisation=organisation,
        error=error,
        status=status,
        retry_url=reverse("identity:oidc_login", args=[organisation.slug]),
    )


def _organisation_and_config(request: HttpRequest, slug: str):
    organisation = oidc_organisation(slug=slug)
    if organisation is None:
        raise Http404(_("Okänd organisation."))
    config = oidc_config(organisation=organisation)
    if config is None or not config.oidc_issuer or not config.oidc_client_id:
        return (
            organisation,
            None,
            _refused(
                request,
                organisation,
                DomainError(
                    _("%(org)s loggar inte in via OpenID Connect.") % {"org": organisation.name},
                    code="no_config",
                ),
                404,
            ),
        )
    return organisation, config, None


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def oidc_login(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the provider (`?force=1`: the provider must ask again)."""
    organisation, config, refused = _organisation_and_config(request, slug)
    if refused is not None:
        return refused
    redirect_uri = request.build_absolute_uri(reverse("identity:oidc_callback", args=[slug]))
    try:
        url = oidc_start(
            request,
            config=config,
            redirect_uri=redirect_uri,
            next_url=_safe_next(request),
            force=request.GET.get("force") == "1",
        )
    except OidcRefusal as exc:
        return _refused(request, organisation, exc, exc.status)
    return redirect(url)


def oidc_callback(request: HttpRequest, slug: str) -> HttpResponse:  # one action per branch
    """The provider's answer: sign in, or say why not."""
    organisation, config, refused = _organisation_and_config(request, slug)
    if refused is not None:
        return refused
    try:
        verified = oidc_verify_callback(request, config=config)
        user = oidc_sign_in(organisation=organisation, login=verified)
    except OidcRefusal as exc:
        return _refused(request, organisation, exc, exc.status)
    except DomainError as exc:  # no role, account switched off
        return _refused(request, organisation, exc, 403)
    if verified.reauthentication and request.user.is_authenticated and request.user.pk == user.pk:
        mark_reauthenticated(request)
    else:
        login(request, user, backend=MODEL_BACKEND)
        mark_signed_in(request, method="oidc", organisation_id=organisation.pk)
    request.session[SESSION_KEY] = organisation.pk
    return redirect(verified.next_url)
