"""Helpers of the login, two-factor, session and re-authentication tests."""

import time

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lom.common.auth_session import AUTH_AT_KEY, LAST_SEEN_KEY, SESSION_STARTED_KEY
from lom.identity.models import SsoConfig
from tests.browser import TOTP_KEY, totp_now

__all__ = ["TOTP_KEY", "totp_now"]


def give_device(user, key: str = TOTP_KEY) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=True)


def sso_config(org, *, protocol="saml", enabled=True, password=True, label="") -> SsoConfig:
    return SsoConfig.objects.create(
        organisation=org,
        protocol=protocol,
        enabled=enabled,
        password_login_enabled=password,
        button_label=label,
    )


FACTORY_PASSWORD = "pw"


def password_step(
    client: Client, username: str, password: str = FACTORY_PASSWORD, next_url: str = ""
):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def age_session(client: Client, **seconds_ago: int) -> None:
    """Move the session's sign-in marks into the past (keys: at, started, seen)."""
    keys = {"at": AUTH_AT_KEY, "started": SESSION_STARTED_KEY, "seen": LAST_SEEN_KEY}
    session = client.session
    now = int(time.time())
    for name, ago in seconds_ago.items():
        session[keys[name]] = now - ago
    session.save()


def logged_in_user_id(client: Client):
    return client.session.get("_auth_user_id")
