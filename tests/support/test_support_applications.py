"""From eligibility to support: an employee whose self-check says eligible applies for
individual support, prefilled from the check; the server runs the check again and stores only
the summary the employee agreed to share; the counsellors who serve the employee are told,
take the application and close it, or the employee withdraws it."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import Notification
from lom.fundmode.models import FundMembership
from lom.mail.models import OutboundMail
from lom.organisations.models import Organisation
from lom.privacy.services.retention import retention_run
from lom.support import eligibility as el
from lom.support.eligibility import MonthRecord
from lom.support.models import EligibilityCheck, EligibilityRule, SupportApplication
from lom.support.services.applications import (
    support_application_submit,
    support_application_transition,
)
from lom.support.workflow import TRANSITIONS
from tests.factories import make_coach

AS_OF = "2025-06-15"
TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.fixture(autouse=True)
def rule(db):
    EligibilityRule.objects.update_or_create(
        year=2025,
        defaults={
            "months_required": 12,
            "window_months": 24,
            "min_hours_per_week": Decimal(16),
            "min_monthly_income_ore": 18_575_00,
            "confirmed": True,
        },
    )


@pytest.fixture
def coach(world):
    user = make_coach(world.org, "egen-vagledare")
    user.email = "vagledare@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def fund_coach(world):
    fund = Organisation.objects.create(name="Fonden", slug="fonden-ans", kind="fund")
    FundMembership.objects.create(fund=fund, member=world.org, joined_on=date(2020, 1, 1))
    return make_coach(fund, "fond-vagledare-ans")


def _months() -> list[date]:
    """The 24 months of the window ending 2025-06, oldest first."""
    return list(reversed([el.add_months(date(2025, 6, 1), -i) for i in range(24)]))


def check_data(counted: int) -> dict[str, str]:
    """The self-check form's data: the last `counted` months at 16 hours, the rest at 15.9."""
    data = {"as_of": AS_OF, "m-TOTAL_FORMS": "24", "m-INITIAL_FORMS": "24"}
    for i, m in enumerate(_months()):
        data[f"m-{i}-month"] = m.isoformat()
        data[f"m-{i}-hours_per_week"] = "16" if i >= 24 - counted else "15,9"
        data[f"m-{i}-income"] = ""
    return data


def records(counted: int) -> list[MonthRecord]:
    return [
        MonthRecord(month=m, hours_per_week=Decimal(16), income_ore=None)
        for m in _months()[24 - counted :]
    ]


def api_months(counted: int) -> list[dict]:
    return [
        {"month": m.strftime("%Y-%m"), "hours_per_week": "16"} for m in _months()[24 - counted :]
    ]


def submit(world, counted: int = 12, **kw) -> SupportApplication:
    args = {"wish": "career", "contact": "email", "consent": True, "description": "Ny bana"}
    return support_application_submit(
        actor=world.actor(world.employee),
        as_of=date(2025, 6, 15),
        records=records(counted),
        **(args | kw),
    )


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- the web flow ----------------------------------------------------------------------------


def test_eligible_result_leads_to_a_prefilled_form_and_an_application_with_the_summary(
    world, coach, fund_coach
):
    c = client(world.employee)
    body = c.post("/support/eligibility/self/", check_data(12)).content.decode()
    assert "Grundvillkoret är uppfyllt" in body
    assert "Ansök om individuellt stöd" in body and 'action="/support/applications/new/"' in body
    start = check_data(12) | {"start": "1"}
    r = c.post("/support/applications/new/", start)
    body = r.content.decode()
    assert r.status_code == 200
    assert "Det här skickas med till vägledaren" in body and "12 (minst 12 krävs)" in body
    assert "Något behöver rättas" not in body  # the first view of the form is not a refusal
    assert 'name="m-23-hours_per_week" value="16"' in body  # the check's inputs travel along
    send = check_data(12) | {
        "wish": "education",
        "contact": "phone",
        "consent": "on",
        "description": "Jag vill läsa till undersköterska.",
    }
    r = c.post("/support/applications/new/", send)
    a = SupportApplication.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/support/applications/{a.pk}/"
    assert a.employee == world.employee_rec and a.created_by == world.employee
    assert a.organisation == world.org and a.status == "submitted"
    assert (a.wish, a.contact, a.consent) == ("education", "phone", True)
    assert a.eligible and a.as_of == date(2025, 6, 15) and a.rule_year == 2025
    assert (a.counted_months, a.months_required, a.rule_confirmed) == (12, 12, True)
    # The check itself is still not stored.
    assert EligibilityCheck.objects.count() == 0
    # Both the employer's and the fund's counsellors are told, in the app and by mail.
    for u in (coach, fund_coach):
        n = Notification.objects.get(user=u, kind="support")
        assert n.url == f"/support/applications/{a.pk}/" and "Eva Ek" in n.shown
    assert OutboundMail.objects.filter(kind="support", user=coach).exists()
    # The employee sees it among their applications.
    body = c.get("/support/applications/").content.decode()
    assert f"/support/applications/{a.pk}/" in body and "Planering av utbildning" in body


def test_not_eligible_shows_no_button_and_a_forced_post_is_refused(world, coach):
    c = client(world.employee)
    body = c.post("/support/eligibility/self/", check_data(11)).content.decode()
    assert "Grundvillkoret är inte uppfyllt" in body
    assert "/support/applications/new/" not in body
    assert "kan du inte ansöka om individuellt stöd här" in body
    send = check_data(11) | {"wish": "career", "contact": "email", "consent": "on"}
    r = c.post("/support/applications/new/", send)
    assert r.status_code == 400 and "inte uppfyllt" in r.content.decode()
    assert not SupportApplication.objects.exists()
    assert not Notification.objects.filter(kind="support").exists()
    with pytest.raises(DomainError) as exc:
        submit(world, counted=11)
    assert exc.value.field == "months" and exc.value.code == "not_eligible"
    assert not SupportApplication.objects.exists()


def test_a_refused_form_keeps_what_was_typed(world):
    c = client(world.employee)
    send = check_data(12) | {"wish": "other", "contact": "meeting", "description": "Snickare?"}
    r = c.post("/support/applications/new/", send)  # no consent
    body = r.content.decode()
    assert r.status_code == 400 and "Något behöver rättas" in body
    assert "Du behöver samtycka" in body and "Snickare?" in body
    assert re.search(r'<input[^>]*value="other"[^>]*checked', body)
    assert not SupportApplication.objects.exists()
    r = c.post("/support/applications/new/", send | {"consent": "on", "description": TEN_MB})
    assert r.status_code == 400 and "Beskriv med egna ord" in r.content.decode()
    assert not SupportApplication.objects.exists()


def test_only_employees_apply(world):
    c = client(world.coordinator)  # not an employee in make_world
    assert c.post("/support/applications/new/", check_data(12)).status_code == 403
    with pytest.raises(PermissionDeniedError):
        support_application_submit(
            actor=world.actor(world.coordinator),
            as_of=date(2025, 6, 15),
            records=records(12),
            wish="career",
            contact="email",
            consent=True,
        )


def test_coach_lists_new_first_takes_and_closes_and_the_home_shows_the_count(world, coach):
    older = submit(world)
    support_application_transition(actor=world.actor(coach), application=older, name="take")
    newer = submit(world, wish="assessment")
    c = client(coach)
    body = c.get("/support/").content.decode()
    assert "1 ny" in body and "/support/applications/" in body
    body = c.get("/support/applications/").content.decode()
    assert body.index(f"/support/applications/{newer.pk}/") < body.index(
        f"/support/applications/{older.pk}/"
    )
    body = c.get(f"/support/applications/{newer.pk}/").content.decode()
    assert "Sammanfattning av prövningen" in body and "Ta ansökan" in body
    assert "Återkalla ansökan" not in body
    r = c.post(f"/support/applications/{newer.pk}/transition/", {"name": "take"})
    assert r.status_code == 302
    newer.refresh_from_db()
    assert newer.status == "taken" and newer.coach == coach and newer.taken_at
    assert Notification.objects.filter(user=world.employee, kind="support").count() == 2
    c.post(f"/support/applications/{newer.pk}/transition/", {"name": "close"})
    newer.refresh_from_db()
    assert newer.status == "closed" and newer.ended_at
    assert "0 ny" not in c.get("/support/").content.decode()


def test_another_organisations_coach_gets_404(world, other_world):
    a = submit(world)
    stranger = make_coach(other_world.org, "annan-vagledare-ans")
    c = client(stranger)
    assert c.get(f"/support/applications/{a.pk}/").status_code == 404
    r = c.post(f"/support/applications/{a.pk}/transition/", {"name": "take"})
    assert r.status_code == 404
    assert f"/support/applications/{a.pk}/" not in c.get("/support/applications/").content.decode()
    assert c.get(f"/api/v1/support/applications/{a.pk}").status_code == 404
    r = c.post(
        f"/api/v1/support/applications/{a.pk}/transition",
        {"name": "take"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert c.get("/api/v1/support/applications?as_coach=true").json()["items"] == []
    # A colleague of the applicant does not see it either.
    assert client(world.colleague).get(f"/support/applications/{a.pk}/").status_code == 404
    a.refresh_from_db()
    assert a.status == "submitted"


def test_the_employee_cannot_take_and_withdraws_their_own(world, coach):
    a = submit(world)
    emp = world.actor(world.employee)
    with pytest.raises(PermissionDeniedError):
        support_application_transition(actor=emp, application=a, name="take")
    c = client(world.employee)
    body = c.get(f"/support/applications/{a.pk}/").content.decode()
    assert "Återkalla ansökan" in body and "Ta ansökan" not in body
    c.post(f"/support/applications/{a.pk}/transition/", {"name": "take"})
    a.refresh_from_db()
    assert a.status == "submitted"
    c.post(f"/support/applications/{a.pk}/transition/", {"name": "withdraw"})
    a.refresh_from_db()
    assert a.status == "withdrawn" and a.ended_at


def test_the_transition_table_is_enforced(world, coach):
    assert {n: (set(t.sources), t.target, t.actor) for n, t in TRANSITIONS.items()} == {
        "take": ({"submitted"}, "taken", "coach"),
        "close": ({"taken"}, "closed", "coach"),
        "withdraw": ({"submitted", "taken"}, "withdrawn", "employee"),
    }
    a = submit(world)
    k = world.actor(coach)
    with pytest.raises(ConflictError):
        support_application_transition(actor=k, application=a, name="close")
    with pytest.raises(PermissionDeniedError):
        support_application_transition(actor=k, application=a, name="withdraw")
    support_application_transition(actor=k, application=a, name="take")
    with pytest.raises(ConflictError):
        support_application_transition(actor=k, application=a, name="take")
    support_application_transition(actor=k, application=a, name="close")
    with pytest.raises(ConflictError):
        support_application_transition(
            actor=world.actor(world.employee), application=a, name="withdraw"
        )
    with pytest.raises(DomainError) as exc:
        support_application_transition(actor=k, application=a, name="reopen")
    assert exc.value.field == "name"
    a.refresh_from_db()
    assert a.status == "closed"


def test_the_service_refuses_bad_choices_and_long_texts_naming_the_field(world):
    for kw, field in [
        ({"wish": "lottery"}, "wish"),
        ({"contact": "pigeon"}, "contact"),
        ({"consent": False}, "consent"),
        ({"description": TEN_MB}, "description"),
    ]:
        with pytest.raises(DomainError) as exc:
            submit(world, **kw)
        assert exc.value.field == field
    assert not SupportApplication.objects.exists()


# --- the API ---------------------------------------------------------------------------------


def _body(counted: int = 12, **kw) -> dict:
    return {
        "as_of": AS_OF,
        "months": api_months(counted),
        "wish": "career",
        "contact": "email",
        "consent": True,
        "description": "Vill byta yrke.",
    } | kw


def test_api_applies_lists_and_moves_an_application(world, coach, other_world):
    c = client(world.employee)
    r = c.post("/api/v1/support/applications", _body(), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["eligible"] is True and out["counted_months"] == 12 and out["rule_year"] == 2025
    assert out["employee_id"] == world.employee_rec.pk and out["status"] == "submitted"
    assert out["transitions"] == ["withdraw"]
    assert "months" not in out  # the month-by-month table is not kept
    assert Notification.objects.filter(user=coach, kind="support").count() == 1
    pk = out["id"]
    assert [i["id"] for i in c.get("/api/v1/support/applications").json()["items"]] == [pk]
    r = c.post(
        f"/api/v1/support/applications/{pk}/transition",
        {"name": "take"},
        content_type="application/json",
    )
    assert r.status_code == 403
    k = client(coach)
    items = k.get("/api/v1/support/applications?as_coach=true").json()["items"]
    assert [i["id"] for i in items] == [pk] and items[0]["transitions"] == ["take"]
    assert k.get("/api/v1/support/applications").json()["items"] == []  # not an employee
    r = k.post(
        f"/api/v1/support/applications/{pk}/transition",
        {"name": "take"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "taken"
    r = k.post(
        f"/api/v1/support/applications/{pk}/transition",
        {"name": "take"},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert k.get(f"/api/v1/support/applications/{pk}").json()["coach"] == "Vera Vägledare"


def test_api_refuses_when_not_eligible_naming_months(world, coach):
    c = client(world.employee)
    r = c.post("/api/v1/support/applications", _body(11), content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "months"
    r = c.post(
        "/api/v1/support/applications", _body(consent=False), content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["field"] == "consent"
    assert not SupportApplication.objects.exists()
    assert not Notification.objects.filter(kind="support").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"description": TEN_MB}, "description"),
        ({"wish": "lottery"}, "wish"),
        ({"contact": "pigeon"}, "contact"),
        ({"months": [{"month": "2025-05"}] * 121}, "months"),
    ],
)
def test_api_bounded_input_is_a_4xx_naming_the_field(world, extra, field):
    c = client(world.employee)
    r = c.post("/api/v1/support/applications", _body(**extra), content_type="application/json")
    assert 400 <= r.status_code < 500
    fields = {e["field"].split(".")[-1] for e in r.json().get("errors", [])} | {
        r.json().get("field")
    }
    assert field in fields
    assert not SupportApplication.objects.exists()


def test_the_subject_export_holds_the_application_and_not_the_months(world):
    submit(world, description="Vill bli snickare")
    r = client(world.admin).get(f"/privacy/subjects/{world.employee_rec.pk}/export.json")
    assert r.status_code == 200
    apps = json.loads(r.content)["support_applications"]
    assert len(apps) == 1 and apps[0]["description"] == "Vill bli snickare"
    assert apps[0]["counted_months"] == 12 and "months" not in apps[0]


def test_retention_blanks_the_description_of_ended_applications_only(world, coach):
    ended = submit(world, description="Vill bli snickare")
    emp = world.actor(world.employee)
    support_application_transition(actor=emp, application=ended, name="withdraw")
    open_one = submit(world, description="Vill läsa vidare")
    later = timezone.localdate() + timedelta(days=3 * 366)
    done = retention_run(organisation=world.org, today=later)
    assert done["support.application_text"] == 1
    ended.refresh_from_db()
    open_one.refresh_from_db()
    assert ended.description == "" and ended.counted_months == 12 and ended.wish == "career"
    assert open_one.description == "Vill läsa vidare"
    assert retention_run(organisation=world.org, today=later)["support.application_text"] == 0
