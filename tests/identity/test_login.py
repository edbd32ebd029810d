"""The login page: a button per organisation with its own sign-in switched on, password login
for the rest, and password login refused where an organisation has switched it off."""

from django.test import Client, override_settings

from lom.common.auth_session import AUTH_METHOD_KEY
from lom.common.models import AuditEvent
from lom.organisations.models import Membership, Organisation
from tests.identity.account_fixtures import (
    logged_in_user_id,
    password_step,
    sso_config,
)


def test_login_page_offers_sign_in_only_for_enabled_configurations(world, other_world):
    sso_config(world.org, protocol="saml", label="Alfa-kontot")
    sso_config(other_world.org, protocol="oidc", enabled=False)
    gamma = Organisation.objects.create(name="Region Gamma", slug="gamma")
    sso_config(gamma, protocol="oidc")
    r = Client().get("/login/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Logga in med Alfa-kontot" in html
    assert 'href="/sso/saml/alfa/login/?next=%2F"' in html
    assert "Logga in med Region Gamma" in html
    assert "/sso/oidc/gamma/login/" in html
    assert "Organisation beta" not in html
    assert "e-legitimation" not in html


def test_employee_signs_in_with_password_only(world):
    c = Client()
    r = password_step(c, world.employee.username, next_url="/cases/")
    assert r.status_code == 302 and r["Location"] == "/cases/"
    assert logged_in_user_id(c) == str(world.employee.pk)
    assert c.session[AUTH_METHOD_KEY] == "password"


def test_wrong_password_is_refused_on_the_form(world):
    c = Client()
    r = password_step(c, world.employee.username, password="fel")
    assert r.status_code == 400
    assert "error-summary" in r.content.decode()
    assert logged_in_user_id(c) is None


def test_next_to_another_host_is_ignored(world):
    c = Client()
    r = password_step(c, world.employee.username, next_url="https://evil.example/")
    assert r["Location"] == "/"


def test_password_switched_off_refuses_with_a_pointer_to_the_organisations_sign_in(world):
    sso_config(world.org, protocol="saml", password=False, label="Alfa-kontot")
    c = Client()
    r = password_step(c, world.employee.username)
    html = r.content.decode()
    assert r.status_code == 400
    assert "Logga in med Alfa-kontot" in html and "error-summary" in html
    assert logged_in_user_id(c) is None
    event = AuditEvent.objects.get(action="identity.password_login_refused")
    assert event.organisation_id == world.org.pk and event.target_id == world.employee.pk


def test_password_stays_open_when_one_of_the_users_organisations_allows_it(world, other_world):
    sso_config(world.org, password=False)
    Membership.objects.create(user=world.employee, organisation=other_world.org, role="employee")
    c = Client()
    r = password_step(c, world.employee.username)
    assert r.status_code == 302
    assert logged_in_user_id(c) == str(world.employee.pk)


def test_superuser_keeps_password_login_for_recovery(world):
    sso_config(world.org, password=False)
    world.admin.is_superuser = True
    world.admin.save()
    c = Client()
    r = password_step(c, world.admin.username)
    # Not refused: on to the second factor, which a superuser always gives.
    assert r.status_code == 302 and r["Location"] == "/sso/account/two-factor/"
    assert not AuditEvent.objects.filter(action="identity.password_login_refused").exists()


def test_the_admin_login_goes_through_the_login_page(db):
    r = Client().get("/django-admin/login/?next=/django-admin/")
    assert r.status_code == 302
    assert r["Location"] == "/login/?next=%2Fdjango-admin%2F"
    r = Client().get("/django-admin/")
    assert r.status_code == 302
    r2 = Client().get(r["Location"])
    assert r2.status_code == 302 and r2["Location"].startswith("/login/?next=")


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_account_out(world):
    c = Client()
    for _i in range(3):
        password_step(c, world.employee.username, password="fel")
    r = password_step(c, world.employee.username)
    assert r.status_code in (403, 429)
    assert logged_in_user_id(c) is None
