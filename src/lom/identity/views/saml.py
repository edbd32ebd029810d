"""The SAML 2.0 service provider, one per organisation (/sso/saml/<slug>/…): djangosaml2's
views on pysaml2, configured from the organisation's SSO settings, with LOM's own assertion
consumer (verification, replay guard and just-in-time account in one service)."""

import time

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from djangosaml2.cache import IdentityCache, OutstandingQueriesCache
from djangosaml2.exceptions import IdPConfigurationMissing
from djangosaml2.utils import validate_referral_url
from djangosaml2.views import LoginView, LogoutInitView, LogoutView, MetadataView
from saml2.config import SPConfig
from saml2.ident import code

from lom.common.auth_session import mark_reauthenticated, mark_signed_in
from lom.common.errors import DomainError
from lom.identity.models import Protocol, SsoConfig
from lom.identity.selectors.saml import saml_config, sp_config
from lom.identity.services.provisioning import sso_refusal_record
from lom.identity.services.saml import VerifiedAssertion, saml_sign_in, verify_saml_response
from lom.identity.views.refused import render_refused
from lom.organisations.middleware import SESSION_KEY

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SUBJECT_KEY = "_saml2_subject_id"  # where djangosaml2's logout views look for the subject
# Refusals that are the person's situation (403) or the service's setup (503); the rest: 400.
FORBIDDEN = {"no_role", "inactive"}
UNAVAILABLE = {
    "sp_keys_missing",
    "no_metadata",
    "bad_metadata",
    "metadata_unreachable",
    "metadata_too_large",
}


def _config(slug: str) -> SsoConfig:
    config = saml_config(slug=slug)
    if config is None:
        raise Http404
    return config


def refused_page(request: HttpRequest, *, config: SsoConfig, error: DomainError) -> HttpResponse:
    """The page a refused sign-in answers: what was wrong, and whom to contact."""
    status = 403 if error.code in FORBIDDEN else 503 if error.code in UNAVAILABLE else 400
    return render_refused(request, organisation=config.organisation, error=error, status=status)


def _remember_for_logout(request, verified: VerifiedAssertion) -> None:  # request.saml_session
    """What single logout needs (the subject and its IdP), and no attribute: djangosaml2's
    logout views read the subject and pysaml2's identity cache from the SAML session."""
    until = int(time.time()) + settings.LOM_SESSION_ABSOLUTE_HOURS * 3600
    issuer = verified.claims.issuer
    info = {"name_id": verified.name_id, "issuer": issuer, "ava": {}}
    IdentityCache(request.saml_session).set(verified.name_id, issuer, info, until)
    request.saml_session[SUBJECT_KEY] = code(verified.name_id)


class _OrganisationSp:
    """The SP configuration of the organisation in the URL, for djangosaml2's views."""

    sso: SsoConfig
    force = False

    def get_sp_config(self, request: HttpRequest) -> SPConfig:
        return sp_config(
            config=self.sso, base_url=request.build_absolute_uri("/"), force_authn=self.force
        )


class SamlLoginView(_OrganisationSp, LoginView):
    """Sends a signed AuthnRequest to the organisation's IdP; `?next=` comes back as the
    RelayState, `?force=1` asks the IdP to authenticate again (ForceAuthn, re-authentication)."""

    def get(self, request, *args, **kwargs):
        self.sso = _config(kwargs["slug"])
        self.force = request.GET.get("force") == "1"
        try:
            try:
                return super().get(request)
            except IdPConfigurationMissing:
                raise self.no_idp() from None
        except DomainError as error:
            sso_refusal_record(
                organisation=self.sso.organisation,
                protocol=Protocol.SAML,
                reason=error.code,
                detail=str(error.message),
            )
            return refused_page(request, config=self.sso, error=error)

    def no_idp(self) -> DomainError:
        return DomainError(
            _("IdP:ns metadata beskriver ingen identitetsleverantör som LOM kan använda."),
            code="unknown_idp",
        )

    def unknown_idp(self, request, idp):
        raise self.no_idp()

    def should_prevent_auth(self, request) -> bool:
        return request.user.is_authenticated and not self.force


@method_decorator(csrf_exempt, name="dispatch")
class SamlAcsView(View):
    """The IdP's signed Response arrives here (HTTP-POST binding)."""

    def post(self, request, slug):  # one action per branch
        config = _config(slug)
        organisation = config.organisation
        queries = OutstandingQueriesCache(request.saml_session)
        try:
            verified = verify_saml_response(
                config=config,
                sp_config=sp_config(config=config, base_url=request.build_absolute_uri("/")),
                saml_response=request.POST.get("SAMLResponse", ""),
                outstanding=queries.outstanding_queries(),
            )
            user = saml_sign_in(organisation=organisation, verified=verified)
        except DomainError as error:
            sso_refusal_record(
                organisation=organisation,
                protocol=Protocol.SAML,
                reason=error.code,
                detail=str(error.message),
            )
            return refused_page(request, config=config, error=error)
        queries.delete(verified.in_response_to)
        if request.user.is_authenticated and request.user.pk == user.pk:
            mark_reauthenticated(request)  # ?force=1: the session's absolute limit stays
        else:
            login(request, user, backend=MODEL_BACKEND)
            mark_signed_in(request, method="saml", organisation_id=organisation.pk)
        request.session[SESSION_KEY] = organisation.pk
        _remember_for_logout(request, verified)
        target = validate_referral_url(request, request.POST.get("RelayState", ""))
        return HttpResponseRedirect(target or resolve_url(settings.LOGIN_REDIRECT_URL))


class SamlMetadataView(_OrganisationSp, MetadataView):
    """The SP's metadata (entity id = this URL): what the IdP's administrator imports."""

    def get(self, request, *args, **kwargs):
        self.sso = _config(kwargs["slug"])
        try:
            return super().get(request)
        except DomainError as error:
            return refused_page(request, config=self.sso, error=error)


class SamlLogoutView(_OrganisationSp, LogoutInitView):
    """SP-initiated single logout: signs out here and sends a LogoutRequest to the IdP."""

    def get(self, request, *args, **kwargs):
        self.sso = _config(kwargs["slug"])
        return super().get(request)


@method_decorator(csrf_exempt, name="dispatch")
class SamlLogoutServiceView(_OrganisationSp, LogoutView):
    """The IdP's LogoutResponse (to our request), or its own LogoutRequest (IdP-initiated)."""

    logout_error_template = "identity/saml_logout_error.html"

    def dispatch(self, request, *args, **kwargs):
        self.sso = _config(kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)
