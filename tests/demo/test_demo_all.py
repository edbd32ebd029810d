"""The whole demo, loaded in the order `make demo` loads it: every command runs, the data the
README promises is there, and every page linked from the menu answers for each demo login."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from lom.agreements.models import AgreementVersion, DecisionModel, LocalAgreement
from lom.cases.models import Reconsideration
from lom.decisions.minutes import adjusters_of
from lom.decisions.models import ApplicationRound, Meeting, Position, ProjectReport, Score
from lom.diarium.models import DocumentKind, RegisteredDocument
from lom.identity.models import RoleMapping, SsoConfig
from lom.organisations.models import Organisation
from tests.identity import saml_fixtures

ROOT = Path(__file__).resolve().parents[2]
saml_idp = saml_fixtures.saml_idp  # the tests' SAML IdP stands in for the demo's


def demo_commands() -> list[str]:
    """The load commands of `make demo`, in their order, read from the Makefile itself."""
    text = (ROOT / "Makefile").read_text()
    demo = text.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"manage\.py (load_demo\w*)", demo)


def load(name: str, saml_idp: str) -> None:
    if name == "load_demo_sso":  # make demo starts the test IdPs; here the tests' own SAML IdP
        call_command(name, verbosity=0, saml_metadata_url=f"{saml_idp}/metadata", wait=10)
    else:
        call_command(name, verbosity=0)


@pytest.fixture
def demo(db, saml_idp):
    for name in demo_commands():
        load(name, saml_idp)


def test_make_demo_loads_every_part():
    names = demo_commands()
    assert names[0] == "load_demo" and names[-2:] == ["load_demo_sector", "load_demo_sso"]
    for expected in ("load_demo_fund", "load_demo_support", "load_demo_library"):
        assert expected in names


def test_demo_has_what_readme_promises_and_every_menu_page_answers(demo, saml_idp):
    from lom.fundmode.models import FundMembership
    from lom.library.models import LibraryEntry
    from lom.organisations.models import Membership, Role

    fund = Organisation.objects.get(slug="omstallningsfonden")
    assert FundMembership.objects.filter(fund=fund).count() == 3
    assert Membership.objects.filter(role=Role.COACH).exists()
    published = LibraryEntry.objects.filter(status="published")
    assert published.count() >= 50
    assert published.values("organisation").distinct().count() >= 5
    # Each example once: no title twice in the whole library.
    titles = list(LibraryEntry.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))

    # Levers: the agency's forecast warns, one campaign sent with a funnel that shows, a nudge.
    from lom.funds.selectors import (
        fund_balance,
        fund_forecast,
        fund_period_current,
        unused_warning_percent_for,
    )
    from lom.levers.models import Campaign
    from lom.levers.selectors.funnel import campaign_funnel

    agency = Organisation.objects.get(slug="tillsynsverket")
    period = fund_period_current(organisation=agency, on=date.today())
    forecast = fund_forecast(
        period=period,
        balance=fund_balance(period=period),
        today=date.today(),
        warning_percent=unused_warning_percent_for(organisation=agency),
    )
    assert forecast.warning
    sent = Campaign.objects.filter(organisation=agency, status="sent")
    assert {c.kind for c in sent} == {"employees", "nudge"}
    funnel = campaign_funnel(campaign=sent.get(kind="employees"))
    assert min(funnel.sent, funnel.delivered, funnel.opened, funnel.started) >= 5
    assert funnel.submitted >= 5 and funnel.approved >= 5
    assert sent.get(kind="nudge").recipients >= 5
    levers_campaigns = Campaign.objects.count()
    # One round opened from unplanned money, through the lever's service (audited), with a
    # frame the period's unplanned money still covered.
    from lom.common.models import AuditEvent
    from lom.demo.management.commands.load_demo_levers import ROUND_TITLE

    lever_round = ApplicationRound.objects.get(organisation=agency, title=ROUND_TITLE)
    assert lever_round.status == ApplicationRound.Status.OPEN and lever_round.budget_ore > 0
    assert lever_round.period_id == period.pk and lever_round.criteria.count() >= 3
    assert AuditEvent.objects.filter(
        action="levers.round_from_unplanned", target_id=lever_round.pk
    ).exists()

    # Running every command again adds nothing.
    before = (Organisation.objects.count(), LibraryEntry.objects.count())
    for name in demo_commands():
        load(name, saml_idp)
    assert (Organisation.objects.count(), LibraryEntry.objects.count()) == before
    assert Campaign.objects.count() == levers_campaigns
    assert ApplicationRound.objects.filter(organisation=agency, title=ROUND_TITLE).count() == 1

    # Region Norrsund's agreement moved to consultation in a version 2 in force (still two
    # versions after the second run); under it a union reserved itself against a decision whose
    # minutes the chair and every union party's adjuster adjusted.
    region = Organisation.objects.get(slug="region-norrsund")
    agreement = LocalAgreement.objects.get(organisation=region)
    versions = list(agreement.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].status == AgreementVersion.Status.IN_FORCE
    assert versions[1].rules["decision_model"] == DecisionModel.CONSULTATION
    assert agreement.decision_model == DecisionModel.CONSULTATION
    reservation = Position.objects.get(item__meeting__organisation=region, note_kind="reservation")
    assert reservation.item.case.agreement_version_id == versions[1].pk
    meeting = reservation.item.meeting
    assert meeting.status == Meeting.Status.SIGNED
    adjusters = adjusters_of(meeting)
    assert len(adjusters) == 1 + agreement.unions.count()
    adjusted = sorted((a.union_id or 0, a.user_id) for a in meeting.adjusted_by.all())
    assert adjusted == sorted((union or 0, user) for union, user in adjusters.items())
    assert len(adjusters) >= 3  # the chair and (at least) two union adjusters

    # One decided reconsideration (the decision changed) and one still open.
    outcomes = sorted(
        str(r.outcome) for r in Reconsideration.objects.filter(case__organisation=region)
    )
    assert outcomes == ["", "changed"]
    # The region's register of documents holds every type of document LOM registers.
    kinds = set(
        RegisteredDocument.objects.filter(organisation=region).values_list("kind", flat=True)
    )
    assert kinds == set(DocumentKind.values)
    register = Client()
    assert register.login(username="region-samordnare", password="demo")
    for kind in DocumentKind.values:  # the register page lists each type when filtered by it
        newest = RegisteredDocument.objects.filter(organisation=region, kind=kind).latest("id")
        page = register.get("/diarium/", {"kind": kind}).content.decode()
        assert newest.number in page, kind

    # Statens tillsynsverk's call for development projects at a real agency's size: 100
    # applications scored by four assessors on every criterion, one joint decision, projects
    # reporting back (and some late).
    agency = Organisation.objects.get(slug="tillsynsverket")
    rnd = ApplicationRound.objects.exclude(title=ROUND_TITLE).get(organisation=agency)
    assert rnd.status == ApplicationRound.Status.DECIDED and rnd.cases.count() >= 100
    assert rnd.assessors.count() == 4
    cells = rnd.cases.count() * rnd.criteria.count()
    per_assessor = (
        Score.objects.filter(criterion__round=rnd).values("assessor").annotate(n=Count("id"))
    )
    assert sorted(r["n"] for r in per_assessor) == [cells] * 4
    reports = ProjectReport.objects.filter(case__round=rnd)
    assert (
        reports.count() >= 50
        and reports.values("case").distinct().count() < rnd.cases.filter(status="approved").count()
    )
    coord = Client()
    assert coord.login(username="samordnare", password="demo")
    assert coord.get(f"/decisions/rounds/{rnd.pk}/matrix/").status_code == 200
    projects = coord.get(f"/decisions/rounds/{rnd.pk}/projects/").content.decode()
    assert "försenad" in projects

    # Two organisations sign in through the local test IdPs; the login page offers both.
    configs = dict(SsoConfig.objects.values_list("organisation__slug", "protocol"))
    assert configs == {"tillsynsverket": "saml", "region-norrsund": "oidc"}
    assert RoleMapping.objects.filter(group="LOM-Samordnare").count() == 2
    login_page = Client().get("/login/").content.decode()
    assert "Logga in med Statens tillsynsverk" in login_page
    assert "Logga in med Region Norrsund" in login_page

    logins = [
        "samordnare",
        "facklig",
        "region-samordnare",
        "region-medarbetare",
        "fond-handlaggare",
        "fond-admin",
        "ekby-samordnare",
        "vagledare",
        "evenemang",
    ]
    for username in logins:
        c = Client()
        assert c.login(username=username, password="demo"), username
        home = c.get("/")
        assert home.status_code == 200, username
        links = set(re.findall(r'href="(/[^"#?]*)"', home.content.decode()))
        links = {u for u in links if not u.startswith(("/static/", "/logout", "/django-admin"))}
        assert len(links) >= 3, username
        for url in sorted(links):
            r = c.get(url)
            assert r.status_code in (200, 302), (username, url, r.status_code)

    # The benchmark shows figures to a demo agency: at least five organisations contribute.
    c = Client()
    c.login(username="samordnare", password="demo")
    page = c.get("/benchmark/").content.decode()
    assert "Median" in page or "median" in page

    # Each role's home page starts with its own tasks (lom.site.tasks), and the fund's staff and
    # the counsellor are not offered "Ny ansökan" (they do not apply for transition funds).
    for username, first, offers_new_case in HOME_TASKS:
        c = Client()
        assert c.login(username=username, password="demo"), username
        html = c.get("/").content.decode()
        main = html.split('id="main"', 1)[1]
        sections = re.findall(r'<section class="card" id="([^"]+)"', main)
        assert sections and sections[0] == first, (username, sections)
        assert 'class="card"' not in main.split('<div class="cards" id="next-tasks">', 1)[0]
        assert ("Ny ansökan" in main) == offers_new_case, username
        assert ('href="/cases/new/' in html) == offers_new_case, username


# The demo logins whose home page starts with their role's tasks: the first task section, and
# whether "Ny ansökan" is offered.
HOME_TASKS = [
    ("fond-admin", "tasks-rounds", False),
    ("fond-handlaggare", "tasks-assess", False),
    ("vagledare", "tasks-support", False),
    ("region-chef", "tasks-endorse", True),
]
