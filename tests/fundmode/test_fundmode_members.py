"""The fund administrator keeps the list of member employers."""

import pytest
from django.test import Client

from lom.common.errors import DomainError, PermissionDeniedError
from lom.fundmode import services as fs
from lom.fundmode.models import FundMembership
from lom.organisations.models import Organisation
from tests.factories import make_fund, make_world, open_and_allocate

pytestmark = pytest.mark.django_db


def municipality(world):
    world.org.kind = Organisation.Kind.MUNICIPALITY
    world.org.save(update_fields=["kind"])
    return world.org


def test_admin_adds_and_removes_a_member_through_the_page(world):
    f = make_fund("medlemsfond")
    org = municipality(world)
    c = Client()
    c.force_login(f.admin)
    page = c.get("/fund/members/").content.decode()
    assert org.name in page  # offered as a candidate
    r = c.post("/fund/members/", {"member": "", "joined_on": ""})
    assert "Välj vilken arbetsgivare som ska bli medlem." in r.content.decode()
    r = c.post("/fund/members/", {"member": org.pk, "joined_on": "2025-01-01"}, follow=True)
    membership = FundMembership.objects.get(fund=f.fund, member=org)
    assert str(membership.joined_on) == "2025-01-01"
    assert "är nu medlem i fonden" in r.content.decode()
    c.post(f"/fund/members/{membership.pk}/remove/")
    assert not FundMembership.objects.filter(pk=membership.pk).exists()


def test_rules_for_members(world, other_world):
    f = make_fund("regelfond")
    admin = f.actor(f.admin)
    with pytest.raises(DomainError, match="Bara regioner och kommuner"):
        fs.member_add(actor=admin, member=world.org)  # a state agency
    org = municipality(world)
    fs.member_add(actor=admin, member=org)
    other_fund = make_fund("annanfond")
    with pytest.raises(DomainError, match="redan medlem"):
        fs.member_add(actor=other_fund.actor(other_fund.admin), member=org)
    with pytest.raises(PermissionDeniedError):
        fs.member_add(actor=f.actor(f.officer), member=municipality(other_world))
    # Another fund's administrator cannot remove it.
    membership = FundMembership.objects.get(member=org)
    with pytest.raises(PermissionDeniedError):
        fs.member_remove(actor=other_fund.actor(other_fund.admin), membership=membership)


def test_a_member_with_a_pot_cannot_be_removed(world, other_world):
    f = make_fund("pottfond", members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    open_and_allocate(f)
    membership = FundMembership.objects.get(fund=f.fund, member=world.org)
    with pytest.raises(DomainError, match="har en pott"):
        fs.member_remove(actor=f.actor(f.admin), membership=membership)
    c = Client()
    c.force_login(f.admin)
    r = c.post(f"/fund/members/{membership.pk}/remove/", follow=True)
    assert "har en pott" in r.content.decode()
    assert FundMembership.objects.filter(pk=membership.pk).exists()


def test_only_the_fund_administrator_sees_the_page(world):
    f = make_fund("sidfond")
    other = make_world("utomstaende")
    for user in (f.officer, f.auditor, world.coordinator, other.users["admin"]):
        c = Client()
        c.force_login(user)
        assert c.get("/fund/members/").status_code == 404
