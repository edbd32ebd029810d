"""End-to-end in a real browser (Debian's chromium driven by Playwright):
an employee applies, the coordinator approves, the fund overview shows the commitment."""

from datetime import date, timedelta

import pytest

from lom.cases.models import Case
from tests.browser import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_employee_applies_coordinator_approves_fund_shows_commitment(live_server, browser):
    from tests.factories import make_world

    w = make_world("webb")
    base = live_server.url
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()

    # Employee: reads what the funds are for, then applies step by step.
    login(page, base, w.employee.username)
    page.get_by_role("link", name="Ny ansökan").first.click()
    page.get_by_label("Rubrik").fill("Kurs i verksamhetsutveckling")
    page.get_by_label("Medarbetare söker själv").check()
    page.get_by_label("Kompetensutveckling").check()
    page.get_by_label("Förebygga arbetsbrist").check()
    page.get_by_role("button", name="Spara och fortsätt").click()

    # Step 2: a mistake first; the error summary appears and what was typed stays.
    page.get_by_label("Vilket behov i verksamheten").fill("Nya digitala arbetssätt.")
    page.get_by_label("Beskriv insatsen").fill("Tre kursdagar.")
    start = date.today() + timedelta(days=14)
    page.get_by_label("Startdatum").fill(start.isoformat())
    page.get_by_label("Slutdatum").fill((start - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Spara och fortsätt").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Beskriv insatsen").input_value() == "Tre kursdagar."
    page.get_by_label("Slutdatum").fill((start + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Spara och fortsätt").click()

    # Step 3: costs.
    page.get_by_label("Rad 1: Kostnadsslag").select_option("course_fee")
    page.get_by_label("Rad 1: Belopp (kr)").fill("24 000")
    page.get_by_role("button", name="Spara och fortsätt").click()

    # Step 4: review and submit.
    page.get_by_role("button", name="Skicka in ansökan").click()
    case = Case.objects.get(title="Kurs i verksamhetsutveckling")
    assert case.number
    assert page.get_by_text(f"diarienummer {case.number}").is_visible()
    ctx.close()

    # Coordinator: finds it in the queue, reviews and approves a lower amount.
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, w.coordinator.username)
    page.goto(f"{base}/cases/?status=submitted")
    page.get_by_role("link", name=case.number).click()
    page.get_by_role("button", name="Påbörja handläggning").click()
    page.get_by_role("link", name="Bevilja").click()
    page.get_by_label("Motivering").fill("Insatsen svarar mot behovet.")
    page.get_by_label("Beviljat belopp (kr)").fill("20 000")
    page.get_by_role("button", name="Bevilja").click()
    assert page.get_by_text("Beslut: Beviljad").is_visible()

    # The fund overview shows the commitment and what is left.
    page.locator(".nav-group summary", has_text="Pengar och beslut").click()
    page.get_by_role("link", name="Fonden").click()
    figures = page.locator(".figures").first.inner_text()
    assert "20 000,00 kr" in figures.replace("\u00a0", " ")
    assert "980 000,00 kr" in figures.replace("\u00a0", " ")
    ctx.close()


@pytest.mark.django_db(transaction=True)
def test_joint_meeting_from_agenda_to_pdf_minutes(live_server, browser):
    """From the agenda to minutes adjusted by the chair and both union parties' adjusters,
    each union representative in a browser of their own."""
    import subprocess
    from datetime import timedelta

    from django.utils import timezone

    from lom.agreements.models import DecisionModel
    from lom.cases import services as cs
    from lom.organisations.models import Role, Union
    from lom.organisations.services import membership_grant
    from tests.factories import UserFactory, add_agreement_union, make_case, make_world

    w = make_world("mote", decision_model=DecisionModel.JOINT)
    vision = Union.objects.create(organisation=w.org, name="Vision")
    rep2 = UserFactory(username="mote-vision", first_name="Vera", last_name="Vision")
    membership_grant(actor=None, organisation=w.org, user=rep2, role=Role.UNION_REP, union=vision)
    add_agreement_union(w.org, vision)
    case = cs.case_transition(actor=w.actor(w.coordinator), case=make_case(w), name="start_review")
    base = live_server.url

    # The coordinator plans the meeting (it began a few minutes ago) with both unions.
    ctx = browser.new_context(locale="sv-SE", accept_downloads=True)
    page = ctx.new_page()
    login(page, base, w.coordinator.username)
    page.goto(f"{base}/decisions/meetings/")
    page.get_by_label("Rubrik").fill("Partssamverkan vecka 12")
    started = timezone.localtime() - timedelta(minutes=5)
    page.get_by_label("Tid").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Plats eller länk").fill("Rum 4")
    page.get_by_label(f"{w.union_rep} (Saco-S)").check()
    page.get_by_label(f"{rep2} (Vision)").check()
    page.get_by_role("button", name="Planera").click()
    page.get_by_role("button", name="Lägg till 1 ärende som är redo för beslut").click()
    meeting_url = page.url
    ctx.close()

    def as_union_rep(user, union_name, then):
        ctx = browser.new_context(locale="sv-SE")
        page = ctx.new_page()
        login(page, base, user.username)
        page.goto(meeting_url)
        then(page, union_name)
        ctx.close()

    def agree(page, union_name):
        form = page.locator("form", has_text=f"Ställningstagande för {union_name}")
        form.get_by_label("Tillstyrker").check()
        form.get_by_label("Slutligt ställningstagande på sammanträdet").check()
        form.get_by_role("button", name="Spara ställningstagande").click()
        assert page.get_by_text("Ställningstagandet är sparat.").is_visible()

    def adjust(page, union_name):
        page.get_by_role("button", name="Justera protokollet").click()
        assert page.get_by_text("Protokollet justeras").first.is_visible() or (
            page.get_by_text("Protokollet är justerat av samtliga").is_visible()
        )

    as_union_rep(w.union_rep, "Saco-S", agree)
    as_union_rep(rep2, "Vision", agree)

    # The coordinator records the employer's position and the decision, and adjusts as chair.
    ctx = browser.new_context(locale="sv-SE", accept_downloads=True)
    page = ctx.new_page()
    login(page, base, w.coordinator.username)
    page.goto(meeting_url)
    agree(page, "Arbetsgivaren")
    page.get_by_label("Beviljad").check()
    page.get_by_label("Motivering och protokollsanteckning").fill("Parterna är eniga.")
    page.get_by_role("button", name="För beslutet till protokollet").click()
    assert page.get_by_text("Beslut: Beviljad").is_visible()
    adjust(page, "Arbetsgivaren")
    assert page.get_by_text("ej justerat").count() == 2  # the two union adjusters
    ctx.close()

    # Each union's adjuster adjusts in a session of their own; the last one locks the minutes.
    as_union_rep(w.union_rep, "Saco-S", adjust)
    as_union_rep(rep2, "Vision", adjust)

    ctx = browser.new_context(locale="sv-SE", accept_downloads=True)
    page = ctx.new_page()
    login(page, base, w.coordinator.username)
    page.goto(meeting_url)
    assert page.get_by_text("Protokollet är justerat av samtliga justerare").is_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ned protokollet (PDF)").click()
    with open(info.value.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Partssamverkan vecka 12" in text and case.number in text
    assert "Vision" in text and "Saco-S" in text
    case.refresh_from_db()
    assert case.status == "approved"
    ctx.close()
