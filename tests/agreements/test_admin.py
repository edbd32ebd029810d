"""The installation's reference data in the Django admin, through its services: a new
contribution rate can be added and an open one closed, but a rate fund periods were computed
with keeps its percentage; kinds of measure keep their code."""

from datetime import date
from decimal import Decimal

import pytest

from lom.agreements.models import ContributionRate, MeasureType
from tests.factories import UserFactory, signed_in


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_new_rate_is_added_and_closed_but_its_percentage_stays(root):
    c = signed_in(root)
    r = c.post(
        "/django-admin/agreements/contributionrate/add/",
        {"name": "Avtal 2027", "percent": "0.250", "valid_from": "2027-01-01"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    rate = ContributionRate.objects.get(name="Avtal 2027")
    assert rate.percent == Decimal("0.250") and rate.valid_to is None

    r = c.post(
        f"/django-admin/agreements/contributionrate/{rate.pk}/change/",
        {"name": "Avtal 2027", "percent": "9.000", "valid_to": "2029-12-31"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    rate.refresh_from_db()
    assert rate.valid_to == date(2029, 12, 31)
    assert rate.percent == Decimal("0.250")


def test_a_rate_that_ends_before_it_starts_is_refused_on_the_form(root):
    r = signed_in(root).post(
        "/django-admin/agreements/contributionrate/add/",
        {
            "name": "Fel",
            "percent": "0.250",
            "valid_from": "2027-01-01",
            "valid_to": "2026-01-01",
        },
    )
    assert r.status_code == 200
    assert "upphöra före" in r.content.decode()
    assert not ContributionRate.objects.filter(name="Fel").exists()


def test_a_kind_of_measure_keeps_its_code(root):
    c = signed_in(root)
    r = c.post(
        "/django-admin/agreements/measuretype/add/",
        {"code": "mentoring", "name": "Mentorskap", "description": "", "sort_order": 50},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    mt = MeasureType.objects.get(code="mentoring")
    r = c.post(
        f"/django-admin/agreements/measuretype/{mt.pk}/change/",
        {"code": "other", "name": "Mentorskap och skuggning", "description": "", "sort_order": 5},
    )
    assert r.status_code == 302
    mt.refresh_from_db()
    assert mt.code == "mentoring" and mt.name == "Mentorskap och skuggning"
    assert mt.sort_order == 5
