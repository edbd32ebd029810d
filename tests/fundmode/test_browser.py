"""End-to-end in a real browser: the fund's officer assesses a member's notification against
the criteria (a criterion not met needs a reason; the form keeps what was typed), approves a
lower amount, and the member's coordinator sees it on the pot."""

import pytest

from tests.browser import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_officer_assesses_with_criteria_and_member_sees_the_pot(live_server, browser):
    from lom.fundmode.models import MeasureNotification
    from lom.fundmode.selectors import criteria_for
    from tests.factories import make_fund, make_world, notify_measure, open_and_allocate

    alfa, beta = make_world("fonda"), make_world("fondb")
    f = make_fund("webbfond", members=[alfa.org, beta.org])
    f.alfa, f.beta = alfa, beta
    r = open_and_allocate(f)
    n = notify_measure(f, r, cost=100_000_00)
    criteria = list(criteria_for(fund_round=r, active_only=True))
    base = live_server.url

    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, f.officer.username)
    # The officer's pages about money: the fund's and its register of documents.
    page.locator(".nav-group summary", has_text="Pengar och beslut").click()
    page.get_by_role("link", name="Omställningsfonden").click()
    page.get_by_role("link", name=n.title).first.click()
    page.get_by_role("link", name="Bedöm och besluta").click()

    # Every criterion met but one, approve, and no reason: refused, nothing lost.
    for c in criteria:
        page.locator(f'input[name="met_{c.pk}"][value="yes"]').check()
    page.locator(f'input[name="met_{criteria[3].pk}"][value="no"]').check()
    page.get_by_label(f"Kommentar: {criteria[3].text_shown}").fill("Delvis ordinarie utbildning.")
    page.get_by_label("Kostnaderna är rimliga").check()
    page.get_by_label("Bevilja", exact=True).check()
    page.get_by_label("Beviljat belopp (kr)").fill("80 000")
    page.get_by_role("button", name="Registrera beslutet").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Beviljat belopp (kr)").input_value() == "80 000"
    assert page.locator(f'input[name="met_{criteria[3].pk}"][value="no"]').is_checked()

    page.get_by_label("Motivering").fill("Den ordinarie delen betalas av arbetsgivaren.")
    page.get_by_role("button", name="Registrera beslutet").click()
    page.get_by_text("Delvis ordinarie utbildning.").first.wait_for()
    n.refresh_from_db()
    assert n.status == MeasureNotification.Status.APPROVED
    ctx.close()

    # The member's coordinator sees the decision on the pot: 80 000 kr approved.
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    login(page, base, alfa.coordinator.username)
    page.goto(f"{base}/fund/pots/{n.pot_id}/")
    figures = page.locator(".figures").first.inner_text().replace("\u00a0", " ")
    assert "80 000,00 kr" in figures
    ctx.close()
