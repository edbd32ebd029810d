"""Shared pieces of the browser journeys: Debian's chromium and the demo-style login."""

import shutil
import time

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The authenticator secret every browser test user gets (hex, as django-otp stores it).
TOTP_KEY = "3132333435363738393031323334353637383930"


def totp_now(key: str = TOTP_KEY) -> str:
    """The code an authenticator app with this secret shows now."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    t = TOTP(unhexlify(key))
    t.time = time.time()
    return f"{t.token():06d}"


def give_authenticator(username: str):
    """A confirmed authenticator for the user (its last code forgotten, so a second login in
    the same 30 seconds is accepted too)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lom.accounts.models import User

    user = User.objects.get(username=username)
    TOTPDevice.objects.update_or_create(
        user=user,
        name="browser",
        defaults={"key": TOTP_KEY, "confirmed": True, "last_t": -1, "throttling_failure_count": 0},
    )


def login(page, base, username, password="pw"):  # noqa: S107 - the test users' password
    """Password, then the code from the authenticator: the real two steps of a staff login."""
    give_authenticator(username)
    page.goto(f"{base}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/sso/account/two-factor/")
    page.get_by_label("Kod").fill(totp_now())
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(f"{base}/")
