"""The transition workshop in a real browser (Debian's chromium driven by Playwright): a
facilitator and two participants in their own browser contexts. The participants add cards
and see each other's appear without reloading; the facilitator moves the steps (everyone's
screen follows), the cards are sorted by drag and drop and with the keyboard alternative, and
the locked result is kept as a PDF."""

import re
import subprocess
from datetime import date

import pytest

from tests.browser import login

LIVE = 10_000  # ms: the board polls every 2 s

pytestmark = pytest.mark.browser


@pytest.fixture
def serial_server(live_server):
    """The live server, answering one request at a time. On SQLite the test database lives in
    memory and every server thread shares one connection with the test, so the board's polls
    (three browsers every two seconds) must not interleave with a write. The test takes the
    same lock for its own queries. (On PostgreSQL each thread has its own connection.)"""
    import threading

    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.RLock()

    def one_at_a_time(environ, start_response):
        with lock:
            return app(environ, start_response)

    httpd.set_app(one_at_a_time)
    live_server.lock = lock
    yield live_server
    httpd.set_app(app)


def card(page, text):
    return page.locator(".card-text", has_text=text)


def open_page(browser, base, username, problems):
    ctx = browser.new_context(locale="sv-SE", accept_downloads=True)
    page = ctx.new_page()
    # Any script error or Content-Security-Policy refusal fails the test.
    page.on("pageerror", lambda exc: problems.append(f"{username}: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{username}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    login(page, base, username)
    return ctx, page


@pytest.mark.django_db(transaction=True)
def test_workshop_with_two_participants_live_to_locked_pdf(serial_server, browser):
    from playwright.sync_api import expect

    from lom.planning.models import FactorCard, Workshop
    from tests.factories import make_world

    w = make_world("wsweb")
    base = serial_server.url
    db = serial_server.lock  # hold it for the test's own queries
    problems: list[str] = []

    # The facilitator (the coordinator) creates the workshop and invites both parties.
    fctx, fac = open_page(browser, base, w.coordinator.username, problems)
    fac.goto(f"{base}/planning/workshops/new/")
    fac.get_by_label("Rubrik").fill("Workshop i webbläsaren")
    fac.get_by_label("Datum").fill(date.today().isoformat())
    fac.get_by_label(f"{w.union_rep.get_full_name()} (Saco-S)").check()
    fac.get_by_label("Fler deltagare (användarnamn)").fill(w.employee.username)
    fac.get_by_role("button", name="Skapa workshoppen").click()
    expect(fac.get_by_role("heading", name="Steg 1: Omvärldsfaktorer")).to_be_visible()
    with db:
        ws = Workshop.objects.get(title="Workshop i webbläsaren")
    url = f"{base}/planning/workshops/{ws.pk}/"

    # Two participants, each in their own browser context, on the same board.
    actx, emp = open_page(browser, base, w.employee.username, problems)
    bctx, rep = open_page(browser, base, w.union_rep.username, problems)
    for page in (emp, rep):
        page.goto(url)
        page.evaluate("window.__noReload = true")

    # Both add a card at (nearly) the same moment; both are kept and both screens show both.
    emp.get_by_label("Omvärldsfaktor").fill("AI i handläggningen")
    rep.get_by_label("Omvärldsfaktor").fill("Långa elavbrott")
    emp.get_by_role("button", name="Sätt upp kortet").click()
    rep.get_by_role("button", name="Sätt upp kortet").click()
    for page in (emp, rep, fac):
        expect(card(page, "AI i handläggningen")).to_be_visible(timeout=LIVE)
        expect(card(page, "Långa elavbrott")).to_be_visible(timeout=LIVE)
    with db:
        assert FactorCard.objects.filter(workshop=ws).count() == 2
    # The text box is empty again after sending, and what someone is typing survives an update.
    assert emp.get_by_label("Omvärldsfaktor").input_value() == ""
    rep.get_by_label("Omvärldsfaktor").fill("Halvskrivet kort")
    emp.get_by_label("Omvärldsfaktor").fill("Migration")
    emp.get_by_role("button", name="Sätt upp kortet").click()
    expect(card(rep, "Migration")).to_be_visible(timeout=LIVE)
    assert rep.get_by_label("Omvärldsfaktor").input_value() == "Halvskrivet kort"
    rep.get_by_label("Omvärldsfaktor").fill("")

    # Another participant's change redraws the board: focus stays on the same control (a
    # button without an id, found again by its form), and the change is announced politely.
    remove = emp.get_by_role("button", name="Ta bort ”AI i handläggningen”")
    remove.focus()
    status = emp.locator("#live-status")
    assert status.get_attribute("aria-live") == "polite"
    emp.evaluate("document.getElementById('live-status').textContent = ''")
    rep.get_by_label("Omvärldsfaktor").fill("Fokus kvar")
    rep.get_by_role("button", name="Sätt upp kortet").click()
    expect(card(emp, "Fokus kvar")).to_be_visible(timeout=LIVE)
    expect(remove).to_be_focused()
    expect(status).to_have_text("Tavlan har uppdaterats.", timeout=LIVE)
    expect(remove).to_be_focused()

    # The facilitator time-boxes the step and moves on; everyone's screen follows.
    fac.get_by_label("Tidsgräns för steget (minuter)").fill("20")
    fac.get_by_role("button", name="Sätt tidsgräns").click()
    expect(emp.get_by_text("Kvar av steget")).to_be_visible(timeout=LIVE)
    fac.get_by_role("button", name="Nästa steg").click()
    # The facilitator's focus moves to the new step's heading.
    step_heading = fac.get_by_role("heading", name="Steg 2: Sortera i områden")
    expect(step_heading).to_be_focused(timeout=LIVE)
    assert step_heading.get_attribute("tabindex") == "-1"
    for page in (emp, rep):
        expect(page.get_by_role("heading", name="Steg 2: Sortera i områden")).to_be_visible(
            timeout=LIVE
        )
    fac.get_by_label("Nytt område").fill("Digitalisering")
    fac.get_by_role("button", name="Lägg till område").click()
    expect(fac.get_by_role("heading", name="Digitalisering")).to_be_visible()
    fac.get_by_label("Nytt område").fill("Samhällsstörningar")
    fac.get_by_role("button", name="Lägg till område").click()
    expect(rep.get_by_role("heading", name="Samhällsstörningar")).to_be_visible(timeout=LIVE)

    # Sorting: the union representative drags a card; the employee uses the keyboard way.
    dragged = rep.locator(".factor-card", has_text="Långa elavbrott")
    dragged.drag_to(
        rep.locator(".dropzone", has=rep.get_by_role("heading", name="Samhällsstörningar")),
        source_position={"x": 12, "y": 10},  # on the card's text, not on its move form
    )
    expect(
        emp.locator(".dropzone", has=emp.get_by_role("heading", name="Samhällsstörningar"))
    ).to_contain_text("Långa elavbrott", timeout=LIVE)
    move = emp.get_by_label("Flytta till område: ”AI i handläggningen”")
    move.focus()
    move.select_option(label="Digitalisering")
    emp.keyboard.press("Tab")
    emp.keyboard.press("Enter")
    expect(
        rep.locator(".dropzone", has=rep.get_by_role("heading", name="Digitalisering"))
    ).to_contain_text("AI i handläggningen", timeout=LIVE)
    with db:
        cards = {c.text: c for c in FactorCard.objects.select_related("area").filter(workshop=ws)}
    assert cards["Långa elavbrott"].area.name == "Samhällsstörningar"
    assert cards["AI i handläggningen"].area.name == "Digitalisering"

    # Impact: the employee adds a competence need with a rough priority.
    fac.get_by_label("Gå till steg").select_option(label="Påverkan och kompetensbehov")
    fac.get_by_role("button", name="Gå till steget").click()
    expect(emp.get_by_role("heading", name="Steg 3: Påverkan och kompetensbehov")).to_be_visible(
        timeout=LIVE
    )
    emp.get_by_label(re.compile(r"^Område")).select_option(label="Digitalisering")
    emp.get_by_label("Vad betyder det för vår organisation?").fill("Nya krav på säkerhet.")
    emp.get_by_label("Vilket kompetensbehov följer?").fill("Informationssäkerhet för alla")
    emp.get_by_label("Sannolikhet (1 = låg, 5 = hög)").select_option("5")
    emp.get_by_label("Påverkan på oss (1 = liten, 5 = stor)").select_option("4")
    emp.get_by_role("button", name="Lägg till behovet").click()
    expect(rep.get_by_text("5 × 4 = 20")).to_be_visible(timeout=LIVE)

    # Proposals: the union representative proposes a measure linked to the need.
    fac.get_by_role("button", name="Nästa steg").click()
    expect(rep.get_by_role("heading", name="Steg 4: Förslag på insatser")).to_be_visible(
        timeout=LIVE
    )
    rep.get_by_label("Förslag på insats").fill("Säkerhetsutbildning för alla")
    rep.get_by_label("Informationssäkerhet för alla (Digitalisering, 20)").check()
    rep.get_by_label("Ungefärlig kostnad (kr)").fill("120 000")
    rep.get_by_label("Målgrupp").fill("Alla medarbetare")
    rep.get_by_role("button", name="Lägg till förslaget").click()
    expect(emp.get_by_role("heading", name="Säkerhetsutbildning för alla")).to_be_visible(
        timeout=LIVE
    )

    # Closing round: both write what they take away.
    fac.get_by_role("button", name="Nästa steg").click()
    for page, text in ((emp, "Nyttigt att höja blicken."), (rep, "Vi är överens om behoven.")):
        expect(page.get_by_role("heading", name="Steg 5: Avslutande runda")).to_be_visible(
            timeout=LIVE
        )
        page.get_by_label("Det här tar jag med mig").fill(text)
        page.get_by_role("button", name="Spara").click()
    expect(fac.get_by_text("Vi är överens om behoven.")).to_be_visible(timeout=LIVE)
    expect(fac.get_by_text("Nyttigt att höja blicken.")).to_be_visible(timeout=LIVE)

    # The facilitator locks the result; the participants' screens say so.
    fac.get_by_label("Jag förstår att resultatet inte kan ändras").check()
    fac.get_by_role("button", name="Lås resultatet och spara PDF").click()
    expect(fac.get_by_text("kan inte ändras")).to_be_visible()
    for page in (emp, rep):
        expect(page.get_by_text("Resultatet är låst.")).to_be_visible(timeout=LIVE)
        # Nothing of this needed a page load.
        assert page.evaluate("window.__noReload") is True
    with fac.expect_download() as info:
        fac.get_by_role("link", name="Ladda ned resultatet (PDF)").click()
    with open(info.value.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    for expected in (
        "Workshop i webbläsaren",
        "AI i handläggningen",
        "Samhällsstörningar",
        "Informationssäkerhet för alla",
        "Säkerhetsutbildning för alla",
        "120 000,00 kr",
        "Vi är överens om behoven.",
        "Saco-S",
    ):
        assert expected in text, expected
    with db:
        ws.refresh_from_db()
    assert ws.is_locked and ws.sealed_sha256
    assert problems == []
    for ctx in (fctx, actx, bctx):
        ctx.close()
