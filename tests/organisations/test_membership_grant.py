"""Granting a role to a new account name creates the account and the role together, or
neither."""

import pytest
from django.test import Client
from django.urls import reverse

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.organisations.models import Membership, Role
from lom.organisations.services import membership_grant_by_username


def test_grant_creates_the_account_and_the_role(world):
    m = membership_grant_by_username(
        actor=world.admin,
        organisation=world.org,
        username=" ny-chef ",
        email="chef@example.org",
        role=Role.MANAGER,
        unit=world.unit_a,
    )
    user = User.objects.get(username="ny-chef")
    assert (m.user, m.role, m.unit) == (user, Role.MANAGER, world.unit_a)
    assert user.email == "chef@example.org"


def test_a_refused_grant_leaves_no_new_account(world):
    with pytest.raises(DomainError) as err:
        membership_grant_by_username(
            actor=world.admin,
            organisation=world.org,
            username="chef-utan-enhet",
            email="x@example.org",
            role=Role.MANAGER,
        )
    assert err.value.field == "unit"
    assert not User.objects.filter(username="chef-utan-enhet").exists()


def test_a_refused_grant_through_the_page_leaves_no_new_account(world):
    c = Client()
    c.force_login(world.admin)
    r = c.post(
        reverse("organisations:memberships"),
        {"username": "chef3", "email": "c3@example.org", "role": "manager"},
    )
    assert r.status_code == 200 and "En chef behöver en enhet." in r.content.decode()
    assert not User.objects.filter(username="chef3").exists()
    assert not Membership.objects.filter(user__username="chef3").exists()


def test_an_over_long_email_is_refused_naming_the_field(world):
    with pytest.raises(DomainError) as err:
        membership_grant_by_username(
            actor=world.admin,
            organisation=world.org,
            username="lang-epost",
            email="a" * 250 + "@example.org",
            role=Role.EMPLOYEE,
        )
    assert err.value.field == "email"
    assert not User.objects.filter(username="lang-epost").exists()
