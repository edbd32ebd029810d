"""Organisation admin and coordinator set-up pages: units, unions, employees, roles,
local agreements and fund periods."""

from datetime import date

from django.test import Client
from django.urls import reverse

from lom.agreements.models import ContributionRate, LocalAgreement, MeasureType
from lom.common.models import AuditEvent
from lom.funds.models import FundPeriod
from lom.funds.selectors import fund_balance
from lom.organisations.access import actor_for
from lom.organisations.models import Employee, Membership, Union, Unit


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_admin_builds_unit_tree_and_adds_an_employee(world):
    c = client_for(world.admin)
    r = c.post(reverse("organisations:units"), {"name": "Sektion A1", "parent": world.unit_a.pk})
    assert r.status_code == 302
    sub = Unit.objects.get(name="Sektion A1")
    assert sub.path == f"{world.unit_a.path}{sub.pk}/"
    r = c.post(
        reverse("organisations:employee_create"),
        {
            "first_name": "Nora",
            "last_name": "Ny",
            "email": "nora@example.org",
            "unit": sub.pk,
            "occupational_group": "Utredare",
            "employment_start": "2020-02-01",
            "employment_form": "permanent",
            "birth_year": 1990,
            "gender": "F",
            "active": "on",
        },
    )
    assert r.status_code == 302
    nora = Employee.objects.get(first_name="Nora")
    assert nora.organisation == world.org and nora.unit == sub
    assert AuditEvent.objects.filter(action="employee.create", target_id=nora.pk).exists()
    # The manager of unit A now also manages the new sub-unit's staff.
    assert actor_for(user=world.manager, organisation_id=world.org.pk).manages_path(sub.path)


def test_employee_form_rejects_impossible_data_and_keeps_input(world):
    c = client_for(world.admin)
    r = c.post(
        reverse("organisations:employee_create"),
        {
            "first_name": "Ung",
            "last_name": "Person",
            "unit": world.unit_a.pk,
            "employment_start": "2020-02-01",
            "employment_form": "permanent",
            "birth_year": date.today().year - 3,
            "gender": "M",
        },
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "Födelseåret verkar inte stämma." in page and 'value="Person"' in page


def test_admin_adds_union_and_grants_roles(world):
    c = client_for(world.admin)
    c.post(reverse("organisations:unions"), {"name": "Seko"})
    seko = Union.objects.get(organisation=world.org, name="Seko")
    r = c.post(
        reverse("organisations:memberships"),
        {"username": "ny-facklig", "email": "f@example.org", "role": "union_rep", "union": seko.pk},
    )
    assert r.status_code == 302
    m = Membership.objects.get(user__username="ny-facklig")
    assert (m.role, m.union, m.organisation) == ("union_rep", seko, world.org)
    # A manager needs a unit: a clear message, nothing saved.
    r = c.post(reverse("organisations:memberships"), {"username": "chef2", "role": "manager"})
    assert r.status_code == 200 and "En chef behöver en enhet." in r.content.decode()
    assert not Membership.objects.filter(user__username="chef2").exists()
    c.post(reverse("organisations:membership_revoke", args=[m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()


def test_only_admins_reach_the_admin_pages(world):
    for role in ("employee", "manager", "coordinator", "union_rep", "auditor"):
        r = client_for(world.users[role]).get(reverse("organisations:employees"))
        assert r.status_code == 403, role


def test_coordinator_records_a_new_local_agreement(world):
    c = client_for(world.coordinator)
    mts = list(MeasureType.objects.filter(code__in=["coaching", "job_rotation"]))
    r = c.post(
        reverse("agreements:create"),
        {
            "title": "Nytt avtal 2030",
            "valid_from": "2030-01-01",
            "valid_to": "2032-12-31",
            "decision_model": "joint",
            "quorum": "all_parties",
            "objection_answer_days": 14,
            "reconsideration_days": 21,
            "purpose_text": "Proaktivt.",
            "exclusions": "",
            "excludes_ordinary_training": "on",
            "allow_group": "on",
            "requires_manager_endorsement": "on",
            "allows_carry_over": "on",
            "follow_up_text": "Årlig rapport.",
            "cap_per_person": "50 000",
            "objection_days": 14,
            "cap_per_application": "",
            "unions": [world.union.pk],
            "measure_types": [m.pk for m in mts],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = LocalAgreement.objects.get(title="Nytt avtal 2030")
    assert a.decision_model == "joint" and a.cap_per_person_ore == 50_000_00
    assert a.application_kinds() == ["group"]
    assert set(a.measure_types.all()) == set(mts)
    # An agreement that allows no way to apply is refused with a reason.
    r = c.post(
        reverse("agreements:edit", args=[a.pk]),
        {
            "title": "Tomt",
            "valid_from": "2030-01-01",
            "decision_model": "joint",
            "quorum": "all_parties",
            "objection_answer_days": 14,
            "reconsideration_days": 21,
            "objection_days": 14,
            "measure_types": [mts[0].pk],
        },
    )
    assert r.status_code == 200 and "minst ett sätt att ansöka" in r.content.decode()


def test_coordinator_creates_fund_period_from_payroll_and_rate(world):
    c = client_for(world.coordinator)
    rate = ContributionRate.objects.get(percent="0.200")
    r = c.post(
        reverse("funds:create"),
        {
            "name": "LOM 2031",
            "start": "2031-01-01",
            "end": "2031-12-31",
            "method": "payroll_rate",
            "payroll": "800 000 000",
            "rate": rate.pk,
            "previous": world.period.pk,
            "carry_over": "on",
        },
    )
    assert r.status_code == 302
    p = FundPeriod.objects.get(name="LOM 2031")
    b = fund_balance(period=p)
    # The carry-over is only the intent: it is booked when the previous period is closed.
    assert b.allocated == 1_600_000_00 and b.carried_over == 0 and p.carry_over_from_previous
    # Missing payroll: told which field.
    r = c.post(
        reverse("funds:create"),
        {
            "name": "LOM 2032",
            "start": "2032-01-01",
            "end": "2032-12-31",
            "method": "payroll_rate",
            "rate": rate.pk,
        },
    )
    assert r.status_code == 200 and "Ange lönesumman." in r.content.decode()


def test_coordinator_sees_completeness_checklist(world):
    from tests.factories import make_case

    case = make_case(world)
    page = client_for(world.coordinator).get(reverse("cases:detail", args=[case.pk]))
    body = page.content.decode()
    assert "Kontroll av fullständighet" in body and "Minst en bilaga" in body
    # The applicant does not get the coordinator's checklist.
    body = client_for(world.employee).get(reverse("cases:detail", args=[case.pk])).content
    assert "Kontroll av fullständighet" not in body.decode()
