"""Approval above the notified amount: refused unless it is a new reasoned decision, one that
names the approving decision standing now and carries a reason."""

import pytest
from django.test import Client

from lom.accounts.models import ApiToken
from lom.common.errors import DomainError
from lom.fundmode import services as fs
from lom.fundmode.models import FundDecision, MeasureNotification, PotEntry
from lom.fundmode.selectors import criteria_for, pot_balance
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate

S = MeasureNotification.Status
NOTIFIED = 100_000_00


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    f.n = notify_measure(f, f.round, cost=NOTIFIED)
    return f


def _decide(f, **kw) -> FundDecision:
    base = {
        "actor": f.actor(f.officer),
        "notification": f.n,
        "outcome": "approved",
        "answers": all_met(f.round),
        "costs_reasonable": True,
    }
    return fs.fund_decide(**(base | kw))


def test_a_first_approval_above_the_notified_amount_is_refused_even_with_a_reason(fw):
    with pytest.raises(DomainError, match="högre än det anmälda") as exc:
        _decide(fw, amount_ore=NOTIFIED + 1, reason="Priset har gått upp.")
    assert exc.value.field == "amount_ore"
    fw.n.refresh_from_db()
    assert fw.n.status == S.SUBMITTED and fw.n.approved_ore is None
    assert not PotEntry.objects.filter(notification=fw.n).exists()
    assert not FundDecision.objects.exists()


def test_a_re_decision_above_the_notified_amount_must_name_the_standing_decision(fw):
    first = _decide(fw)
    committed = pot_balance(pot=fw.n.pot).committed
    # A reason alone is not enough: the new decision must name the decision it replaces.
    with pytest.raises(DomainError) as exc:
        _decide(fw, amount_ore=NOTIFIED + 5_000_00, reason="Kursavgiften höjdes.")
    assert exc.value.field == "amount_ore"
    # Naming it without a reason is not enough either.
    with pytest.raises(DomainError) as exc:
        _decide(fw, amount_ore=NOTIFIED + 5_000_00, supersedes_id=first.pk)
    assert exc.value.field == "amount_ore"
    # Naming a decision that is not the standing one (a stale page) is refused on its field.
    with pytest.raises(DomainError) as exc:
        _decide(fw, amount_ore=NOTIFIED, reason="Ny bedömning.", supersedes_id=first.pk + 99)
    assert exc.value.field == "supersedes"
    fw.n.refresh_from_db()
    assert fw.n.approved_ore == NOTIFIED and pot_balance(pot=fw.n.pot).committed == committed
    assert FundDecision.objects.count() == 1

    second = _decide(
        fw, amount_ore=NOTIFIED + 5_000_00, reason="Kursavgiften höjdes.", supersedes_id=first.pk
    )
    fw.n.refresh_from_db()
    assert fw.n.status == S.APPROVED and fw.n.approved_ore == NOTIFIED + 5_000_00
    assert second.supersedes == first and first.superseded_by == second
    assert pot_balance(pot=fw.n.pot).committed == committed + 5_000_00
    # The first decision is no longer the standing one: naming it again is refused.
    with pytest.raises(DomainError) as exc:
        _decide(fw, amount_ore=NOTIFIED, reason="Tillbaka.", supersedes_id=first.pk)
    assert exc.value.field == "supersedes"


def test_above_the_notified_amount_through_the_api(fw):
    f = fw
    _t, raw = ApiToken.issue(user=f.officer)
    api = Client()
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answers = {str(k): [v[0], v[1]] for k, v in all_met(f.round).items()}
    url = f"/api/v1/fund/notifications/{f.n.pk}/decisions"
    body = {"outcome": "approved", "answers": answers, "costs_reasonable": True}
    higher = body | {"amount_ore": NOTIFIED + 1, "reason": "Dyrare."}
    r = api.post(url, higher, "application/json", **h)
    assert r.status_code == 400 and r.json()["field"] == "amount_ore"
    r = api.post(url, body, "application/json", **h)
    assert r.status_code == 201
    first = FundDecision.objects.get()
    r = api.post(url, higher, "application/json", **h)
    assert r.status_code == 400 and r.json()["field"] == "amount_ore"
    r = api.post(url, higher | {"supersedes_id": first.pk}, "application/json", **h)
    assert r.status_code == 201 and r.json()["approved_ore"] == NOTIFIED + 1


def test_above_the_notified_amount_through_the_page(fw):
    f = fw
    first = _decide(f)
    # The page carries the standing decision; above the notified amount without a reason is
    # refused at the amount field, with a reason it is the new decision.
    page = Client()
    page.force_login(f.officer)
    assess = f"/fund/notifications/{f.n.pk}/assess/"
    html = page.get(assess).content.decode()
    assert f'name="supersedes" value="{first.pk}"' in html
    form = {f"met_{c.pk}": "yes" for c in criteria_for(fund_round=f.round, active_only=True)}
    form |= {
        "outcome": "approved",
        "costs_reasonable": "on",
        "amount_ore": "100 000,01",
        "supersedes": str(first.pk),
    }
    r = page.post(assess, form)
    assert r.status_code == 400
    assert "högre än det anmälda" in r.context["form"].errors["amount_ore"][0]
    assert 'id="id_amount_ore_error"' in r.content.decode()
    r = page.post(assess, form | {"reason": "Anordnaren höjde avgiften."})
    assert r.status_code == 302
    f.n.refresh_from_db()
    assert f.n.approved_ore == NOTIFIED + 1
    assert FundDecision.objects.get(supersedes=first).amount_ore == NOTIFIED + 1
