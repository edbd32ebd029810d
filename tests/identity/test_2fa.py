"""Two-factor for password sign-ins: staff enrol an authenticator before they get in, a wrong
code is refused on the form, a right one (or a recovery code, once) signs in; others may
switch it on and off."""

import re
from base64 import b32decode
from binascii import hexlify

import pytest
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lom.common.models import AuditEvent
from tests.identity.account_fixtures import (
    give_device,
    logged_in_user_id,
    password_step,
    totp_now,
)

VERIFY = "/sso/account/two-factor/"
ENROL = "/sso/account/two-factor/enrol/"
CODES = "/sso/account/two-factor/codes/"
SETTINGS = "/sso/account/two-factor/settings/"


def _enrol_page_secret(html: str) -> str:
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html).group(1)
    return hexlify(b32decode(secret)).decode()


def test_staff_without_a_device_is_taken_through_enrolment(world):
    c = Client()
    r = password_step(c, world.coordinator.username, next_url="/cases/")
    assert r["Location"] == VERIFY
    assert logged_in_user_id(c) is None  # the password alone does not sign in
    r = c.get(VERIFY)
    assert r["Location"] == ENROL
    r = c.get(ENROL)
    html = r.content.decode()
    assert 'src="data:image/svg+xml' in html
    key = _enrol_page_secret(html)

    r = c.post(ENROL, {"code": "000000" if totp_now(key) != "000000" else "111111"})
    assert r.status_code == 400
    assert "error-summary" in r.content.decode() and "Koden stämmer inte" in r.content.decode()
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()
    assert logged_in_user_id(c) is None

    r = c.post(ENROL, {"code": totp_now(key)})
    assert r["Location"] == CODES
    assert logged_in_user_id(c) == str(world.coordinator.pk)
    assert TOTPDevice.objects.get(user=world.coordinator).key == key
    assert AuditEvent.objects.filter(action="identity.2fa_enabled").count() == 1
    r = c.get(CODES)
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", r.content.decode())
    assert len(codes) == 10
    assert 'href="/cases/"' in r.content.decode()
    # Shown once.
    assert c.get(CODES)["Location"] == SETTINGS


def _with_device(user):
    give_device(user)
    c = Client()
    assert password_step(c, user.username)["Location"] == VERIFY
    return c


def test_wrong_code_is_refused_and_the_right_one_signs_in(world):
    c = _with_device(world.decision_maker)
    wrong = "123456" if totp_now() != "123456" else "654321"
    r = c.post(VERIFY, {"code": wrong})
    assert r.status_code == 400
    assert "Koden stämmer inte" in r.content.decode()
    assert logged_in_user_id(c) is None
    r = c.post(VERIFY, {"code": totp_now()})
    assert r["Location"] == "/"
    assert logged_in_user_id(c) == str(world.decision_maker.pk)
    assert c.session[DEVICE_ID_SESSION_KEY]


def test_recovery_code_works_once(world):
    give_device(world.admin)
    c = Client()
    password_step(c, world.admin.username)
    # Recovery codes come from enrolment; here the static device is made as enrolment does.
    static = StaticDevice.objects.create(user=world.admin, name="r", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    r = c.post(VERIFY, {"code": "ABCD 2345"})
    assert r["Location"] == "/"
    assert AuditEvent.objects.filter(action="identity.recovery_code_used").count() == 1
    c2 = Client()
    password_step(c2, world.admin.username)
    r = c2.post(VERIFY, {"code": "abcd2345"})
    assert r.status_code == 400
    assert logged_in_user_id(c2) is None


@override_settings(LOM_TOTP_MAX_ATTEMPTS=3)
def test_too_many_wrong_codes_start_the_sign_in_over(world):
    c = _with_device(world.coordinator)
    wrong = "123456" if totp_now() != "123456" else "654321"
    assert c.post(VERIFY, {"code": wrong}).status_code == 400
    assert c.post(VERIFY, {"code": wrong}).status_code == 400
    r = c.post(VERIFY, {"code": wrong})
    assert r["Location"] == "/login/"
    # The pending sign-in is gone: even the right code does not sign in now.
    r = c.post(VERIFY, {"code": totp_now()})
    assert r["Location"] == "/login/"
    assert logged_in_user_id(c) is None


def test_second_step_without_a_password_step_goes_to_login(db):
    r = Client().get(VERIFY)
    assert r["Location"] == "/login/"


@override_settings(LOM_TOTP_REQUIRED=False)
def test_required_can_be_switched_off_for_the_demo(world):
    c = Client()
    r = password_step(c, world.coordinator.username)
    assert r["Location"] == "/"
    assert logged_in_user_id(c) == str(world.coordinator.pk)


def test_non_staff_may_switch_two_factor_on_and_off(world):
    c = Client()
    c.force_login(world.employee)
    r = c.get(SETTINGS)
    assert "Slå på tvåstegsverifiering" in r.content.decode()
    key = _enrol_page_secret(c.get(ENROL).content.decode())
    r = c.post(ENROL, {"code": totp_now(key)})
    assert r["Location"] == CODES
    assert 'href="/sso/account/two-factor/settings/"' in c.get(CODES).content.decode()
    # From now on the password sign-in asks for the code.
    c2 = Client()
    assert password_step(c2, world.employee.username)["Location"] == VERIFY
    r = c.post("/sso/account/two-factor/disable/")
    assert r["Location"] == SETTINGS
    assert not TOTPDevice.objects.filter(user=world.employee).exists()
    assert AuditEvent.objects.filter(action="identity.2fa_disabled").count() == 1
    c3 = Client()
    assert password_step(c3, world.employee.username)["Location"] == "/"


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_staff_cannot_switch_two_factor_off(world, role):
    user = getattr(world, role)
    give_device(user)
    c = Client()
    c.force_login(user)
    assert "kan inte stängas av" in c.get(SETTINGS).content.decode()
    c.post("/sso/account/two-factor/disable/")
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="identity.2fa_disabled").exists()
