"""Writes of the password sign-in: the second factor (TOTP and recovery codes) and the audit
of a refused password sign-in."""

from binascii import unhexlify

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.identity.models import SsoConfig
from lom.identity.selectors.account import audit_organisation_id, totp_device, totp_required

RECOVERY_CODES = 10
CODE_MAX = 16


def _clean(code: str) -> str:
    return "".join(code.split()).lower()[:CODE_MAX]


def _audit_user(user: User, action: str, note: str = "") -> None:
    org_id = audit_organisation_id(user=user)
    if org_id is not None:
        audit(organisation_id=org_id, actor=user, action=action, target=user, note=note)


def _wrong_code() -> DomainError:
    return DomainError(_("Koden stämmer inte. Försök igen."), field="code", code="wrong_code")


def totp_code_matches(*, key: str, code: str) -> bool:  # pure: checks a code against a secret
    try:
        token = int(_clean(code))
    except ValueError:
        return False
    return TOTP(unhexlify(key.encode())).verify(token, tolerance=1)


@transaction.atomic(durable=True)
def totp_enrol(*, user: User, key: str, code: str) -> list[str]:
    """Confirm a new authenticator (the secret shown at enrolment and a code from it): it
    replaces any earlier one, and comes with fresh recovery codes, returned to be shown once."""
    if not totp_code_matches(key=key, code=code):
        raise _wrong_code()
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name=_("Autentiseringsapp"), key=key, confirmed=True)
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("Reservkoder"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    _audit_user(user, "identity.2fa_enabled")
    return codes


@transaction.atomic(durable=True)
def second_factor_verify(*, user: User, code: str) -> Device:
    """The device that accepts `code`: the authenticator, else a recovery code (used up)."""
    token = _clean(code)
    device = totp_device(user=user)
    if device is not None and token.isdigit() and device.verify_token(token):
        return device
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is not None and token and static.verify_token(token):
        _audit_user(user, "identity.recovery_code_used", note=f"{static.token_set.count()}")
        return static
    raise _wrong_code()


@transaction.atomic(durable=True)
def two_factor_disable(*, user: User) -> None:
    if totp_required(user=user):
        raise DomainError(
            _("Din roll kräver tvåstegsverifiering; den kan inte stängas av."), code="required"
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit_user(user, "identity.2fa_disabled")


@transaction.atomic(durable=True)
def two_factor_reset(*, actor: User, user: User) -> None:
    """Support removes a lost authenticator and its recovery codes: the user enrols a new one
    at their next sign-in (a role that requires the second factor asks for it then)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    org_id = audit_organisation_id(user=user)
    if org_id is not None:
        audit(organisation_id=org_id, actor=actor, action="identity.2fa_reset", target=user)


@transaction.atomic(durable=True)
def password_refusal_record(*, user: User, closed: list[SsoConfig]) -> None:
    """Audit a correct password refused because the user's organisations sign in only
    through their identity provider."""
    for config in closed:
        audit(
            organisation_id=config.organisation_id,
            actor=None,
            action="identity.password_login_refused",
            target=user,
            note=_("Lösenordsinloggning är avstängd för %(org)s.") % {"org": config.label},
        )
