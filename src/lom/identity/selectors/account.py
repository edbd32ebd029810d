"""Reads behind the login page, the second factor and re-authentication."""

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lom.accounts.models import User
from lom.identity.models import SsoConfig
from lom.organisations.models import Membership, Role

# Roles whose password sign-in needs a second factor (an org admin of a fund organisation is
# its fund administrator).
STAFF_ROLES = (Role.COORDINATOR, Role.DECISION_MAKER, Role.ORG_ADMIN, Role.FUND_OFFICER)


def sso_login_options() -> list[SsoConfig]:  # tenant-scope: the public login page lists all
    """Every organisation's own sign-in, offered on the public login page."""
    return list(
        SsoConfig.objects.filter(enabled=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def sso_config_for_organisation(*, organisation_id: int) -> SsoConfig | None:
    return (
        SsoConfig.objects.filter(organisation_id=organisation_id, enabled=True)
        .select_related("organisation")
        .first()
    )


def password_login_closed_by(*, user: User) -> list[SsoConfig]:
    """The sign-in settings that shut this user out of password login: every organisation the
    user belongs to has switched password login off. Empty when password login is open to
    them (at least one organisation allows it, no membership at all, or a superuser, who keeps
    a way in for recovery)."""
    if user.is_superuser:
        return []
    org_ids = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    if not org_ids:
        return []
    closed = list(
        SsoConfig.objects.filter(  # tenant-scope: the user's own organisations, read above
            organisation_id__in=org_ids, password_login_enabled=False
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if {c.organisation_id for c in closed} != org_ids:
        return []
    return closed


def is_staff_user(*, user: User) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def totp_required(*, user: User) -> bool:
    """Must this user give a second factor with a password (and may not switch it off)?"""
    return bool(getattr(settings, "LOM_TOTP_REQUIRED", True)) and is_staff_user(user=user)


def totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(*, user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def second_factor_due(*, user: User) -> bool:
    """A password sign-in of this user is not complete before a second factor: they have one,
    or it is required of them (then they enrol first)."""
    return totp_device(user=user) is not None or totp_required(user=user)


def audit_organisation_id(*, user: User) -> int | None:
    """The organisation whose audit trail records this user's own sign-in settings (their
    first membership); None for a user in no organisation."""
    return (
        Membership.objects.filter(user=user)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .first()
    )
