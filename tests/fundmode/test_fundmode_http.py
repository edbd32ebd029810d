"""Fund mode over HTTP: the pages and the API for both sides, the Excel export opened again,
and isolation (an employer never sees another employer's notifications; the fund never sees a
member's internal cases)."""

from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from lom.accounts.models import ApiToken
from lom.fundmode import services as fs
from lom.fundmode.models import MeasureNotification
from lom.fundmode.selectors import criteria_for
from tests.factories import all_met, make_case, make_fund, notify_measure, open_and_allocate


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_employer_flow_through_pages(fw):
    f = fw
    c = client(f.alfa.coordinator)
    assert c.get("/fund/").status_code == 200
    r = c.post(
        "/fund/notifications/new/",
        {
            "round": f.round.pk,
            "title": "Digital dokumentation",
            "estimated_ore": "9 999 999",
            "planned_start": "2024-01-01",
            "planned_end": "2024-03-01",
        },
    )
    assert r.status_code == 400 and "räcker inte" in r.content.decode()
    assert "Digital dokumentation" in r.content.decode()  # what was typed is kept
    r = c.post(
        "/fund/notifications/new/",
        {
            "round": f.round.pk,
            "title": "Digital dokumentation",
            "estimated_ore": "50 000",
            "planned_start": "2024-01-01",
            "planned_end": "2024-03-01",
        },
    )
    assert r.status_code == 302
    n = MeasureNotification.objects.get(title="Digital dokumentation")
    data = {
        "title": n.title,
        "background": "Nytt journalsystem.",
        "need": "Undersköterskor behöver dokumentera digitalt.",
        "provider_kind": "supplier",
        "provider_name": "",
        "planned_start": "2024-01-01",
        "planned_end": "2024-03-01",
        "cost_tuition": "40 000",
        "cost_coordination": "5 000",
        "p-TOTAL_FORMS": "3",
        "p-INITIAL_FORMS": "0",
        "p-0-occupation_code": "5323",
        "p-0-gender": "F",
        "p-0-count": "12",
    }
    r = c.post(f"/fund/notifications/{n.pk}/edit/", data)
    assert r.status_code == 400 and "leverantörens namn" in r.content.decode()
    data["provider_name"] = "Vårdutbildarna AB"
    assert c.post(f"/fund/notifications/{n.pk}/edit/", data).status_code == 302
    r = c.post(
        f"/fund/notifications/{n.pk}/attachments/",
        {"kind": "minutes", "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4 x")},
    )
    assert r.status_code == 302
    assert c.post(f"/fund/notifications/{n.pk}/submit/", {"action": "submit"}).status_code == 302
    n.refresh_from_db()
    assert n.status == "submitted"
    page = c.get(f"/fund/notifications/{n.pk}/").content.decode()
    assert "45\xa0000,00" in page and "Vårdutbildarna AB" in page

    # The officer assesses through the form.
    o = client(f.officer)
    assert o.get(f"/fund/notifications/{n.pk}/assess/").status_code == 200
    form = {f"met_{cr.pk}": "yes" for cr in criteria_for(fund_round=f.round, active_only=True)}
    form.update(outcome="approved", costs_reasonable="on", amount_ore="30 000")
    r = o.post(f"/fund/notifications/{n.pk}/assess/", form)
    assert r.status_code == 400 and "lägre belopp" in r.content.decode()
    form["reason"] = "Samordningen ingår inte."
    assert o.post(f"/fund/notifications/{n.pk}/assess/", form).status_code == 302
    n.refresh_from_db()
    assert n.status == "approved" and n.approved_ore == 30_000_00

    # Claim with an invoice, then the officer pays.
    r = c.post(
        f"/fund/notifications/{n.pk}/claim/",
        {
            "cost_tuition": "25 000",
            "internal_salary": "1 000",
            "invoice1": SimpleUploadedFile("f.pdf", b"%PDF-1.4 faktura"),
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-occupation_code": "5323",
            "p-0-gender": "F",
            "p-0-count": "11",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    claim = n.claims.get()
    assert o.post(f"/fund/claims/{claim.pk}/pay/").status_code == 302
    n.refresh_from_db()
    assert n.status == "paid"
    pot_page = c.get(f"/fund/pots/{n.pot_id}/").content.decode()
    assert "26\xa0000,00" in pot_page  # paid
    assert "Prognos till sista dag för rekvisition" in pot_page


def test_admin_pages_open_allocate_and_export(fw):
    f = fw
    a = client(f.admin)
    r = a.post(
        "/fund/periods/new/",
        {
            "name": "Nästa",
            "start": "2040-01-01",
            "end": "2042-12-31",
            "claim_deadline": "2041-01-01",
            "total_ore": "750 000 000",
        },
    )
    assert r.status_code == 400 and "Sista dag för rekvisition" in r.content.decode()
    r = a.post(
        "/fund/periods/new/",
        {
            "name": "Nästa",
            "start": "2040-01-01",
            "end": "2042-12-31",
            "claim_deadline": "2044-06-30",
            "total_ore": "750 000 000",
        },
    )
    assert r.status_code == 302
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    r = a.post(
        f"/fund/periods/{pk}/",
        {f"payroll_{f.alfa.org.pk}": "2 000 000 000", f"payroll_{f.beta.org.pk}": "1 000 000 000"},
    )
    assert r.status_code == 302
    a.post(f"/fund/periods/{pk}/allocate/")
    page = a.get(f"/fund/periods/{pk}/").content.decode()
    assert "500\xa0000\xa0000,00" in page and "250\xa0000\xa0000,00" in page
    assert a.get(f"/fund/periods/{pk}/criteria/").status_code == 200

    n = notify_measure(f, f.round)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(f.round),
        costs_reasonable=True,
    )
    r = a.get(f"/fund/periods/{f.round.pk}/statistics.xlsx")
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content))
    ws = wb["Per arbetsgivare"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == f.alfa.org.name and rows[1][1] == 1 and rows[1][2] == 100_000
    assert rows[-1][0] == "Totalt" and rows[-1][4] == 13
    occ = list(wb["Deltagare per yrke"].iter_rows(values_only=True))
    assert any(r[0].startswith("3344") and r[1] == 8 and r[2] == 2 for r in occ[1:])
    # Members cannot read the fund's statistics.
    assert (
        client(f.alfa.coordinator).get(f"/fund/periods/{f.round.pk}/statistics/").status_code == 404
    )


def test_employer_never_sees_another_employers_notifications(fw):
    f = fw
    nb = notify_measure(f, f.round, world=f.beta, title="Hemlig BETA-insats", cost=50_000_00)
    claim_pot = nb.pot_id
    for role in ("coordinator", "union_rep", "decision_maker", "auditor", "admin", "employee"):
        c = client(f.alfa.users[role])
        for path in (
            "/fund/",
            f"/fund/notifications/{nb.pk}/",
            f"/fund/notifications/{nb.pk}/edit/",
            f"/fund/notifications/{nb.pk}/assess/",
            f"/fund/notifications/{nb.pk}/claim/",
            f"/fund/pots/{claim_pot}/",
            f"/fund/attachments/{nb.attachments.first().pk}/",
            f"/fund/periods/{f.round.pk}/statistics.xlsx",
        ):
            r = c.get(path)
            assert r.status_code in (200, 302, 403, 404), (role, path)
            assert "Hemlig BETA-insats" not in r.content.decode(errors="replace"), (role, path)
        r = c.post(f"/fund/notifications/{nb.pk}/withdraw/")
        assert r.status_code == 404
    nb.refresh_from_db()
    assert nb.status == "submitted"
    _t, raw = ApiToken.issue(user=f.alfa.coordinator)
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    c = Client()
    assert c.get(f"/api/v1/fund/notifications/{nb.pk}", **h).status_code == 404
    assert c.get(f"/api/v1/fund/pots/{claim_pot}", **h).status_code == 404
    assert [x["id"] for x in c.get("/api/v1/fund/notifications", **h).json()["items"]] == []
    pots = c.get(f"/api/v1/fund/periods/{f.round.pk}/pots", **h).json()["items"]
    assert [p["member_id"] for p in pots] == [f.alfa.org.pk]


def test_fund_never_sees_members_internal_cases(fw):
    f = fw
    case = make_case(f.alfa, title="Intern ansökan ALFA", private_reason="Hälsa ALFA")
    for user in (f.officer, f.admin, f.auditor):
        c = client(user)
        for path in ("/cases/", f"/cases/{case.pk}/", "/", "/fund/", "/reports/"):
            r = c.get(path)
            assert r.status_code < 500, path
            body = r.content.decode(errors="replace")
            assert "Intern ansökan ALFA" not in body and "Hälsa ALFA" not in body, path
        _t, raw = ApiToken.issue(user=user)
        api = Client()
        h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        assert api.get(f"/api/v1/cases/{case.pk}", **h).status_code == 404
        assert api.get("/api/v1/cases", **h).json()["items"] == []


def test_api_round_trip(fw):
    f = fw
    _t, raw = ApiToken.issue(user=f.alfa.coordinator)
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    c = Client()
    periods = c.get("/api/v1/fund/periods", **h).json()["items"]
    assert [p["id"] for p in periods] == [f.round.pk]
    r = c.post(
        "/api/v1/fund/notifications",
        {
            "round_id": f.round.pk,
            "title": "API-insats",
            "estimated_ore": 10**14,
            "planned_start": "2030-01-01",
            "planned_end": "2030-02-01",
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400 and "räcker inte" in r.json()["detail"]
    r = c.post(
        "/api/v1/fund/notifications",
        {
            "round_id": f.round.pk,
            "title": "API-insats",
            "estimated_ore": 1000,
            "planned_start": "2030-01-01",
            "planned_end": "2030-02-01",
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["status"] == "pre_notified"
    nid = r.json()["id"]
    r = c.post(f"/api/v1/fund/notifications/{nid}/submit", **h)
    assert r.status_code == 400  # background, costs, minutes missing
    # The officer decides via the API on a fully notified measure.
    n = notify_measure(f, f.round)
    _t, raw_o = ApiToken.issue(user=f.officer)
    ho = {"HTTP_AUTHORIZATION": f"Bearer {raw_o}"}
    answers = {str(k): [v[0], v[1]] for k, v in all_met(f.round).items()}
    r = c.post(
        f"/api/v1/fund/notifications/{n.pk}/decisions",
        {"outcome": "approved", "answers": answers, "costs_reasonable": True},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403  # the employer cannot decide
    r = c.post(
        f"/api/v1/fund/notifications/{n.pk}/decisions",
        {"outcome": "approved", "answers": answers, "costs_reasonable": True},
        content_type="application/json",
        **ho,
    )
    assert r.status_code == 201 and r.json()["approved_ore"] == 100_000_00
    stats = c.get(f"/api/v1/fund/periods/{f.round.pk}/statistics", **ho).json()
    assert stats["total"]["measures"] == 1 and stats["total"]["women"] == 11
    assert c.get(f"/api/v1/fund/periods/{f.round.pk}/statistics", **h).status_code == 403
    pot = c.get(f"/api/v1/fund/pots/{n.pot_id}", **h).json()
    assert (
        pot["approved_ore"] == 100_000_00
        and pot["remaining_ore"] == pot["allocated_ore"] - 100_000_00
    )


def test_demo_command_is_idempotent(db):
    from django.core.management import call_command

    from lom.fundmode.models import Claim, FundRound, MeasureNotification, PotEntry
    from lom.organisations.models import Organisation

    call_command("load_demo", stdout=StringIO())
    call_command("load_demo_fund", stdout=StringIO())
    counts = (
        FundRound.objects.count(),
        MeasureNotification.objects.count(),
        PotEntry.objects.count(),
        Claim.objects.count(),
    )
    call_command("load_demo_fund", stdout=StringIO())
    assert counts == (
        FundRound.objects.count(),
        MeasureNotification.objects.count(),
        PotEntry.objects.count(),
        Claim.objects.count(),
    )
    fund = Organisation.objects.get(slug="omstallningsfonden", kind="fund")
    assert {m.member.slug for m in fund.fund_members.select_related("member")} == {
        "region-norrsund",
        "ekby-kommun",
        "stensjo-kommun",
    }
    assert Organisation.objects.get(slug="ekby-kommun").employees.count() == 40
    statuses = set(MeasureNotification.objects.values_list("status", flat=True))
    assert statuses >= {
        "pre_notified",
        "submitted",
        "more_info",
        "rejected",
        "approved",
        "claimed",
        "paid",
    }
    assert PotEntry.objects.filter(kind="release").exists()  # the unclaimed rest returned
    c = Client()
    assert c.login(username="fond-handlaggare", password="demo")
    assert c.get("/fund/").status_code == 200
    r = FundRound.objects.get()
    assert c.get(f"/fund/periods/{r.pk}/statistics/").status_code == 200
    assert Client().login(username="ekby-samordnare", password="demo")
