"""Two-factor for password accounts: the second step of the sign-in, enrolment of an
authenticator app (QR code as inline SVG), the recovery codes shown once, and the
"Tvåstegsverifiering" page of the user's own account."""

from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.common.web import add_domain_error, form_status
from lom.identity.forms.account import CodeForm, EnrolForm
from lom.identity.selectors.account import recovery_codes_left, totp_device, totp_required
from lom.identity.services.account import second_factor_verify, totp_enrol, two_factor_disable
from lom.identity.views.account import (
    PENDING_ATTEMPTS,
    complete_password_login,
    forget_pending,
    pending_user,
)

ENROL_KEY = "lom_2fa_enrol_key"
NEW_CODES = "lom_2fa_new_codes"
CODES_NEXT = "lom_2fa_codes_next"


def _start_over(request: HttpRequest, message: str) -> HttpResponse:
    forget_pending(request)
    request.session.pop(ENROL_KEY, None)
    messages.error(request, message)
    return redirect("login")


def _too_many(request: HttpRequest) -> bool:
    attempts = int(request.session.get(PENDING_ATTEMPTS, 0)) + 1
    request.session[PENDING_ATTEMPTS] = attempts
    return attempts >= int(getattr(settings, "LOM_TOTP_MAX_ATTEMPTS", 5))


EXPIRED = gettext_lazy("Inloggningen hann gå ut. Logga in igen.")
TOO_MANY = gettext_lazy("För många felaktiga koder. Logga in igen från början.")


@never_cache
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """The second step of a password sign-in."""
    user = pending_user(request)
    if user is None:
        return _start_over(request, str(EXPIRED))
    if totp_device(user=user) is None:
        return redirect("identity:two_factor_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            if _too_many(request):
                return _start_over(request, str(TOO_MANY))
            add_domain_error(form, exc)
        else:
            return redirect(complete_password_login(request, user, device))
    return render(
        request, "identity/account_2fa_verify.html", {"form": form}, status=form_status(request)
    )


def _qr_svg(user: User, key: str) -> tuple[str, str]:
    device = TOTPDevice(user=user, key=key, name="LOM")
    secret = b32encode(unhexlify(key)).decode()
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5), secret


@never_cache
def two_factor_enrol_view(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: during a sign-in (the pending user) or from the account."""
    signing_in = not request.user.is_authenticated
    user = pending_user(request) if signing_in else request.user
    if not isinstance(user, User):
        return _start_over(request, str(EXPIRED))
    key = request.session.get(ENROL_KEY) or default_key()
    request.session[ENROL_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_enrol(user=user, key=key, code=form.cleaned_data["code"])
        except DomainError as exc:
            if signing_in and _too_many(request):
                return _start_over(request, str(TOO_MANY))
            add_domain_error(form, exc)
        else:
            request.session.pop(ENROL_KEY, None)
            if signing_in:
                after = complete_password_login(request, user, totp_device(user=user))
            else:
                after = reverse("identity:two_factor_settings")
            request.session[NEW_CODES] = codes
            request.session[CODES_NEXT] = after
            return redirect("identity:recovery_codes")
    qr, secret = _qr_svg(user, key)
    context = {"form": form, "qr": qr, "secret": secret, "signing_in": signing_in}
    return render(request, "identity/account_2fa_enrol.html", context, status=form_status(request))


@never_cache
@login_required
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once."""
    codes = request.session.pop(NEW_CODES, None)
    after = request.session.pop(CODES_NEXT, None) or reverse("identity:two_factor_settings")
    if not codes:
        return redirect(after)
    return render(request, "identity/account_2fa_codes.html", {"codes": codes, "next": after})


@login_required
def two_factor_settings_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context = {
        "device": totp_device(user=user),
        "required": totp_required(user=user),
        "codes_left": recovery_codes_left(user=user),
    }
    return render(request, "identity/account_2fa_settings.html", context)


@require_POST
@login_required
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        two_factor_disable(user=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Tvåstegsverifieringen är avstängd."))
    return redirect("identity:two_factor_settings")
