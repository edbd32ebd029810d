"""The levers panel (fund overview, dashboard), the levers page and the round form: who sees
what, who acts, and another organisation's period."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from lom.decisions.models import ApplicationRound
from tests.factories import make_world, signed_in
from tests.levers.builders import approved_plan, reached_world

pytestmark = pytest.mark.django_db
PANEL = "Hävstänger mot outnyttjade medel"


def _page(world, user):
    return signed_in(user).get(reverse("levers:period", args=[world.period.pk]))


def test_the_fund_overview_shows_the_panel_when_the_forecast_warns(world):
    reached_world(world)
    html = signed_in(world.coordinator).get(reverse("funds:overview")).content.decode()
    assert PANEL in html and "Tysta enheter" in html and "Grupper som medlen inte når" in html
    assert "/levers/campaigns/new/?" in html  # the coordinator acts
    assert reverse("levers:round", args=[world.period.pk]) in html
    assert reverse("levers:period", args=[world.period.pk]) in html


def test_the_union_representative_sees_the_panel_but_no_action(world):
    reached_world(world)
    html = signed_in(world.union_rep).get(reverse("funds:overview")).content.decode()
    assert PANEL in html and "Tysta enheter" in html
    assert "/levers/campaigns/new/" not in html
    assert reverse("levers:round", args=[world.period.pk]) not in html


def test_without_a_warning_the_overview_only_links_to_the_levers(world, settings):
    settings.LOM_UNUSED_WARNING_PERCENT = 100
    html = signed_in(world.coordinator).get(reverse("funds:overview")).content.decode()
    assert reverse("levers:period", args=[world.period.pk]) in html
    assert "Tysta enheter" not in html


def test_roles_outside_the_levers_see_no_panel(world):
    html = signed_in(world.auditor).get(reverse("funds:overview")).content.decode()
    assert PANEL not in html


def test_the_dashboard_shows_the_panel_when_the_forecast_warns(world, settings):
    reached_world(world)
    html = signed_in(world.coordinator).get(reverse("home")).content.decode()
    assert PANEL in html and "Enhet B" in html
    assert PANEL not in signed_in(world.decision_maker).get(reverse("home")).content.decode()
    settings.LOM_UNUSED_WARNING_PERCENT = 100
    assert PANEL not in signed_in(world.coordinator).get(reverse("home")).content.decode()


def test_the_levers_page_names_the_managers_for_coordinators_only(world):
    reached_world(world)
    coord = _page(world, world.coordinator)
    assert coord.status_code == 200
    assert "Kim Lind" in coord.content.decode()
    rep = _page(world, world.union_rep)
    assert rep.status_code == 200
    html = rep.content.decode()
    assert "Kim Lind" not in html and "Har chef" in html
    assert "samordnaren agerar på dem" in html and "/levers/campaigns/new/" not in html
    assert _page(world, world.admin).status_code == 200


def test_the_levers_page_explains_the_conversion_it_used(world):
    html = _page(world, world.coordinator).content.decode()
    assert "standardvärdet" in html and "Andel som söker: 3\u00a0%" in html
    assert "Inga kampanjer har skickats under perioden ännu." in html


def test_other_roles_and_another_organisation_are_refused(world):
    for user in (world.employee, world.auditor, world.decision_maker, world.manager):
        assert _page(world, user).status_code == 403
    beta = make_world("beta")
    url = reverse("levers:period", args=[beta.period.pk])
    assert signed_in(world.coordinator).get(url).status_code == 404
    url = reverse("levers:round", args=[beta.period.pk])
    assert signed_in(world.coordinator).get(url).status_code == 404


def test_the_round_form_is_prefilled_and_opens_the_round(world, django_capture_on_commit_callbacks):
    approved_plan(world, budget_ore=400_000_00, need="Digital kompetens")
    client = signed_in(world.coordinator)
    url = reverse("levers:round", args=[world.period.pk])
    page = client.get(url).content.decode()
    assert "600000,00" in page or "600 000" in page
    assert "Digital kompetens (Digitalisering)" in page
    assert url in client.get(reverse("funds:overview")).content.decode()
    today = date.today()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "Utvecklingsprojekt i år",
                "opens_on": today.isoformat(),
                "closes_on": (today + timedelta(days=30)).isoformat(),
                "budget": "",
                "call_text": "",
            },
        )
    rnd = ApplicationRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "decisions:round", args=[rnd.pk]
    )
    assert rnd.budget_ore == 600_000_00
    # The panel forgets its copy of the levers: nothing is unplanned any more.
    html = client.get(reverse("funds:overview")).content.decode()
    assert url not in html


def test_a_refused_round_keeps_what_was_typed(world):
    client = signed_in(world.coordinator)
    today = date.today()
    response = client.post(
        reverse("levers:round", args=[world.period.pk]),
        {
            "title": "Mitt eget namn",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "budget": "2000000",
            "call_text": "Egen text",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mitt eget namn" in html and "Egen text" in html
    assert "Budgetramen kan vara högst de oplanerade medlen" in html
    assert not ApplicationRound.objects.exists()


def test_the_union_representative_cannot_open_a_round(world):
    url = reverse("levers:round", args=[world.period.pk])
    assert signed_in(world.union_rep).post(url, {"title": "X"}).status_code == 403
    assert signed_in(world.admin).get(url).status_code == 403


def test_the_levers_page_computes_afresh_in_queries_that_do_not_grow_with_the_history(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import approve, make_case

    reached = reached_world(world)
    client = signed_in(world.coordinator)
    url = reverse("levers:period", args=[world.period.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for emp in reached.appliers:  # twice the decided cases
        approve(world, make_case(world, emp.user, amount_ore=1_000_00))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many) <= 60


def test_the_panel_shows_the_forecast_before_and_after_each_sent_campaign(
    world, django_capture_on_commit_callbacks
):
    from lom.levers.services.campaigns import campaign_send
    from tests.levers.helpers import draft

    reached_world(world)
    client = signed_in(world.coordinator)
    title = "Prognos för outnyttjade medel före och efter varje kampanj"
    assert title not in client.get(reverse("funds:overview")).content.decode()  # now cached
    c = draft(world, dimension="unit", value=str(world.unit_b.pk), title="Till enhet B")
    with django_capture_on_commit_callbacks(execute=True):  # delivery forgets the cached panel
        campaign_send(actor=world.actor(world.coordinator), campaign=c)
    html = client.get(reverse("funds:overview")).content.decode()
    assert title in html and "Till enhet B" in html and "<svg" in html


def test_the_cached_panel_is_in_each_readers_language(world):
    reached_world(world)
    swedish = signed_in(world.coordinator).get(reverse("funds:overview")).content.decode()
    assert "Tysta enheter" in swedish
    english = signed_in(world.union_rep)
    english.cookies["django_language"] = "en"
    html = english.get(reverse("funds:overview")).content.decode()
    assert "Tysta enheter" not in html and "Grupper som medlen inte når" not in html
