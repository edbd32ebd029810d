"""Bounded input in fund mode: amounts, counts and texts are held to `lom.common.bounds` in the
API schema, the form and the service; what is out of bounds gets a 4xx naming the field, never
a 500, and nothing is saved."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.common.bounds import MAX_COUNT, NAME_MAX, TEXT_MAX
from lom.common.errors import DomainError
from lom.fundmode import services as fs
from lom.fundmode.api.schemas import StatusFilter
from lom.fundmode.models import FundDecision, MeasureNotification
from tests.factories import all_met, make_fund, notify_measure, open_and_allocate

HUGE = 2**63
TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def _api(user) -> tuple[Client, dict]:
    _t, raw = ApiToken.issue(user=user)
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _fields(resp) -> set[str]:
    """The fields a 422 names (the last part of each error's location)."""
    return {e["field"].rsplit(".", 1)[-1] for e in resp.json()["errors"]}


def _prenotify(f, **extra) -> dict:
    today = timezone.localdate()
    body = {
        "round_id": f.round.pk,
        "title": "Kurs",
        "estimated_ore": 10_000_00,
        "planned_start": str(today),
        "planned_end": str(today + timedelta(days=30)),
    }
    return body | extra


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"estimated_ore": HUGE}, "estimated_ore"),
        ({"title": "x" * (NAME_MAX + 1)}, "title"),
        ({"title": TEN_MB}, "title"),
        ({"round_id": HUGE}, "round_id"),
        ({"measure_type_id": HUGE}, "measure_type_id"),
    ],
)
def test_api_prenotification_out_of_bounds_is_a_422_naming_the_field(fw, extra, field):
    c, h = _api(fw.alfa.coordinator)
    resp = c.post("/api/v1/fund/notifications", _prenotify(fw, **extra), "application/json", **h)
    assert resp.status_code == 422 and field in _fields(resp)
    assert not MeasureNotification.objects.filter(title="Kurs").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"amount_ore": HUGE}, "amount_ore"),
        ({"outcome": "approved_twice"}, "outcome"),
        ({"reason": TEN_MB}, "reason"),
        ({"supersedes_id": HUGE}, "supersedes_id"),
    ],
)
def test_api_decision_out_of_bounds_is_a_422_naming_the_field(fw, extra, field):
    n = notify_measure(fw, fw.round)
    c, h = _api(fw.officer)
    answers = {str(k): [v[0], v[1]] for k, v in all_met(fw.round).items()}
    body = {"outcome": "approved", "answers": answers, "costs_reasonable": True} | extra
    resp = c.post(f"/api/v1/fund/notifications/{n.pk}/decisions", body, "application/json", **h)
    assert resp.status_code == 422 and field in _fields(resp)
    assert not FundDecision.objects.exists()


def test_api_unknown_status_filter_is_a_422(fw):
    c, h = _api(fw.alfa.coordinator)
    resp = c.get("/api/v1/fund/notifications?status=bogus", **h)
    assert resp.status_code == 422 and "status" in _fields(resp)
    assert set(StatusFilter.__args__) == {"", *MeasureNotification.Status.values}


def test_pages_refuse_out_of_bounds_money_counts_and_texts_at_the_field(fw):
    f = fw
    c = Client()
    c.force_login(f.alfa.coordinator)
    resp = c.post(
        "/fund/notifications/new/",
        {
            "round": f.round.pk,
            "title": "Kurs",
            "estimated_ore": "92 233 720 368 547 758,08",
            "planned_start": "2030-01-01",
            "planned_end": "2030-02-01",
        },
    )
    assert resp.status_code == 400 and resp.context["form"].errors["estimated_ore"]
    coord = f.alfa.actor(f.alfa.coordinator)
    n = fs.notification_prenotify(
        actor=coord,
        fund_round=f.round,
        title="Kurs",
        estimated_ore=10_000_00,
        planned_start=timezone.localdate(),
        planned_end=timezone.localdate(),
    )
    edit = {
        "title": "Kurs",
        "background": "x" * (TEXT_MAX + 1),
        "need": "Behov.",
        "provider_kind": "own_staff",
        "planned_start": "2030-01-01",
        "planned_end": "2030-03-01",
        "cost_tuition": "40 000",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-0-occupation_code": "3344",
        "p-0-gender": "F",
        "p-0-count": str(HUGE),
    }
    resp = c.post(f"/fund/notifications/{n.pk}/edit/", edit)
    assert resp.status_code == 400
    assert resp.context["form"].errors["background"]
    assert resp.context["formset"].forms[0].errors["count"]
    n.refresh_from_db()
    assert n.background == "" and not n.participants.exists()


def test_services_hold_the_bounds_the_api_and_forms_hold(fw):
    """The services check again: a caller that bypasses the forms and schemas is refused on
    the field too."""
    f = fw
    coord = f.alfa.actor(f.alfa.coordinator)
    n = fs.notification_prenotify(
        actor=coord,
        fund_round=f.round,
        title="Kurs",
        estimated_ore=10_000_00,
        planned_start=timezone.localdate(),
        planned_end=timezone.localdate(),
    )
    with pytest.raises(DomainError) as exc:
        fs.notification_set_participants(actor=coord, notification=n, groups=[("3344", "F", HUGE)])
    assert exc.value.field == "participants"
    with pytest.raises(DomainError) as exc:
        fs.notification_set_participants(
            actor=coord,
            notification=n,
            groups=[("3344", "F", MAX_COUNT), ("3344", "M", 1)],  # the sum is checked too
        )
    assert exc.value.field == "participants"
    data = fs.NotificationInput(
        title="Kurs",
        background=TEN_MB,
        need="",
        description="",
        measure_type=None,
        provider_kind="own_staff",
        provider_name="",
        planned_start=timezone.localdate(),
        planned_end=timezone.localdate(),
        costs={},
    )
    with pytest.raises(DomainError) as exc:
        fs.notification_update(actor=coord, notification=n, data=data)
    assert exc.value.field == "background"
    data.background = ""
    data.costs = {"tuition": (HUGE, "")}
    with pytest.raises(DomainError) as exc:
        fs.notification_update(actor=coord, notification=n, data=data)
    assert exc.value.field == "cost_tuition"
    data.costs = {"tuition": (6 * 10**13, ""), "extra": (6 * 10**13, "")}
    with pytest.raises(DomainError) as exc:
        fs.notification_update(actor=coord, notification=n, data=data)
    assert exc.value.field == "costs"
    n.refresh_from_db()
    assert not n.participants.exists() and not n.cost_lines.exists()
