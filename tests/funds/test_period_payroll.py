"""The fund period form pre-fills the payroll of the start year from the staff register's
imported payroll (funds.AnnualPayroll)."""

from django.test import Client

from lom.funds.models import AnnualPayroll


def _page(user, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/funds/new/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_payroll_of_the_start_year_is_filled_in(world):
    AnnualPayroll.objects.create(organisation=world.org, year=2027, payroll_ore=1_250_000_000_00)
    AnnualPayroll.objects.create(organisation=world.org, year=2026, payroll_ore=1_100_000_000_00)
    html = _page(world.coordinator, "?start=2027-01-01")
    assert 'value="1250000000,00"' in html
    assert "lönesumman för 2027" in html
    assert 'value="2027-01-01"' in html


def test_no_payroll_for_the_year_leaves_the_field_empty(world, other_world):
    AnnualPayroll.objects.create(organisation=other_world.org, year=2031, payroll_ore=5_00)
    html = _page(world.coordinator, "?start=2031-01-01")
    assert "lönesumman för" not in html
    assert _page(world.coordinator, "?start=2031-02-30").count("personalregistret") == 0
