"""The login page (password, and a button per organisation that signs in through its own
identity provider), the way into the Django admin, and re-authentication before the most
sensitive acts."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from lom.accounts.models import User
from lom.common.auth_session import (
    AUTH_ORG_KEY,
    auth_method,
    mark_reauthenticated,
    mark_signed_in,
)
from lom.common.errors import DomainError
from lom.common.web import add_domain_error, form_status
from lom.identity.forms.account import ReauthForm
from lom.identity.models import SsoConfig
from lom.identity.selectors.account import (
    password_login_closed_by,
    second_factor_due,
    sso_config_for_organisation,
    sso_login_options,
    totp_device,
)
from lom.identity.services.account import password_refusal_record, second_factor_verify

# The password step passed, the second one is due: who, where to afterwards, since when, and
# how many wrong codes so far.
PENDING_USER = "lom_2fa_user"
PENDING_NEXT = "lom_2fa_next"
PENDING_AT = "lom_2fa_at"
PENDING_ATTEMPTS = "lom_2fa_attempts"
PENDING_SECONDS = 600
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 (a class path)


def safe_next(request: HttpRequest, default: str = "") -> str:
    raw = request.POST.get("next") or request.GET.get("next") or ""
    if raw and url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return raw
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def sso_login_url(config: SsoConfig, **params: str) -> str:
    """The organisation's own sign-in, with `params` in the query."""
    url = reverse(f"identity:{config.protocol}_login", kwargs={"slug": config.organisation.slug})
    return f"{url}?{urlencode(params)}" if params else url


def _sso_buttons(next_url: str) -> list[dict[str, str]]:
    return [
        {"label": config.label, "url": sso_login_url(config, next=next_url)}
        for config in sso_login_options()
    ]


def pending_user(request: HttpRequest) -> User | None:
    """The user between the password and the second step, while that step is still open."""
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if not user_id or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def forget_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_NEXT, PENDING_AT, PENDING_ATTEMPTS):
        request.session.pop(key, None)


def complete_password_login(request: HttpRequest, user: User, device: Device | None) -> str:
    """Sign the user in (with the device that gave the second factor); answers where to go."""
    next_url = request.session.get(PENDING_NEXT) or reverse(settings.LOGIN_REDIRECT_URL)
    forget_pending(request)
    auth_login(request, user, backend=PASSWORD_BACKEND)
    if device is not None:
        otp_login(request, device)
    mark_signed_in(request, method="password")
    return str(next_url)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:  # one action per branch
    next_url = safe_next(request)
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        closed = password_login_closed_by(user=user)
        if closed:
            password_refusal_record(user=user, closed=closed)
            names = ", ".join(c.label for c in closed)
            form.add_error(
                None,
                _(
                    "%(orgs)s loggar in via organisationens egen inloggning, inte med lösenord. "
                    "Välj ”Logga in med %(first)s” nedan."
                )
                % {"orgs": names, "first": closed[0].label},
            )
        elif second_factor_due(user=user):
            forget_pending(request)
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_NEXT] = next_url
            request.session[PENDING_AT] = int(time.time())
            return redirect("identity:two_factor")
        else:
            auth_login(request, user, backend=PASSWORD_BACKEND)
            mark_signed_in(request, method="password")
            return redirect(next_url)
    context = {"form": form, "next": next_url, "sso_buttons": _sso_buttons(next_url)}
    return render(request, "registration/login.html", context, status=form_status(request))


def admin_login_view(request: HttpRequest) -> HttpResponse:
    """The Django admin signs in through the login page (and its second factor) too."""
    target = safe_next(request, default=reverse("admin:index"))
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


@sensitive_post_parameters()
@login_required
def reauth_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    sso_url = None
    if auth_method(request) in ("saml", "oidc"):
        org_id = request.session.get(AUTH_ORG_KEY)
        config = sso_config_for_organisation(organisation_id=org_id) if org_id else None
        if config is not None:
            sso_url = sso_login_url(config, force="1", next=next_url)
    user = request.user
    assert isinstance(user, User)
    device = totp_device(user=user)
    form = ReauthForm(request.POST or None, with_code=device is not None)
    if sso_url is None and request.method == "POST" and form.is_valid():
        password_ok = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if password_ok is None or password_ok.pk != user.pk:
            form.add_error("password", _("Lösenordet stämmer inte."))
        else:
            try:
                if device is not None:
                    second_factor_verify(user=user, code=form.cleaned_data["code"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                mark_reauthenticated(request)
                return redirect(next_url)
    context = {"form": form, "next": next_url, "sso_url": sso_url}
    return render(request, "identity/account_reauth.html", context, status=form_status(request))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out. A session that a SAML IdP signed in ends at the IdP too (single logout: the
    SAML view signs out here and sends the LogoutRequest); any other ends here."""
    if auth_method(request) == "saml" and request.session.get(AUTH_ORG_KEY):
        config = sso_config_for_organisation(organisation_id=request.session[AUTH_ORG_KEY])
        if config is not None and config.protocol == "saml":
            return redirect("identity:saml_logout", config.organisation.slug)
    return auth_views.LogoutView.as_view()(request)
