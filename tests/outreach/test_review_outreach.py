"""Review of the outreach app: bad ids in the campaign form answer with a form error."""

import pytest
from django.test import Client

from lom.outreach.models import Campaign
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_campaign_form_with_an_out_of_range_measure_type_is_a_form_error_not_a_500():
    w = make_world("revout")
    c = Client(raise_request_exception=False)
    c.force_login(w.coordinator)
    r = c.post(
        "/outreach/campaigns/new/",
        {
            "title": "Våren för karriärväxling",
            "text": "Vill du byta bana?",
            "starts_on": "2025-03-01",
            "ends_on": "2025-04-01",
            "measure_types": ["99999999999999999999999"],
            "status": "draft",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "error-summary" in body and "Våren för karriärväxling" in body
    assert not Campaign.objects.exists()
