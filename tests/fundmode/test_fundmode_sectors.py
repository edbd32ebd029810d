"""Measure types belong to sectors: a region is not offered avtalspension (a state-sector
type), and the service refuses it, in fund mode and for the agreement form's choices."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lom.accounts.models import ApiToken
from lom.agreements.forms import AgreementForm
from lom.agreements.models import ContributionRate, MeasureType
from lom.agreements.reference_data import ensure_reference_data
from lom.common.errors import DomainError
from lom.fundmode import services as fs
from lom.fundmode.models import MeasureNotification
from lom.fundmode.selectors import measure_types_for
from lom.organisations.models import Organisation
from tests.factories import make_fund, open_and_allocate


@pytest.fixture
def fw(world, other_world):
    Organisation.objects.filter(pk=world.org.pk).update(kind=Organisation.Kind.REGION)
    world.org.refresh_from_db()
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def test_avtalspension_belongs_to_the_state_sector(db):
    # The migrations seed the reference data; a transactional test that ran earlier may have
    # flushed it, and ensure_reference_data is what brings it back (with the sectors).
    ensure_reference_data(MeasureType, ContributionRate)
    pension = MeasureType.objects.get(code="pension_agreement")
    assert pension.sectors == ["agency"]
    assert pension not in measure_types_for(kind="region")
    assert pension in measure_types_for(kind="agency")
    assert MeasureType.objects.get(code="coaching") in measure_types_for(kind="region")


def test_a_region_is_neither_offered_nor_allowed_avtalspension(fw):
    f = fw
    pension = MeasureType.objects.get(code="pension_agreement")
    today = timezone.localdate()
    args = {
        "fund_round": f.round,
        "title": "Seniorer lämnar över",
        "estimated_ore": 10_000_00,
        "planned_start": today,
        "planned_end": today + timedelta(days=30),
    }
    coord = f.alfa.actor(f.alfa.coordinator)
    with pytest.raises(DomainError) as e:
        fs.notification_prenotify(actor=coord, measure_type=pension, **args)
    assert e.value.field == "measure_type" and "Avtalspension" in str(e.value)
    assert not MeasureNotification.objects.exists()

    c = Client()
    c.force_login(f.alfa.coordinator)
    page = c.get("/fund/notifications/new/").content.decode()
    assert "Avtalspension" not in page and "Coachning" in page
    r = c.post(
        "/fund/notifications/new/",
        {
            **{k: str(v) for k, v in args.items() if k != "fund_round"},
            "round": f.round.pk,
            "estimated_ore": "10 000",
            "measure_type": pension.pk,
        },
    )
    assert r.status_code == 400 and not MeasureNotification.objects.exists()

    _t, raw = ApiToken.issue(user=f.alfa.coordinator)
    body = {
        "round_id": f.round.pk,
        "title": "Seniorer lämnar över",
        "estimated_ore": 10_000_00,
        "planned_start": today.isoformat(),
        "planned_end": (today + timedelta(days=30)).isoformat(),
        "measure_type_id": pension.pk,
    }
    r = Client().post(
        "/api/v1/fund/notifications",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code in (400, 422), r.content
    assert not MeasureNotification.objects.exists()

    # The same organisation's agreement form does not offer the type either.
    form = AgreementForm(organisation=f.alfa.org)
    assert pension not in form.fields["measure_types"].queryset
