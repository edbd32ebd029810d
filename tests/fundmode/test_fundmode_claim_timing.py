"""A claim only after the measure: a final claim after the measure's end date, a partial claim
(when the fund's decision allowed it) for a term that has ended; partial claims together never
above the approved amount. Each refusal names the rule and changes nothing, in the service, on
the page and in the API. Notifications and claims are registered in the fund's register of
documents and take the registration year."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.common.errors import DomainError
from lom.diarium.models import DocumentKind, RegisteredDocument
from lom.fundmode import services as fs
from lom.fundmode.models import Claim, MeasureNotification
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate

S = MeasureNotification.Status


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def _approved(f, *, partial=False, start=None, end=None) -> MeasureNotification:
    n = notify_measure(f, f.round)
    if start is not None:
        # The measure is planned for another time than the factory's (e.g. next year).
        MeasureNotification.objects.filter(pk=n.pk).update(planned_start=start, planned_end=end)
    fs.fund_decide(
        actor=f.actor(f.officer),
        notification=n,
        outcome="approved",
        answers=all_met(f.round),
        costs_reasonable=True,
        partial_claims_allowed=partial,
    )
    n.refresh_from_db()
    return n


def _claim(f, n, *, amount=10_000_00, final=True, term=(None, None)) -> Claim:
    return fs.claim_submit(
        actor=f.alfa.actor(f.alfa.coordinator),
        notification=n,
        costs={},
        internal_salary_ore=amount,
        participants=[("3344", "F", 2)],
        invoices=[],
        is_final=final,
        term_start=term[0],
        term_end=term[1],
    )


def _next_year() -> tuple[date, date]:
    year = timezone.localdate().year + 1
    return date(year, 1, 15), date(year, 6, 15)


def _unchanged(n: MeasureNotification) -> None:
    n.refresh_from_db()
    assert n.status == S.APPROVED
    assert not n.claims.exists()
    assert not RegisteredDocument.objects.filter(kind=DocumentKind.FUND_CLAIM).exists()


def test_a_claim_for_a_measure_planned_next_year_is_refused_naming_the_date(fw):
    start, end = _next_year()
    n = _approved(fw, start=start, end=end)
    with pytest.raises(DomainError) as e:
        _claim(fw, n)
    assert end.isoformat() in str(e.value) and "slutdatum" in str(e.value)
    assert e.value.field == "is_final"
    _unchanged(n)


def test_a_claim_on_the_last_day_of_the_measure_is_refused_and_the_day_after_accepted(fw):
    today = timezone.localdate()
    n = _approved(fw, start=today - timedelta(days=30), end=today)
    with pytest.raises(DomainError):
        _claim(fw, n)
    _unchanged(n)
    MeasureNotification.objects.filter(pk=n.pk).update(planned_end=today - timedelta(days=1))
    claim = _claim(fw, n)
    assert claim.is_final and claim.term_end is None


def test_partial_claims_need_the_decision_and_an_ended_term(fw):
    today = timezone.localdate()
    start, end = today - timedelta(days=100), today + timedelta(days=100)
    # Without the fund's permission a claim is final, so a running measure cannot be claimed.
    n = _approved(fw, start=start, end=end)
    with pytest.raises(DomainError) as e:
        _claim(fw, n, final=False, term=(start, today - timedelta(days=10)))
    assert e.value.field == "is_final"
    _unchanged(n)

    n = _approved(fw, partial=True, start=start, end=end)
    with pytest.raises(DomainError) as e:  # no term named
        _claim(fw, n, final=False)
    assert e.value.field == "term_end"
    with pytest.raises(DomainError) as e:  # the term has not ended
        _claim(fw, n, final=False, term=(start, today))
    assert today.isoformat() in str(e.value) and e.value.field == "term_end"
    with pytest.raises(DomainError):  # outside the measure
        _claim(fw, n, final=False, term=(start - timedelta(days=5), today - timedelta(days=1)))
    with pytest.raises(DomainError):  # the final claim waits for the end of the measure
        _claim(fw, n, final=True)
    _unchanged(n)

    term = (start, today - timedelta(days=1))
    claim = _claim(fw, n, final=False, term=term)
    assert (claim.term_start, claim.term_end, claim.is_final) == (*term, False)
    fs.claim_pay(actor=fw.actor(fw.officer), claim=claim)
    with pytest.raises(DomainError) as e:  # the same term twice
        _claim(fw, n, final=False, term=(today - timedelta(days=20), today - timedelta(days=2)))
    assert e.value.field == "term_start"


def test_partial_claims_together_never_exceed_the_approved_amount(fw):
    today = timezone.localdate()
    start = today - timedelta(days=200)
    n = _approved(fw, partial=True, start=start, end=today + timedelta(days=100))
    approved = n.approved_ore
    assert approved == 100_000_00
    first = _claim(fw, n, final=False, term=(start, start + timedelta(days=90)), amount=70_000_00)
    fs.claim_pay(actor=fw.actor(fw.officer), claim=first)
    second_term = (start + timedelta(days=91), today - timedelta(days=1))
    with pytest.raises(DomainError) as e:
        _claim(fw, n, final=False, term=second_term, amount=30_000_01)
    assert "30\xa0000,00" in str(e.value)  # what is left names the rule's figure
    n.refresh_from_db()
    assert n.status == S.APPROVED and n.claims.count() == 1
    _claim(fw, n, final=False, term=second_term, amount=30_000_00)


def test_the_claim_page_refuses_a_measure_that_has_not_ended(fw):
    start, end = _next_year()
    n = _approved(fw, start=start, end=end)
    c = Client(raise_request_exception=False)
    c.force_login(fw.alfa.coordinator)
    page = c.get(f"/fund/notifications/{n.pk}/claim/").content.decode()
    assert end.isoformat() in page  # the page says when a claim can be made
    r = c.post(
        f"/fund/notifications/{n.pk}/claim/",
        {
            "cost_tuition": "25 000",
            "invoice1": SimpleUploadedFile("f.pdf", b"%PDF-1.4 faktura"),
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-occupation_code": "5323",
            "p-0-gender": "F",
            "p-0-count": "11",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and end.isoformat() in body
    assert 'value="25 000"' in body or "25 000" in body  # what was typed is kept
    _unchanged(n)


def test_the_api_refuses_a_measure_that_has_not_ended_and_a_running_term(fw):
    start, end = _next_year()
    n = _approved(fw, start=start, end=end)
    _t, raw = ApiToken.issue(user=fw.alfa.coordinator)
    c = Client(raise_request_exception=False)
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    path = f"/api/v1/fund/notifications/{n.pk}/claims"
    r = c.post(path, {"internal_salary_ore": 1000, "participants": ["3344:F:2"]}, **h)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == "is_final" and end.isoformat() in r.json()["detail"]
    _unchanged(n)

    today = timezone.localdate()
    n = _approved(fw, partial=True, start=today - timedelta(days=60), end=end)
    path = f"/api/v1/fund/notifications/{n.pk}/claims"
    body = {
        "internal_salary_ore": 1000,
        "participants": ["3344:F:2"],
        "is_final": "false",
        "term_start": (today - timedelta(days=60)).isoformat(),
        "term_end": today.isoformat(),
    }
    r = c.post(path, body, **h)
    assert r.status_code == 400 and r.json()["field"] == "term_end"
    _unchanged(n)
    body["term_end"] = (today - timedelta(days=1)).isoformat()
    r = c.post(path, body, **h)
    assert r.status_code == 201, r.content
    assert r.json()["term_end"] == body["term_end"] and r.json()["is_final"] is False


def test_notifications_and_claims_are_registered_with_the_registration_year(fw):
    f = fw
    today = timezone.localdate()
    # A period that started years ago: the number still takes this year.
    assert f.round.start.year < today.year
    n = _approved(f)
    assert n.number.startswith(f"{today.year}-")
    # Both registers hold it: received at the fund, sent at the member, each naming the other.
    doc = RegisteredDocument.objects.get(
        kind=DocumentKind.FUND_NOTIFICATION, organisation_id=f.round.fund_id
    )
    assert doc.direction == "incoming"
    assert doc.party == f.alfa.org.name and doc.case_number == n.number
    assert doc.year == today.year and doc.secrecy == "public"
    assert (doc.target_type, doc.target_id) == ("fundmode.measurenotification", n.pk)
    sent = RegisteredDocument.objects.get(
        kind=DocumentKind.FUND_NOTIFICATION, organisation_id=f.alfa.org.pk
    )
    assert sent.direction == "outgoing" and sent.party == f.round.fund.name
    assert (sent.target_type, sent.target_id) == (doc.target_type, doc.target_id)
    assert sent.year == today.year and sent.case_number == n.number
    claim = _claim(f, n)
    docs = RegisteredDocument.objects.filter(kind=DocumentKind.FUND_CLAIM)
    assert {(d.organisation_id, d.direction) for d in docs} == {
        (f.round.fund_id, "incoming"),
        (f.alfa.org.pk, "outgoing"),
    }
    for doc in docs:
        assert (doc.target_type, doc.target_id) == ("fundmode.claim", claim.pk)
        assert doc.case_number == n.number
