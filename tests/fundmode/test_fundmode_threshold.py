"""The pot's unused-money warning uses the member employer's own threshold (its forecast
settings in lom.funds), not the installation's."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lom.fundmode.selectors import pot_figures, pot_figures_for
from lom.funds.models import ForecastSettings
from tests.factories import make_fund, open_and_allocate


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    f.round = open_and_allocate(f)
    return f


def test_the_pot_warns_with_the_members_own_threshold(fw):
    f = fw
    today = timezone.localdate()
    pots = list(f.round.pots.select_related("round", "member").order_by("member_id"))
    alfa = next(p for p in pots if p.member_id == f.alfa.org.pk)
    beta = next(p for p in pots if p.member_id == f.beta.org.pk)
    # Nothing used a year into the period: every krona is projected unused (100 %).
    assert pot_figures(pot=alfa, today=today).expiry.unused_percent == 100
    assert settings.LOM_UNUSED_WARNING_PERCENT < 100
    assert pot_figures(pot=alfa, today=today).expiry.warning  # the installation's default
    ForecastSettings.objects.create(organisation=f.alfa.org, unused_warning_percent=100)
    by_member = {x.pot.member_id: x for x in pot_figures_for(pots=pots, today=today)}
    assert not by_member[alfa.member_id].expiry.warning  # 100 % is not above 100 %
    assert by_member[beta.member_id].expiry.warning  # beta keeps the default

    c = Client()
    c.force_login(f.alfa.coordinator)
    assert "forecast-warning" not in c.get(f"/fund/pots/{alfa.pk}/").content.decode()
    ForecastSettings.objects.filter(organisation=f.alfa.org).update(unused_warning_percent=50)
    assert "forecast-warning" in c.get(f"/fund/pots/{alfa.pk}/").content.decode()
