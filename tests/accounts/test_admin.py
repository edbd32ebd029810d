"""Accounts in the Django admin go through the account services: switching an account off
signs it out and stops its API tokens (as SCIM does), every change is audited, and the acts
need a recent sign-in."""

import pytest
from django.test import Client

from lom.accounts.models import ApiToken, User
from lom.common.models import AuditEvent
from tests.factories import UserFactory, signed_in


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def user_form(user: User, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
    }
    return {k: v for k, v in (data | changes).items() if v != ""}


def test_deactivating_in_the_admin_signs_out_stops_tokens_and_is_audited(world, root):
    user = world.coordinator
    browser = Client()
    browser.force_login(user)
    assert browser.get("/funds/").status_code == 200
    _token, raw = ApiToken.issue(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/cases").status_code == 200

    url = f"/django-admin/accounts/user/{user.pk}/change/"
    r = signed_in(root).post(url, user_form(user, is_active=""))
    assert r.status_code == 302, r.content.decode()[:2000]

    user.refresh_from_db()
    assert not user.is_active
    page = browser.get("/funds/")
    assert page.status_code == 302 and "/login" in page["Location"]
    assert api.get("/api/v1/cases").status_code == 401
    event = AuditEvent.objects.get(action="user.deactivate", target_id=user.pk)
    assert event.organisation == world.org and event.actor == root
    assert event.before == {"is_active": True} and event.after == {"is_active": False}


def test_making_a_superuser_needs_a_recent_sign_in_and_is_audited(world, root):
    user = world.auditor
    url = f"/django-admin/accounts/user/{user.pk}/change/"
    stale = signed_in(root, auth_age_seconds=3 * 3600)
    r = stale.post(url, user_form(user, is_staff="on", is_superuser="on"))
    assert r.status_code == 302 and "/reauth" in r["Location"]
    user.refresh_from_db()
    assert not user.is_superuser

    r = signed_in(root).post(url, user_form(user, is_staff="on", is_superuser="on"))
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.is_superuser and user.is_staff
    event = AuditEvent.objects.get(action="user.update", target_id=user.pk)
    assert event.after == {"is_staff": True, "is_superuser": True}


def test_an_admin_cannot_switch_off_their_own_account(root):
    url = f"/django-admin/accounts/user/{root.pk}/change/"
    r = signed_in(root).post(url, user_form(root, is_active=""))
    assert r.status_code == 200
    assert "eget konto" in r.content.decode()
    root.refresh_from_db()
    assert root.is_active


def test_creating_an_account_and_setting_its_password_go_through_the_services(world, root):
    c = signed_in(root)
    r = c.post(
        "/django-admin/accounts/user/add/",
        {
            "username": "ny.person",
            "usable_password": "true",
            "password1": "Ett-langt-losenord-42",
            "password2": "Ett-langt-losenord-42",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    user = User.objects.get(username="ny.person")
    assert user.check_password("Ett-langt-losenord-42")

    user.memberships.create(organisation=world.org, role="employee")
    r = c.post(
        f"/django-admin/accounts/user/{user.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Ett-annat-losenord-43",
            "password2": "Ett-annat-losenord-43",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password("Ett-annat-losenord-43")
    event = AuditEvent.objects.get(action="user.password_set", target_id=user.pk)
    assert event.actor == root and "Ett-annat" not in str(event.after)


def test_revoking_an_api_token_in_the_admin_is_audited(world, root):
    token, raw = ApiToken.issue(user=world.coordinator)
    r = signed_in(root).post(f"/django-admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/cases").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", target_id=token.pk).exists()


def test_the_user_admin_offers_no_groups_nor_bulk_delete(world, root):
    c = signed_in(root)
    page = c.get(f"/django-admin/accounts/user/{world.auditor.pk}/change/").content.decode()
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    assert "delete_selected" not in c.get("/django-admin/accounts/user/").content.decode()
