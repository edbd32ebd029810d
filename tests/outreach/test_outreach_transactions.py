"""One transaction per action in outreach: every write service is durable, and each public page
counts its visit (and the guide its answers, the apply click its marker) with one service."""

from datetime import date

import pytest
from django.db import transaction

from lom.outreach import guide, services
from lom.outreach.models import CounterKind, ReachCounter

WRITE_SERVICES = [
    services.contact_save,
    services.contact_delete,
    services.news_save,
    services.news_delete,
    services.campaign_save,
    services.reach_count,
    services.reach_count_guide,
    services.reach_count_apply_click,
    services.reach_note_application,
]


@pytest.mark.django_db
@pytest.mark.parametrize("service", WRITE_SERVICES, ids=lambda f: f.__name__)
def test_every_write_service_is_durable(service):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        service()


def test_guide_visit_result_and_answers_are_one_service(world):
    today = date.today()
    services.reach_count_guide(
        organisation=world.org,
        day=today,
        campaign_id=None,
        answers=guide.GuideAnswers(goal="develop", forms=("course", "coaching")),
    )
    services.reach_count_guide(organisation=world.org, day=today, campaign_id=None, answers=None)
    rows = {
        (r.kind, r.detail): r.count for r in ReachCounter.objects.filter(organisation=world.org)
    }
    assert rows == {
        (CounterKind.GUIDE_VIEW, ""): 2,
        (CounterKind.GUIDE_RESULT, ""): 1,
        (CounterKind.GUIDE_RESULT, "goal:develop"): 1,
        (CounterKind.GUIDE_RESULT, "suits:course"): 1,
        (CounterKind.GUIDE_RESULT, "suits:coaching"): 1,
    }


def test_apply_click_counts_and_answers_the_marker(world):
    today = date.today()
    marker = services.reach_count_apply_click(
        organisation=world.org, source="guide", campaign_id=None, today=today
    )
    assert marker == {"org": world.org.pk, "src": "guide", "c": None, "on": today.isoformat()}
    row = ReachCounter.objects.get(organisation=world.org)
    assert (row.kind, row.detail, row.count) == (CounterKind.APPLY_CLICK, "guide", 1)
