"""A coordinator's first password sign-in in a real browser (Debian's chromium): password,
enrolment of an authenticator from the QR page (the secret typed from the page, as a user
without a camera would), the recovery codes shown once, and in."""

from base64 import b32decode
from binascii import hexlify

import pytest

from tests.browser import totp_now

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_coordinator_enrols_an_authenticator_on_first_sign_in(live_server, browser):
    from tests.factories import make_world

    w = make_world("tva")
    base = live_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    problems: list[str] = []
    # A script error or a Content-Security-Policy refusal (e.g. of the inline QR image) fails
    # the test; the 400 of the refused code is expected.
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{base}/login/")
    page.get_by_label("Användarnamn").fill(w.coordinator.username)
    page.get_by_label("Lösenord").fill("pw")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/sso/account/two-factor/enrol/")
    qr = page.get_by_role("img", name="QR-kod för att lägga till LOM i autentiseringsappen")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    key = hexlify(b32decode(page.locator("#totp-secret").inner_text())).decode()
    page.get_by_label("Kod från appen").fill("000000" if totp_now(key) != "000000" else "111111")
    page.get_by_role("button", name="Bekräfta").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Kod från appen").fill(totp_now(key))
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_url(f"{base}/sso/account/two-factor/codes/")
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="Jag har sparat koderna").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("button", name=f"Logga ut ({w.coordinator.username})").is_visible()
    assert not problems
