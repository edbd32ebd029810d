"""The campaign journey in a real browser: the fund overview warns that money will be left
unused and its levers panel names the unit the money does not reach; the coordinator follows
that lever's link to a new campaign, previews it (counts and the what-if) and sends it; the task
queue delivers it; an employee of the unit follows the mail's link to the public page and
applies; the coordinator's funnel counts it (shown as "färre än 5" while it is one)."""

import re
from datetime import date, timedelta

import pytest

from lom.cases.models import Case
from lom.levers.models import Campaign, Status
from lom.levers.selectors.funnel import campaign_funnel
from lom.mail.models import OutboundMail
from tests.browser import login
from tests.levers.builders import reached_world

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_from_a_lever_to_a_sent_campaign_to_an_application_in_the_funnel(live_server, browser):
    from tests.factories import make_world

    w = make_world("kampanj")
    reached = reached_world(w)  # unit A's staff got all the money, unit B's none
    base = live_server.url
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()

    # The warning on the fund overview, and the levers panel beside it.
    login(page, base, w.coordinator.username)
    page.goto(f"{base}/funds/")
    page.get_by_text("Varning: en stor del av medlen riskerar att inte användas").wait_for()
    panel = page.get_by_role("region", name="Hävstänger mot outnyttjade medel")
    under_reached = panel.get_by_role("listitem").filter(has_text="Grupper som medlen inte når")
    # The coordinator follows the lever's link: the form is filled in from it.
    link = under_reached.get_by_role("link", name="Enhet B")
    assert link.inner_text().startswith("starta en kampanj")
    link.click()
    assert page.get_by_label("Vilka får den?").input_value() == f"unit:{w.unit_b.pk}"
    assert page.get_by_label("Ämnesrad").input_value() == "Omställningsmedlen är till för dig också"
    page.get_by_role("button", name="Spara och förhandsgranska").click()

    # The preview: counts only, and the what-if with its table.
    page.get_by_role("heading", name="Vilka når den?").wait_for()
    assert page.get_by_role("img", name="Prognos för outnyttjade medel nu och med kampanjen")
    assert page.get_by_role("rowheader", name="Med kampanjen").is_visible()
    page.get_by_role("button", name="Skicka kampanjen").click()
    page.get_by_text("Kampanjen är skickad").wait_for()
    campaign = Campaign.objects.get()
    # The task queue delivered it when the send committed (the immediate backend in tests).
    assert campaign.status == Status.SENT and campaign.recipients == 7  # the colleague, 6 carers
    assert (campaign.lever, campaign.period_id) == ("under_reached", w.period.pk)
    assert campaign.expected_effect_kr > 0
    ctx.close()

    # The employee reads the mail's link (from the outbox) and follows it, signed in.
    carer = reached.carers[0]
    mail = OutboundMail.objects.get(kind=campaign.mail_kind, to_address=carer.email)
    link = re.search(r"http://testserver(/o/\S+)", mail.text).group(1)
    assert link.endswith(f"?k={campaign.marker_id}")
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, carer.user.username)
    page.goto(base + link)
    page.get_by_role("link", name="Logga in och ansök").click()
    page.get_by_label("Rubrik").fill("Kurs efter kampanjen")
    page.get_by_label("Medarbetare söker själv").check()
    page.get_by_label("Kompetensutveckling").check()
    page.get_by_label("Förebygga arbetsbrist").check()
    page.get_by_role("button", name="Spara och fortsätt").click()
    page.get_by_label("Vilket behov i verksamheten").fill("Nya arbetssätt.")
    page.get_by_label("Beskriv insatsen").fill("Två kursdagar.")
    start = date.today() + timedelta(days=14)
    page.get_by_label("Startdatum").fill(start.isoformat())
    page.get_by_label("Slutdatum").fill((start + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Spara och fortsätt").click()
    page.get_by_label("Rad 1: Kostnadsslag").select_option("course_fee")
    page.get_by_label("Rad 1: Belopp (kr)").fill("12 000")
    page.get_by_role("button", name="Spara och fortsätt").click()
    page.get_by_role("button", name="Skicka in ansökan").click()
    case = Case.objects.get(title="Kurs efter kampanjen")
    assert case.submitted_at is not None and case.reach_marker == campaign.marker_id
    ctx.close()

    # The funnel: the true counts, and the page's suppressed display.
    funnel = campaign_funnel(campaign=campaign)
    assert (funnel.opened, funnel.started, funnel.submitted) == (1, 1, 1)
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, w.coordinator.username)
    page.goto(f"{base}/levers/campaigns/{campaign.pk}/")
    funnel_table = page.locator("#funnel")
    assert funnel_table.get_by_role("row", name="Skickade in en ansökan färre än 5").is_visible()
    assert funnel_table.get_by_role("row", name="Skickade 7").is_visible()
    ctx.close()
