"""End-to-end in a real browser: an employee finds the public information page, uses the
guide, goes on to apply (and is counted, anonymously); a coordinator of another organisation
finds the measure in the library by an inflected Swedish word."""

import pytest

from tests.browser import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_public_page_guide_apply_and_library_search(live_server, browser):
    from lom.outreach.models import CounterKind, ReachCounter
    from tests.factories import make_completed_case, make_world, publish_library_entry

    w = make_world("publik")
    other = make_world("annan")
    publish_library_entry(
        w,
        make_completed_case(w, title="Ledarskap i förändring"),
        title="Ledarprogram för nya chefer",
        need="Många nya chefer behövde stöd i att leda omställningar.",
        summary="Sex halvdagar om att leda förändring, med handledning mellan träffarna.",
    )
    base = live_server.url

    # Anonymous: the public page, then the guide; nothing requires a login.
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    page.goto(f"{base}/o/{w.org.slug}/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert ctx.cookies() == []  # the public page sets no cookie
    page.get_by_role("link", name="Vad kan det här betyda för mig?").first.click()
    page.get_by_label("Byta roll eller arbetsuppgifter hos min arbetsgivare").check()
    page.get_by_label("En kurs").check()
    page.get_by_role("button", name="Visa vad som kan passa mig").click()
    assert page.get_by_role("heading", name="Det här kan passa dig").is_visible()

    # On to apply: the login comes first, then the application form.
    page.get_by_role("link", name="Logga in och ansök").click()
    page.get_by_label("Användarnamn").fill(w.employee.username)
    page.get_by_label("Lösenord").fill("pw")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Rubrik").fill("Kurs inför nytt uppdrag")
    page.get_by_label("Medarbetare söker själv").check()
    page.get_by_label("Kompetensutveckling").check()
    page.get_by_label("Förebygga arbetsbrist").check()
    page.get_by_role("button", name="Spara och fortsätt").click()
    page.get_by_label("Vilket behov i verksamheten").wait_for()
    ctx.close()

    counts = {
        kind: sum(
            ReachCounter.objects.filter(organisation=w.org, kind=kind).values_list(
                "count", flat=True
            )
        )
        for kind in CounterKind.values
    }
    assert counts[CounterKind.PAGE_VIEW] >= 1
    assert counts[CounterKind.GUIDE_RESULT] >= 1
    assert counts[CounterKind.APPLY_CLICK] == 1
    assert counts[CounterKind.APPLICATION] == 1

    # Another organisation's coordinator searches the library: "chef" finds "chefer".
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, other.coordinator.username)
    page.locator(".nav-group summary", has_text="Lära av andra").click()
    page.get_by_role("link", name="Insatsbiblioteket").click()
    page.get_by_label("Sök", exact=True).fill("chef")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name="Ledarprogram för nya chefer").click()
    body = page.locator("main").inner_text()
    assert "Sex halvdagar" in body
    assert w.org.name not in body  # shown as sector and size band, not by name
    ctx.close()
