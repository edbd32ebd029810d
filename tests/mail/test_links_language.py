"""The language of a user's mail: kept when they switch language while signed in, and taken
from the sign-in for a new user."""

import pytest
from django.test import Client
from django.utils import translation

from lom.accounts.models import User
from lom.identity.models import RoleMapping, SsoConfig
from lom.identity.services import IdentityClaims, sso_sign_in
from lom.organisations.models import Role

pytestmark = pytest.mark.django_db


def test_switching_language_while_signed_in_keeps_it_on_the_account(world):
    client = Client()
    client.force_login(world.employee)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=world.employee.pk).language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # unknown: ignored
    assert User.objects.get(pk=world.employee.pk).language == "en"
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert User.objects.get(pk=world.employee.pk).language == "sv"


def test_switching_language_signed_out_still_works(db):
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response.url == "/login/"
    assert response.cookies["django_language"].value == "en"


def test_a_new_user_gets_the_language_they_signed_in_with(world):
    cfg = SsoConfig.objects.create(organisation=world.org, protocol="saml")
    RoleMapping.objects.create(config=cfg, group="LOM-Samordnare", role=Role.COORDINATOR)
    claims = IdentityClaims(
        protocol="saml", issuer="https://idp.example", subject="s-9", groups=("LOM-Samordnare",)
    )
    with translation.override("en"):
        user = sso_sign_in(organisation=world.org, claims=claims)
    assert user.language == "en"
