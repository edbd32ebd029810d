"""Support's API covers the pages: importing employment data, the thresholds per year, and a
coach withdrawing a slot. Another organisation's thing is a 404, the wrong role a 403, a state
that refuses a 409, bad input a 422 or 400 naming the field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lom.accounts.models import ApiToken
from lom.fundmode.models import FundMembership
from lom.organisations.models import Organisation, Role
from lom.organisations.services import membership_grant
from lom.support import services
from lom.support.models import EligibilityRule, EmploymentMonth, Slot
from tests.factories import UserFactory, make_coach, make_slot

API = "/api/v1/support"
HEADER = "medarbetar_id;epost;månad;timmar_per_vecka;inkomst_kr\n"


def _caller(user) -> tuple[Client, dict]:
    _t, raw = ApiToken.issue(user=user)
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("manader.csv", (HEADER + text).encode(), content_type="text/csv")


@pytest.fixture
def fund(world):
    org = Organisation.objects.create(name="Omställningsfonden", slug="of", kind="fund")
    FundMembership.objects.create(fund=org, member=world.org, joined_on=date(2020, 1, 1))
    return org


def test_employment_data_is_imported_all_rows_or_none(world, other_world):
    c, h = _caller(world.coordinator)
    ok = f"{world.employee_rec.pk};;2025-05;37,5;31 500\n"
    r = c.post(f"{API}/eligibility/imports", {"file": _csv(ok)}, **h)
    assert r.status_code == 200 and r.json() == {"created": 1, "updated": 0}
    r = c.post(f"{API}/eligibility/imports", {"file": _csv(ok)}, **h)
    assert r.json() == {"created": 0, "updated": 1}
    # Another organisation's employee and an unreadable month: nothing is imported, each row
    # is named.
    bad = f"{world.employee_rec.pk};;2025-06;37,5;31 500\n{other_world.employee_rec.pk};;x;1;1\n"
    r = c.post(f"{API}/eligibility/imports", {"file": _csv(bad)}, **h)
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert [e["field"] for e in r.json()["errors"]] == ["file.row3"]
    assert EmploymentMonth.objects.count() == 1
    r = c.post(f"{API}/eligibility/imports", {"file": _csv("")}, **h)
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert c.post(f"{API}/eligibility/imports", {}, **h).status_code == 422
    e, he = _caller(world.employee)
    assert e.post(f"{API}/eligibility/imports", {"file": _csv(ok)}, **he).status_code == 403


def test_the_funds_administrator_sets_the_thresholds_of_a_year(world, fund):
    admin = UserFactory(username="fondadmin")
    membership_grant(actor=None, organisation=fund, user=admin, role=Role.ORG_ADMIN)
    c, h = _caller(admin)
    body = {
        "months_required": 12,
        "window_months": 24,
        "min_hours_per_week": 16.5,
        "min_monthly_income_ore": 20_000_00,
        "confirmed": True,
        "source": "Avtal 2031",
    }
    r = c.put(f"{API}/eligibility/rules/2031", body, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["year"] == 2031
    assert EligibilityRule.objects.get(year=2031).min_hours_per_week == Decimal("16.50")
    years = [x["year"] for x in c.get(f"{API}/eligibility/rules", **h).json()["items"]]
    assert years[0] == 2031 and years == sorted(years, reverse=True)
    wrong = body | {"months_required": 30}
    r = c.put(f"{API}/eligibility/rules/2031", wrong, content_type="application/json", **h)
    assert r.status_code == 400 and r.json()["field"] == "months_required"
    r = c.put(f"{API}/eligibility/rules/1999", body, content_type="application/json", **h)
    assert r.status_code == 422 and r.json()["field"] == "year"
    r = c.put(
        f"{API}/eligibility/rules/2031",
        body | {"min_hours_per_week": 200},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 422 and r.json()["field"] == "min_hours_per_week"
    k, hk = _caller(world.admin)  # an employer's administrator
    r = k.put(f"{API}/eligibility/rules/2031", body, content_type="application/json", **hk)
    assert r.status_code == 403


def test_a_coach_withdraws_an_own_free_slot(world, fund):
    coach = make_coach(fund)
    free = make_slot(coach, fund)
    booked = make_slot(coach, fund, starts_in=timedelta(days=5))
    services.slot_book(actor=world.actor(world.employee), slot_id=booked.pk)
    other = make_slot(make_coach(fund, "annan-vagledare"), fund)
    c, h = _caller(coach)
    assert c.post(f"{API}/slots/{booked.pk}/withdraw", **h).status_code == 409
    assert c.post(f"{API}/slots/{other.pk}/withdraw", **h).status_code == 404
    e, he = _caller(world.employee)
    assert e.post(f"{API}/slots/{free.pk}/withdraw", **he).status_code == 404
    assert c.post(f"{API}/slots/{free.pk}/withdraw", **h).status_code == 204
    assert not Slot.objects.filter(pk=free.pk).exists()
    assert c.post(f"{API}/slots/{free.pk}/withdraw", **h).status_code == 404
    # Booked and published: the employee sees no free slot left but the other coach's.
    items = e.get(f"{API}/slots", **he).json()["items"]
    assert [s["id"] for s in items] == [other.pk]
