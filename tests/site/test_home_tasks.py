"""Each role's home page starts with that role's own next tasks: the manager's cases waiting
for endorsement, the fund officer's notifications and claims, the fund administrator's
periods, the counsellor's support applications and bookings. "Ny ansökan" is not offered to
the fund's staff or to a counsellor."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from lom.fundmode import services as fs
from lom.fundmode.models import FundMembership
from lom.support.models import EligibilityRule
from lom.support.services import slot_book
from tests.factories import (
    make_case,
    make_coach,
    make_fund,
    make_slot,
    notify_measure,
    open_and_allocate,
    set_agreement_rules,
    signed_in,
)
from tests.support.test_support_applications import rule as _rule  # noqa: F401
from tests.support.test_support_applications import submit


def home(user) -> str:
    r = signed_in(user).get("/")
    assert r.status_code == 200
    return r.content.decode()


def first_section(html: str) -> tuple[str, str]:
    """The id and the text of the first task section of the page's content."""
    main = html.split('id="main"', 1)[1]
    found = re.search(r'<section class="card" id="([^"]+)"(.*?)</section>', main, re.S)
    assert found, "no section"
    return found.group(1), " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


@pytest.mark.django_db
def test_the_manager_starts_with_the_cases_waiting_for_endorsement(world):
    set_agreement_rules(world.org, requires_manager_endorsement=True)
    case = make_case(world, title="Kurs i ledarskap")
    assert case.status == "awaiting_endorsement"
    key, text = first_section(home(world.manager))
    assert key == "tasks-endorse"
    assert "Väntar på ditt tillstyrkande" in text and "Kurs i ledarskap" in text


@pytest.mark.django_db
def test_the_fund_officer_starts_with_the_notifications_to_assess(fw):
    notify_measure(fw, fw.round, title="Kurs i klassificering")
    html = home(fw.officer)
    key, text = first_section(html)
    assert key == "tasks-assess"
    assert "Anmälningar att bedöma" in text and "Kurs i klassificering" in text
    assert "Organisation alfa" in text
    assert 'id="tasks-claims"' in html
    assert "Ny ansökan" not in html


@pytest.mark.django_db
def test_the_fund_administrator_starts_with_the_periods_to_act_on(fw):
    today_round = fw.round
    html = home(fw.admin)
    key, text = first_section(html)
    assert key == "tasks-rounds"
    assert "Perioder och potter att hantera" in text and today_round.name in text
    assert "Rekvisition senast" in text
    assert "Ny ansökan" not in html


@pytest.mark.django_db
def test_an_open_period_asks_the_fund_administrator_to_allocate(world):
    f = make_fund(members=[world.org])
    today = timezone.localdate()
    fs.round_open(
        actor=f.actor(f.admin),
        name="Period 2",
        start=today,
        end=today + timedelta(days=365),
        claim_deadline=today + timedelta(days=400),
        total_ore=500_000_00,
    )
    _key, text = first_section(home(f.admin))
    assert "Period 2" in text and "Fördela potterna" in text


@pytest.mark.django_db
def test_the_counsellor_starts_with_support_applications_and_bookings(world):
    coach = make_coach(world.org, "egen-vagledare")
    assert EligibilityRule.objects.filter(year=2025).exists()
    submit(world)
    slot = make_slot(coach, world.org)
    slot_book(actor=world.actor(world.employee), slot_id=slot.pk)
    html = home(coach)
    key, text = first_section(html)
    assert key == "tasks-support"
    assert "Ansökningar om stöd att ta hand om" in text and "Karriärvägledning" in text
    bookings = html.split('id="tasks-bookings"', 1)[1].split("</section>", 1)[0]
    assert "Kommande vägledningssamtal" in bookings and "Eva Ek" in bookings
    assert "Ny ansökan" not in html


@pytest.mark.django_db
def test_a_fund_counsellor_also_sees_the_members_applications(world):
    f = make_fund(members=[])
    FundMembership.objects.get_or_create(
        fund=f.fund, member=world.org, defaults={"joined_on": "2020-01-01"}
    )
    coach = make_coach(f.fund, "fond-vagledare")
    submit(world)
    key, text = first_section(home(coach))
    assert key == "tasks-support" and "Karriärvägledning" in text


@pytest.mark.django_db
def test_the_employee_still_starts_with_a_new_application(world):
    html = home(world.employee)
    assert 'id="next-tasks"' not in html and "Ny ansökan" in html
