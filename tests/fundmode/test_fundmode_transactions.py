"""One transaction per action: the pages that used to call two services (or one service per
row) now call one, so a failing second step leaves nothing of the first. Services are
durable: one composed inside another's transaction raises instead of nesting silently."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from lom.common.bounds import MAX_AMOUNT_ORE, MAX_COUNT
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.fundmode import services as fs
from lom.fundmode.models import Claim, FundAttachment, MeasureNotification, MemberPayroll
from lom.fundmode.selectors import payrolls_for
from lom.organisations.models import Organisation
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate, pdf

S = MeasureNotification.Status


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    return f


def client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _edit(n, **extra) -> dict:
    data = {
        "title": "Nytt namn på insatsen",
        "background": "Bakgrund.",
        "need": "Behov.",
        "provider_kind": "own_staff",
        "provider_name": "",
        "planned_start": "2030-01-01",
        "planned_end": "2030-03-01",
        "cost_tuition": "40 000",
        "p-TOTAL_FORMS": "0",
        "p-INITIAL_FORMS": "0",
    }
    return data | extra


def _rows(*rows: tuple[str, str, int]) -> dict:
    data = {"p-TOTAL_FORMS": str(len(rows)), "p-INITIAL_FORMS": "0"}
    for i, (code, gender, count) in enumerate(rows):
        data |= {f"p-{i}-occupation_code": code, f"p-{i}-gender": gender, f"p-{i}-count": count}
    return data


def test_notification_page_saves_text_and_participants_together_or_not_at_all(fw):
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="more_info",
        answers=all_met(r),
        costs_reasonable=False,
        reason="Komplettera.",
    )
    before = (n.title, list(n.cost_lines.values_list("kind", "amount_ore")))
    participants = list(n.participants.values_list("occupation_code", "gender", "count"))
    events = AuditEvent.objects.count()
    c = client(f.alfa.coordinator)
    # Each row is within the form's bound; together they are more participants than allowed:
    # the participants step (the second) fails after the text step (the first) was valid.
    half = MAX_COUNT // 2 + 1
    rows = _rows(("3344", "F", half), ("3344", "M", half))
    resp = c.post(f"/fund/notifications/{n.pk}/edit/", _edit(n) | rows)
    assert resp.status_code == 400 and "deltagare" in resp.content.decode()
    n.refresh_from_db()
    assert (n.title, list(n.cost_lines.values_list("kind", "amount_ore"))) == before
    assert list(n.participants.values_list("occupation_code", "gender", "count")) == participants
    assert AuditEvent.objects.count() == events
    # Within bounds, both are saved.
    resp = c.post(f"/fund/notifications/{n.pk}/edit/", _edit(n) | _rows(("3344", "M", 4)))
    assert resp.status_code == 302
    n.refresh_from_db()
    assert n.title == "Nytt namn på insatsen"
    assert list(n.participants.values_list("occupation_code", "gender", "count")) == [
        ("3344", "M", 4)
    ]


def test_payroll_of_all_members_is_saved_together_or_not_at_all(fw):
    f = fw
    admin = f.actor(f.admin)
    r = fs.round_open(
        actor=admin,
        name="P",
        start=date(2030, 1, 1),
        end=date(2032, 12, 31),
        claim_deadline=date(2034, 6, 30),
        total_ore=750_000_000_00,
    )
    outsider = Organisation.objects.create(name="Inte medlem", slug="inte-medlem")
    with pytest.raises(DomainError):
        fs.payroll_set_many(
            actor=admin, fund_round=r, payrolls={f.alfa.org.pk: 1_000_00, outsider.pk: 2_000_00}
        )
    with pytest.raises(DomainError) as exc:
        fs.payroll_set_many(
            actor=admin,
            fund_round=r,
            payrolls={f.alfa.org.pk: 1_000_00, f.beta.org.pk: MAX_AMOUNT_ORE + 1},
        )
    assert exc.value.field == f"payroll_{f.beta.org.pk}"
    assert not MemberPayroll.objects.exists()
    # An import whose last row is out of bounds imports nothing either.
    csv = f"{f.alfa.org.slug};1 000\n{f.beta.org.slug};{MAX_AMOUNT_ORE}\n"
    with pytest.raises(DomainError) as exc:
        fs.payroll_import(
            actor=admin, fund_round=r, upload=SimpleUploadedFile("p.csv", csv.encode())
        )
    assert exc.value.field == "file" and not MemberPayroll.objects.exists()
    # Through the page: both members in one post, one service call.
    resp = client(f.admin).post(
        f"/fund/periods/{r.pk}/",
        {f"payroll_{f.alfa.org.pk}": "2 000", f"payroll_{f.beta.org.pk}": "1 000"},
    )
    assert resp.status_code == 302
    assert payrolls_for(fund_round=r) == {f.alfa.org.pk: 2_000_00, f.beta.org.pk: 1_000_00}


def test_a_claim_whose_invoice_is_refused_leaves_nothing(fw):
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(r),
        costs_reasonable=True,
    )
    bad = SimpleUploadedFile("faktura.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError):
        fs.claim_submit(
            actor=f.alfa.actor(f.alfa.coordinator),
            notification=n,
            costs={"tuition": (50_000_00, "Kurs")},
            internal_salary_ore=0,
            participants=[("3344", "F", 3)],
            invoices=[pdf("f1.pdf"), bad],
        )
    n.refresh_from_db()
    assert n.status == S.APPROVED
    assert not Claim.objects.exists()
    assert not FundAttachment.objects.filter(kind=FundAttachment.Kind.INVOICE).exists()


def test_services_do_not_nest(fw):
    """A public service inside another transaction raises: composition goes through the
    private helpers, so a mistake shows instead of committing half an action."""
    f = fw
    r = open_and_allocate(f)
    n = notify_measure(f, r)
    with pytest.raises(RuntimeError), transaction.atomic(durable=False):
        fs.notification_withdraw(actor=f.alfa.actor(f.alfa.coordinator), notification=n)
