"""Fund mode's API covers the pages: members, periods, payroll, allocation, criteria, the
statistics workbook, filling in a notification, picking employees, attachments, withdrawing,
claims and payment. Each operation: another organisation's thing is a 404, the wrong role a
403, a state that refuses a 409, bad input a 422 or 400 naming the field."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lom.accounts.models import ApiToken
from lom.fundmode import services as fs
from lom.fundmode.api.schemas import ClaimStatus
from lom.fundmode.models import (
    Claim,
    Criterion,
    FundMembership,
    FundRound,
    MeasureNotification,
    MemberPayroll,
)
from lom.organisations.models import Organisation
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate, pdf

API = "/api/v1/fund"


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


class Caller:
    """An API client with a bearer token of `user`."""

    def __init__(self, user):
        _t, raw = ApiToken.issue(user=user)
        self.c = Client(raise_request_exception=False)
        self.h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.c.get(API + path, params, **self.h)

    def delete(self, path):
        return self.c.delete(API + path, **self.h)

    def send(self, method, path, body=None):
        return getattr(self.c, method)(
            API + path, body or {}, content_type="application/json", **self.h
        )

    def form(self, path, data):
        return self.c.post(API + path, data, **self.h)


def _open_round(f, caller, start_days=1200):
    today = timezone.localdate()
    return caller.send(
        "post",
        "/periods",
        {
            "name": "Period 2",
            "start": str(today + timedelta(days=start_days)),
            "end": str(today + timedelta(days=start_days + 300)),
            "claim_deadline": str(today + timedelta(days=start_days + 400)),
            "total_ore": 500_000_00,
        },
    )


def test_members_are_listed_added_and_removed_by_the_administrator(fw, db):
    f = fw
    admin = Caller(f.admin)
    page = admin.get("/members").json()
    assert {m["member_id"] for m in page["items"]} == {f.alfa.org.pk, f.beta.org.pk}
    assert page["next_cursor"] is None
    assert Caller(f.officer).get("/members").status_code == 403
    kommun = Organisation.objects.create(
        name="Nya kommunen", slug="nya", kind=Organisation.Kind.MUNICIPALITY
    )
    r = admin.send("post", "/members", {"member_id": kommun.pk, "joined_on": "2030-01-01"})
    assert r.status_code == 201 and r.json()["name"] == "Nya kommunen"
    # Already a member: refused at the field.
    r = admin.send("post", "/members", {"member_id": kommun.pk})
    assert r.status_code == 400 and r.json()["field"] == "member_id"
    r = admin.send("post", "/members", {"member_id": "x"})
    assert r.status_code == 422 and r.json()["field"] == "member_id"
    # A member with a pot stays; one without leaves; one that is not a member is not found.
    r = admin.delete(f"/members/{f.alfa.org.pk}")
    assert r.status_code == 409
    assert admin.delete(f"/members/{kommun.pk}").status_code == 204
    assert not FundMembership.objects.filter(member=kommun).exists()
    assert admin.delete(f"/members/{kommun.pk}").status_code == 404


def test_a_period_is_opened_given_payroll_and_allocated(fw):
    f = fw
    admin = Caller(f.admin)
    assert _open_round(f, Caller(f.officer)).status_code == 403
    r = admin.send(
        "post",
        "/periods",
        {
            "name": "Baklänges",
            "start": "2040-01-01",
            "end": "2039-01-01",
            "claim_deadline": "2041-01-01",
            "total_ore": 1,
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "end"
    assert admin.send("post", "/periods", {"name": ""}).status_code == 422
    r = _open_round(f, admin)
    assert r.status_code == 201 and r.json()["status"] == "open"
    rid = r.json()["id"]
    # Allocation without every member's payroll is refused.
    assert admin.send("post", f"/periods/{rid}/allocation").status_code == 400
    body = {"payrolls": [{"member_id": f.alfa.org.pk, "payroll_ore": 3_000_00}]}
    assert admin.send("put", f"/periods/{rid}/payroll", body).json() == {"imported": 1}
    csv = f"organisation;lönesumma\n{f.beta.org.slug};1000\n".encode()
    upload = SimpleUploadedFile("lon.csv", csv, content_type="text/csv")
    r = admin.form(f"/periods/{rid}/payroll", {"file": upload})
    assert r.status_code == 200 and r.json() == {"imported": 1}
    assert MemberPayroll.objects.get(round_id=rid, member=f.beta.org).payroll_ore == 1000_00
    bad = SimpleUploadedFile("lon.csv", b"organisation;summa\nokand;12\n", content_type="text/csv")
    r = admin.form(f"/periods/{rid}/payroll", {"file": bad})
    assert r.status_code == 400 and r.json()["field"] == "file"
    r = admin.send("post", f"/periods/{rid}/allocation")
    assert r.status_code == 200 and r.json()["status"] == "allocated"
    # The state refuses: allocated once, payroll fixed.
    assert admin.send("post", f"/periods/{rid}/allocation").status_code == 409
    assert admin.send("put", f"/periods/{rid}/payroll", body).status_code == 409
    pots = admin.get(f"/periods/{rid}/pots").json()["items"]
    assert sum(p["allocated_ore"] for p in pots) == 500_000_00
    # Another fund's administrator does not find the period.
    other = make_fund("annan")
    assert Caller(other.admin).send("post", f"/periods/{rid}/allocation").status_code == 404


def test_periods_and_pots_are_pages(fw):
    f = fw
    _open_round(f, Caller(f.admin))
    officer = Caller(f.officer)
    first = officer.get("/periods", limit=1).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = officer.get("/periods", limit=1, cursor=first["next_cursor"]).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert first["items"][0]["id"] != rest["items"][0]["id"]
    assert officer.get("/periods", cursor="!!").status_code == 422
    # The employer sees its own pot only.
    pots = Caller(f.alfa.coordinator).get("/pots").json()["items"]
    assert [p["member_id"] for p in pots] == [f.alfa.org.pk]


def test_criteria_are_listed_added_edited_and_retired(fw):
    f = fw
    admin = Caller(f.admin)
    path = f"/periods/{f.round.pk}/criteria"
    items = admin.get(path).json()["items"]
    assert len(items) == 7 and [c["order"] for c in items] == sorted(c["order"] for c in items)
    assert Caller(f.alfa.coordinator).get(path).status_code == 403
    r = admin.send("post", path, {"text": "Insatsen är dokumenterad"})
    assert r.status_code == 201
    cid = r.json()["id"]
    assert admin.send("post", path, {"text": ""}).json()["field"] == "text"
    r = Caller(f.officer).send("put", f"/criteria/{cid}", {"text": "Nej"})
    assert r.status_code == 403
    r = admin.send("put", f"/criteria/{cid}", {"text": "Dokumenterad", "help_text": "Se bilaga"})
    assert r.status_code == 200 and r.json()["help_text"] == "Se bilaga"
    r = admin.send("put", f"/criteria/{cid}/active", {"active": False})
    assert r.status_code == 200 and not Criterion.objects.get(pk=cid).active
    other = make_fund("annan")
    assert Caller(other.admin).send("put", f"/criteria/{cid}", {"text": "x"}).status_code == 404


def test_the_statistics_workbook_is_the_pages_workbook(fw):
    f = fw
    notify_measure(f, f.round)
    page = Client()
    page.force_login(f.officer)
    from_page = page.get(f"/fund/periods/{f.round.pk}/statistics.xlsx")
    r = Caller(f.officer).get(f"/periods/{f.round.pk}/statistics.xlsx")
    assert r.status_code == 200 and r["Content-Type"] == from_page["Content-Type"]
    api_book = load_workbook(BytesIO(r.content))
    page_book = load_workbook(BytesIO(from_page.content))
    assert api_book.sheetnames == page_book.sheetnames
    for name in api_book.sheetnames:
        assert list(api_book[name].values) == list(page_book[name].values)
    assert (
        Caller(f.alfa.coordinator).get(f"/periods/{f.round.pk}/statistics.xlsx").status_code == 403
    )


def _prenotified(f) -> MeasureNotification:
    today = timezone.localdate()
    return fs.notification_prenotify(
        actor=f.alfa.actor(f.alfa.coordinator),
        fund_round=f.round,
        title="Kurs",
        estimated_ore=50_000_00,
        planned_start=today,
        planned_end=today + timedelta(days=30),
    )


def test_a_notification_is_filled_in_attached_and_submitted(fw):
    f = fw
    n = _prenotified(f)
    coord = Caller(f.alfa.coordinator)
    path = f"/notifications/{n.pk}"
    r = coord.send(
        "patch",
        path,
        {
            "background": "Nytt system.",
            "need": "Dokumentation.",
            "provider_kind": "own_staff",
            "costs": {"tuition": {"amount_ore": 40_000_00, "description": "Kursavgift"}},
            "participants": [{"occupation_code": "5321", "gender": "F", "count": 3}],
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["cost_ore"] == 40_000_00 and r.json()["title"] == "Kurs"
    assert coord.send("patch", path, {"provider_kind": "bogus"}).json()["field"] == "provider_kind"
    r = coord.send("patch", path, {"planned_end": "2000-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "planned_end"
    assert Caller(f.beta.coordinator).send("patch", path, {"title": "x"}).status_code == 404
    assert Caller(f.officer).send("patch", path, {"title": "x"}).status_code == 403
    # Picking employees adds them as counts.
    r = coord.send(
        "put",
        f"{path}/employees",
        {"employee_ids": [f.alfa.employee_rec.pk], "occupation_code": "2221"},
    )
    assert r.status_code == 200 and r.json() == {"added": 1}
    assert coord.send("put", f"{path}/employees", {"employee_ids": []}).status_code == 422
    r = coord.form(f"{path}/attachments", {"kind": "minutes", "file": pdf()})
    assert r.status_code == 201 and r.json()["kind"] == "minutes"
    att = r.json()["id"]
    r = coord.form(f"{path}/attachments", {"kind": "invoice", "file": pdf()})
    assert r.status_code == 422 and r.json()["field"].endswith("kind")
    download = coord.get(f"/attachments/{att}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    assert Caller(f.beta.coordinator).get(f"/attachments/{att}").status_code == 404
    r = coord.send("post", f"{path}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    # Sent: the state refuses editing, attaching, withdrawing.
    assert coord.send("patch", path, {"title": "Ny"}).status_code == 409
    assert coord.form(f"{path}/attachments", {"kind": "other", "file": pdf()}).status_code == 409
    assert coord.send("post", f"{path}/withdraw").status_code == 409


def test_a_prenotification_is_withdrawn(fw):
    f = fw
    n = _prenotified(f)
    assert Caller(f.officer).send("post", f"/notifications/{n.pk}/withdraw").status_code == 403
    r = Caller(f.alfa.coordinator).send("post", f"/notifications/{n.pk}/withdraw")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def _approved(f) -> MeasureNotification:
    n = notify_measure(f, f.round)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(f.round),
        costs_reasonable=True,
    )
    n.refresh_from_db()
    return n


def _claim_form(**extra):
    data = {
        "cost_tuition": 80_000_00,
        "costdesc_tuition": "Kursavgift",
        "participants": ["3344:F:8", "3344:M:2"],
        "invoices": [SimpleUploadedFile("faktura.pdf", b"%PDF-1.4 invoice")],
    }
    return data | extra


def test_an_approved_measure_is_claimed_paid_and_read_by_a_finance_system(fw):
    f = fw
    n = _approved(f)
    coord, officer = Caller(f.alfa.coordinator), Caller(f.officer)
    path = f"/notifications/{n.pk}/claims"
    r = coord.form(path, _claim_form(participants=["33:F:8"]))
    assert r.status_code == 422 and "participants" in r.json()["field"]
    r = coord.form(path, _claim_form(invoices=[]))
    assert r.status_code == 400 and r.json()["field"] == "invoices"
    assert Caller(f.beta.coordinator).form(path, _claim_form()).status_code == 404
    r = coord.form(path, _claim_form())
    assert r.status_code == 201, r.content
    claim = r.json()
    assert claim["total_ore"] == 80_000_00 and claim["status"] == "submitted"
    assert [i["original_name"] for i in claim["invoices"]] == ["faktura.pdf"]
    assert claim["participants"][0] == {"occupation_code": "3344", "gender": "F", "count": 8}
    # Claimed: the state refuses a second claim.
    assert coord.form(path, _claim_form()).status_code == 409
    cid = claim["id"]
    assert coord.send("post", f"/claims/{cid}/payment").status_code == 403
    assert Caller(f.beta.coordinator).get(f"/claims/{cid}").status_code == 404
    r = officer.send("post", f"/claims/{cid}/payment")
    assert r.status_code == 200 and r.json()["status"] == "paid"
    assert r.json()["paid_ore"] == 80_000_00
    assert officer.send("post", f"/claims/{cid}/payment").status_code == 409
    assert officer.send("post", f"/claims/{cid}/return", {"reason": "Fel"}).status_code == 409
    today = timezone.localdate()
    paid = officer.get("/claims", status="paid", paid_from=str(today)).json()
    assert [c["id"] for c in paid["items"]] == [cid]
    assert officer.get("/claims", paid_to=str(today - timedelta(days=1))).json()["items"] == []
    assert officer.get("/claims", status="bogus").json()["field"] == "status"
    assert Caller(f.beta.coordinator).get("/claims").json()["items"] == []
    assert set(ClaimStatus.__args__) == {"", *Claim.Status.values}


def test_a_claim_is_returned_with_reasons(fw):
    f = fw
    n = _approved(f)
    claim = fs.claim_submit(
        actor=f.alfa.actor(f.alfa.coordinator),
        notification=n,
        costs={},
        internal_salary_ore=10_000_00,
        participants=[("3344", "F", 1)],
        invoices=[],
    )
    officer = Caller(f.officer)
    r = officer.send("post", f"/claims/{claim.pk}/return", {"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = officer.send("post", f"/claims/{claim.pk}/return", {"reason": "Fakturan saknas"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    n.refresh_from_db()
    assert n.status == MeasureNotification.Status.APPROVED
    assert FundRound.objects.get(pk=f.round.pk).status == "allocated"
