"""A lost authenticator is reset in the Django admin through the identity service: both the
authenticator and the recovery codes go, the reset is audited, the secret is never shown, and
the user is taken through enrolment at their next sign-in."""

from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lom.common.models import AuditEvent
from lom.identity.services.account import totp_enrol
from tests.factories import UserFactory, signed_in
from tests.identity.account_fixtures import TOTP_KEY, password_step, totp_now

VERIFY = "/sso/account/two-factor/"


def test_resetting_a_second_factor_in_the_admin(world):
    user = world.coordinator
    totp_enrol(user=user, key=TOTP_KEY, code=totp_now(TOTP_KEY))
    device = TOTPDevice.objects.get(user=user)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    c = signed_in(root)
    page = c.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert TOTP_KEY not in page
    assert c.post(f"/django-admin/otp_totp/totpdevice/{device.pk}/change/", {}).status_code == 403

    stale = signed_in(root, auth_age_seconds=3 * 3600)
    r = stale.post(f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert "/reauth" in r["Location"] and TOTPDevice.objects.filter(user=user).exists()

    r = c.post(f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="identity.2fa_reset", target_id=user.pk)
    assert event.actor == root

    browser = Client()
    assert password_step(browser, user.username)["Location"] == VERIFY
    assert browser.get(VERIFY)["Location"].endswith("/enrol/")


def test_django_groups_are_not_offered(world):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert signed_in(root).get("/django-admin/auth/group/").status_code == 404
