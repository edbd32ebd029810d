"""Reaching every employee: the public page, the anonymous guide, news and campaigns with their
publishing windows, and reach counting without anything that identifies a person."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lom.accounts.models import ApiToken
from lom.agreements.models import LocalAgreement, MeasureType
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.decisions import services as dec
from lom.organisations.models import Organisation
from lom.outreach import guide, selectors, services
from lom.outreach.models import (
    Campaign,
    ContactPerson,
    CounterKind,
    NewsItem,
    PublishStatus,
    ReachCounter,
)
from tests.factories import (
    make_case,
    make_completed_case,
    make_world,
    publish_library_entry,
)

TODAY = date.today()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _count(org, kind, **kw) -> int:
    return sum(r.count for r in ReachCounter.objects.filter(organisation=org, kind=kind, **kw))


@pytest.fixture
def published(world, other_world):
    """Contacts, news and a campaign for `world`, and a secret news item in the other org."""
    coord = world.actor(world.coordinator)
    services.contact_save(
        actor=coord, name="Sara Samordnare", role="Samordnare", email="sara@example.org"
    )
    services.contact_save(
        actor=coord,
        name="Frans Facklig",
        role="Ombud",
        email="frans@example.org",
        union=world.union,
    )
    services.news_save(
        actor=coord,
        title="Nyhet som visas",
        body="Ansök före sommaren.",
        publish_from=TODAY - timedelta(days=1),
        status=PublishStatus.PUBLISHED,
    )
    services.news_save(
        actor=coord,
        title="Utkast som inte visas",
        body="Inte klart.",
        publish_from=TODAY - timedelta(days=1),
        status=PublishStatus.DRAFT,
    )
    services.news_save(
        actor=coord,
        title="Gammal nyhet",
        body="Slut.",
        publish_from=TODAY - timedelta(days=30),
        publish_to=TODAY - timedelta(days=1),
        status=PublishStatus.PUBLISHED,
    )
    campaign = services.campaign_save(
        actor=coord,
        title="Vill du byta bana?",
        text="Våren för karriärväxling.",
        starts_on=TODAY - timedelta(days=3),
        ends_on=TODAY + timedelta(days=30),
        measure_types=[MeasureType.objects.get(code="career_change")],
        status=PublishStatus.PUBLISHED,
    )
    services.news_save(
        actor=other_world.actor(other_world.coordinator),
        title="Hemlig nyhet BETA",
        body="Annan organisation.",
        publish_from=TODAY - timedelta(days=1),
        status=PublishStatus.PUBLISHED,
    )
    return campaign


# --- The public page ------------------------------------------------------------------------


def test_public_page_without_login_shows_agreement_contacts_news_and_campaign(world, published):
    c = Client()
    r = c.get(f"/o/{world.org.slug}/")
    assert r.status_code == 200
    body = r.content.decode()
    # From the agreement in force.
    assert "Medlen används för proaktiv omställning." in body
    assert "Forskarutbildning." in body
    assert "Karriärväxling" in body and "Coachning" in body
    assert "Du tillsammans med din chef." in body
    # Contacts, employer and union.
    assert "Sara Samordnare" in body and "mailto:sara@example.org" in body
    assert "Frans Facklig" in body and "Saco-S" in body
    # News in its window and the running campaign; not drafts, expired or other orgs' news.
    assert "Nyhet som visas" in body
    assert "Vill du byta bana?" in body and "Våren för karriärväxling." in body
    assert "Utkast som inte visas" not in body
    assert "Gammal nyhet" not in body
    assert "Hemlig nyhet BETA" not in body
    # How to apply: the click-through link and the guide.
    assert f"/o/{world.org.slug}/ansok/?fran=page" in body
    assert f"/o/{world.org.slug}/guide/" in body
    # No cookie of any kind is set on the public pages.
    assert not r.cookies
    assert not c.get(f"/o/{world.org.slug}/guide/?goal=develop").cookies


def test_public_page_shows_no_private_data(world, published):
    make_case(world, title="Hemlig ansökan ALFA", private_reason="Hemlig hälsouppgift")
    body = Client().get(f"/o/{world.org.slug}/").content.decode()
    body += Client().get(f"/o/{world.org.slug}/guide/?goal=change_career").content.decode()
    for secret in ("Hemlig ansökan ALFA", "Hemlig hälsouppgift", "Eva", "Ek", "Kim Lind", "Max"):
        assert secret not in body, secret


def test_unknown_slug_and_bad_input_never_500(world):
    c = Client(raise_request_exception=False)
    assert c.get("/o/finns-inte/").status_code == 404
    assert c.get("/o/finns-inte/guide/").status_code == 404
    assert c.get("/o/finns-inte/ansok/").status_code == 404
    for q in (
        "?goal=hack&suits=x&suits=y&tenure=%00&manager=<script>",
        "?k=99999999999999999999&goal=develop",
        "?k=-1&suits=course&suits=course",
        "?k=%C2%B2",  # '²' passes str.isdigit but not int()
        "?" + "goal=develop&" * 200,
    ):
        r = c.get(f"/o/{world.org.slug}/guide/{q}")
        assert r.status_code == 200, q
        assert "<script>" not in r.content.decode()
    assert c.get(f"/o/{world.org.slug}/?k=%C2%B2").status_code == 200
    r = c.get(f"/o/{world.org.slug}/guide/?goal=hack")
    assert "error-summary" in r.content.decode()
    assert c.post(f"/o/{world.org.slug}/").status_code == 405
    # A fund has no employees to reach.
    Organisation.objects.create(name="Fonden", slug="fonden", kind=Organisation.Kind.FUND)
    assert c.get("/o/fonden/").status_code == 404


def test_page_without_agreement_still_works(world):
    LocalAgreement.objects.filter(organisation=world.org).delete()
    r = Client().get(f"/o/{world.org.slug}/")
    assert r.status_code == 200
    assert "inget gällande lokalt avtal" in r.content.decode()
    assert Client().get(f"/o/{world.org.slug}/guide/?goal=develop").status_code == 200


def test_open_application_round_shows_its_dates(world):
    rnd = dec.round_create(
        actor=world.actor(world.coordinator),
        title="Utvecklingsprojekt 2025",
        call_text="Intern text",
        opens_on=TODAY,
        closes_on=TODAY + timedelta(days=20),
        budget_ore=100_000_00,
        period=world.period,
        criteria=[("Nytta", 5)],
    )
    body = Client().get(f"/o/{world.org.slug}/").content.decode()
    assert "Utvecklingsprojekt 2025" in body and "öppen nu" in body
    assert "Intern text" not in body
    body = Client().get(f"/o/{world.org.slug}/guide/?goal=prepare").content.decode()
    assert rnd.title in body


def test_public_page_is_cheap_and_cached(world, published):
    c = Client()
    c.get(f"/o/{world.org.slug}/")
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(f"/o/{world.org.slug}/")
    assert r.status_code == 200
    # Organisation lookup and one counter update (in its own transaction: the savepoints of
    # the test's transaction are not work); the content comes from the cache.
    work = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(work) <= 3, work


def test_a_write_shows_at_once_despite_the_cache(world, django_capture_on_commit_callbacks):
    c = Client()
    assert "Ny nyhet" not in c.get(f"/o/{world.org.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.news_save(
            actor=world.actor(world.coordinator),
            title="Ny nyhet",
            body="Text.",
            publish_from=TODAY,
            status=PublishStatus.PUBLISHED,
        )
    assert "Ny nyhet" in c.get(f"/o/{world.org.slug}/").content.decode()


def test_links_from_home_and_information_page(world):
    c = Client()
    c.force_login(world.coordinator)
    assert f"/o/{world.org.slug}/" in c.get("/").content.decode()
    c.force_login(world.employee)
    assert f"/o/{world.org.slug}/" in c.get("/information/").content.decode()


def test_examples_come_from_the_library(world, other_world):
    """Real library entries, published by another organisation with both parties' consent."""
    from lom.library.services import library_entry_withdraw

    case = make_completed_case(other_world, title="Karriärcoachning BETA-ärende")
    publish_library_entry(
        other_world,
        case,
        title="Coachning inför nya roller",
        summary="Fem samtal med extern coach för handläggare.",
        measure_codes=("coaching",),
    )
    gone = publish_library_entry(
        other_world,
        make_completed_case(other_world, title="Annat ärende"),
        title="Återtaget exempel",
        measure_codes=("coaching",),
    )
    library_entry_withdraw(
        actor=other_world.actor(other_world.coordinator), entry=gone, reason="Fel"
    )
    body = Client().get(f"/o/{world.org.slug}/").content.decode()
    assert "Coachning inför nya roller" in body
    assert "Fem samtal med extern coach" in body
    assert "Återtaget exempel" not in body
    # Nothing of the source case, its applicant or the other organisation.
    for secret in ("Karriärcoachning BETA-ärende", "Organisation beta", "Eva Ek"):
        assert secret not in body
    body = Client().get(f"/o/{world.org.slug}/guide/?goal=develop&suits=coaching").content
    assert "Coachning inför nya roller" in body.decode().split('id="resultat"')[1]
    # Answers that lead elsewhere show no coaching example.
    body = Client().get(f"/o/{world.org.slug}/guide/?goal=change_career&suits=education").content
    assert "Coachning inför nya roller" not in body.decode().split('id="resultat"')[1]


# --- The guide ------------------------------------------------------------------------------


def test_guide_without_answers_shows_only_the_questions(world):
    r = Client().get(f"/o/{world.org.slug}/guide/")
    body = r.content.decode()
    assert "Vad vill du?" in body and 'id="resultat"' not in body
    assert _count(world.org, CounterKind.GUIDE_VIEW) == 1
    assert _count(world.org, CounterKind.GUIDE_RESULT) == 0


def test_guide_answers_follow_the_agreement(world):
    c = Client()
    body = c.get(f"/o/{world.org.slug}/guide/?goal=change_career&suits=education").content
    body = body.decode()
    assert 'id="resultat"' in body
    assert "Karriärväxling" in body and "Studier" in body
    assert f"/o/{world.org.slug}/ansok/?fran=guide" in body
    # The same answers in an organisation whose agreement only allows competence development.
    ag = LocalAgreement.objects.get(organisation=world.org)
    ag.measure_types.set([MeasureType.objects.get(code="competence_development")])
    cache.clear()
    body = c.get(f"/o/{world.org.slug}/guide/?goal=change_career&suits=education").content
    body = body.decode()
    assert "Karriärväxling" not in body.split('id="resultat"')[1]
    assert "ingen insats som passar" in body
    body = c.get(f"/o/{world.org.slug}/guide/?goal=develop&suits=course").content.decode()
    assert "Kompetensutveckling" in body.split('id="resultat"')[1]


@translation.override("sv")
def test_guide_situation_notes():
    allowed = [
        code
        for code, _n, _d in __import__(
            "lom.agreements.reference_data", fromlist=["MEASURE_TYPES"]
        ).MEASURE_TYPES
    ]
    r = guide.recommend(
        answers=guide.GuideAnswers(goal="develop", manager="yes"),
        allowed_codes=allowed,
        allow_group=True,
    )
    assert r.group_options and any("grupp" in n for n in r.notes)
    assert r.measure_type_codes[0] == "competence_development"
    r = guide.recommend(
        answers=guide.GuideAnswers(goal="develop", manager="yes"),
        allowed_codes=allowed,
        allow_group=False,
        allow_development_project=False,
    )
    assert not r.group_options
    r = guide.recommend(
        answers=guide.GuideAnswers(goal="develop", tenure="lt12", part_time="yes", manager="no"),
        allowed_codes=allowed,
        requires_manager_endorsement=True,
    )
    text = " ".join(r.notes)
    assert "12 av de senaste 24" in text and "deltid" in text and "tillstyrka" in text
    # Pension and end-of-employment support only where they fit the goal.
    r = guide.recommend(answers=guide.GuideAnswers(goal="longer"), allowed_codes=allowed)
    assert "pension_agreement" in r.measure_type_codes
    r = guide.recommend(answers=guide.GuideAnswers(goal="develop"), allowed_codes=allowed)
    assert "pension_agreement" not in r.measure_type_codes
    assert "individual_support" not in r.measure_type_codes
    # What suits the person moves it up.
    r = guide.recommend(
        answers=guide.GuideAnswers(goal="change_role", forms=("work_training",)),
        allowed_codes=allowed,
    )
    assert set(r.measure_type_codes[:2]) == {"job_rotation", "work_training"}
    # No answers at all: everything the agreement allows.
    r = guide.recommend(answers=guide.GuideAnswers(), allowed_codes=allowed)
    assert r.measure_type_codes == allowed


def test_guide_marks_campaign_measure_types(world, published):
    body = Client().get(f"/o/{world.org.slug}/guide/?goal=change_career").content.decode()
    assert "I fokus just nu" in body


# --- Publishing windows ---------------------------------------------------------------------


def test_news_windows(world):
    coord = world.actor(world.coordinator)

    def news(title, start, end=None, status=PublishStatus.PUBLISHED):
        return services.news_save(
            actor=coord, title=title, body="x", publish_from=start, publish_to=end, status=status
        )

    news("Från i dag", TODAY)
    news("Till och med i dag", TODAY - timedelta(days=9), TODAY)
    news("I morgon", TODAY + timedelta(days=1))
    news("Slutade i går", TODAY - timedelta(days=9), TODAY - timedelta(days=1))
    news("Utkast", TODAY, status=PublishStatus.DRAFT)
    shown = {n.title for n in selectors.news_current(organisation=world.org, today=TODAY)}
    assert shown == {"Från i dag", "Till och med i dag"}
    later = {
        n.title
        for n in selectors.news_current(organisation=world.org, today=TODAY + timedelta(days=1))
    }
    assert later == {"Från i dag", "I morgon"}
    with pytest.raises(DomainError) as e:
        news("Baklänges", TODAY, TODAY - timedelta(days=1))
    assert e.value.field == "publish_to"


def test_campaign_windows_and_rules(world, other_world):
    coord = world.actor(world.coordinator)

    def camp(title, start, end, status=PublishStatus.PUBLISHED):
        return services.campaign_save(
            actor=coord,
            title=title,
            text="t",
            starts_on=start,
            ends_on=end,
            measure_types=[],
            status=status,
        )

    assert selectors.campaign_current(organisation=world.org, today=TODAY) is None
    camp("Utkast", TODAY, TODAY + timedelta(days=5), PublishStatus.DRAFT)
    camp("Kommande", TODAY + timedelta(days=2), TODAY + timedelta(days=5))
    assert selectors.campaign_current(organisation=world.org, today=TODAY) is None
    camp("Pågår", TODAY - timedelta(days=2), TODAY)
    assert selectors.campaign_current(organisation=world.org, today=TODAY).title == "Pågår"
    assert (
        selectors.campaign_current(organisation=world.org, today=TODAY + timedelta(days=3)).title
        == "Kommande"
    )
    assert selectors.campaign_current(organisation=other_world.org, today=TODAY) is None
    with pytest.raises(DomainError):
        camp("Baklänges", TODAY, TODAY - timedelta(days=1))
    with pytest.raises(DomainError):
        camp("", TODAY, TODAY)
    with pytest.raises(PermissionDeniedError):
        services.campaign_save(
            actor=world.actor(world.employee),
            title="x",
            text="y",
            starts_on=TODAY,
            ends_on=TODAY,
            measure_types=[],
        )
    assert AuditEvent.objects.filter(action="outreach.campaign_save").count() == 3


# --- Counting -------------------------------------------------------------------------------


def test_page_views_are_counted_without_personal_data(world, published):
    c = Client()
    c.get(f"/o/{world.org.slug}/")
    c.get(f"/o/{world.org.slug}/", HTTP_USER_AGENT="Mozilla/5.0")
    c.get(f"/o/{world.org.slug}/", HTTP_USER_AGENT="Googlebot/2.1")
    c.get(f"/o/{world.org.slug}/", HTTP_SEC_PURPOSE="prefetch")
    c.head(f"/o/{world.org.slug}/")
    assert _count(world.org, CounterKind.PAGE_VIEW) == 2
    # A link from the campaign material attributes the visit to the campaign.
    c.get(f"/o/{world.org.slug}/?k={published.pk}")
    assert _count(world.org, CounterKind.PAGE_VIEW, campaign=published) == 1
    # Another organisation's campaign id is not accepted.
    other = Campaign.objects.create(
        organisation=Organisation.objects.get(slug="beta"),
        title="Annan",
        text="x",
        starts_on=TODAY,
        ends_on=TODAY,
        status=PublishStatus.PUBLISHED,
    )
    c.get(f"/o/{world.org.slug}/?k={other.pk}")
    assert _count(world.org, CounterKind.PAGE_VIEW, campaign__isnull=True) == 3
    # The guide: views, results and one count per answer.
    c.get(f"/o/{world.org.slug}/guide/")
    c.get(f"/o/{world.org.slug}/guide/?goal=change_role&suits=coaching&suits=course")
    assert _count(world.org, CounterKind.GUIDE_VIEW) == 2
    assert _count(world.org, CounterKind.GUIDE_RESULT, detail="") == 1
    assert _count(world.org, CounterKind.GUIDE_RESULT, detail="goal:change_role") == 1
    assert _count(world.org, CounterKind.GUIDE_RESULT, detail="suits:coaching") == 1
    # The counters hold numbers and codes only: no column could carry a person.
    fields = {f.name for f in ReachCounter._meta.get_fields()}
    assert fields == {"id", "organisation", "day", "kind", "detail", "campaign", "count"}
    details = set(ReachCounter.objects.values_list("detail", flat=True))
    assert details <= {"", "goal:change_role", "suits:coaching", "suits:course"}
    assert ReachCounter.objects.filter(organisation=world.org, day=TODAY).count() == 7


def test_click_through_and_application_are_counted_once(world, published):
    c = Client()
    r = c.get(f"/o/{world.org.slug}/ansok/?fran=guide&k={published.pk}")
    assert r.status_code == 302 and r["Location"] == reverse("cases:create")
    assert _count(world.org, CounterKind.APPLY_CLICK, detail="guide", campaign=published) == 1
    # The person logs in (the marker survives the login) and starts an application.
    c.force_login(world.employee)
    mt = MeasureType.objects.get(code="career_change")
    payload = {
        "title": "Byta bana",
        "kind": "individual",
        "participant_count": 1,
        "measure_types": [mt.pk],
        "purpose": "move",
    }
    # A refused application is not counted and keeps the marker for the next try.
    assert c.post(reverse("cases:create"), {**payload, "title": ""}).status_code == 400
    assert _count(world.org, CounterKind.APPLICATION) == 0
    assert c.post(reverse("cases:create"), payload).status_code == 302
    rows = ReachCounter.objects.filter(organisation=world.org, kind=CounterKind.APPLICATION)
    assert [(r.day, r.detail, r.campaign_id, r.count) for r in rows] == [
        (TODAY.replace(day=1), "guide", published.pk, 1)
    ]
    # The marker is used once: a second application is not counted again.
    payload["title"] = "Andra ansökan"
    assert c.post(reverse("cases:create"), payload).status_code == 302
    assert _count(world.org, CounterKind.APPLICATION) == 1
    # Someone who never came from the public page is not counted.
    c2 = Client()
    c2.force_login(world.colleague)
    payload["title"] = "Kollegans ansökan"
    assert c2.post(reverse("cases:create"), payload).status_code == 302
    assert _count(world.org, CounterKind.APPLICATION) == 1


def test_application_marker_rules(world, other_world):
    marker = services.make_marker(
        organisation=world.org, source="page", campaign_id=None, today=TODAY - timedelta(days=40)
    )
    assert not services.reach_note_application(organisation=world.org, marker=marker, today=TODAY)
    marker = services.make_marker(
        organisation=other_world.org, source="page", campaign_id=None, today=TODAY
    )
    assert not services.reach_note_application(organisation=world.org, marker=marker, today=TODAY)
    assert not services.reach_note_application(organisation=world.org, marker="x", today=TODAY)
    marker = {"org": world.org.pk, "src": "evil", "c": 10**9, "on": TODAY.isoformat()}
    assert services.reach_note_application(organisation=world.org, marker=marker, today=TODAY)
    row = ReachCounter.objects.get(organisation=world.org, kind=CounterKind.APPLICATION)
    assert (row.detail, row.campaign_id) == ("page", None)


def test_stats_page_per_month_and_campaign(world, published):
    c = Client()
    for _ in range(3):
        c.get(f"/o/{world.org.slug}/?k={published.pk}")
    c.get(f"/o/{world.org.slug}/guide/?goal=prepare")
    c.get(f"/o/{world.org.slug}/ansok/?fran=page&k={published.pk}")
    stats = selectors.reach_stats(organisation=world.org, year=TODAY.year)
    month = stats.months[TODAY.month - 1]
    assert month.counts[CounterKind.PAGE_VIEW] == 3
    assert month.counts[CounterKind.GUIDE_VIEW] == 1
    assert month.counts[CounterKind.APPLY_CLICK] == 1
    assert stats.totals[CounterKind.PAGE_VIEW] == 3
    (row,) = stats.campaigns
    assert (row.visits_during, row.arrivals, row.apply_clicks) == (4, 3, 1)
    assert stats.answers == {"goal:prepare": 1}
    s = Client()
    s.force_login(world.union_rep)
    r = s.get(reverse("outreach:stats"))
    assert r.status_code == 200
    assert "Vill du byta bana?" in r.content.decode()
    assert "Vara förberedd på förändringar som kommer" in r.content.decode()
    s.force_login(world.employee)
    assert s.get(reverse("outreach:stats")).status_code == 403


# --- Staff pages and API --------------------------------------------------------------------


def test_coordinator_publishes_news_through_the_form(world, other_world):
    c = Client()
    c.force_login(world.coordinator)
    r = c.post(
        reverse("outreach:news_create"),
        {"title": "", "body": "Text", "publish_from": TODAY.isoformat(), "status": "published"},
    )
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    assert "Text</textarea>" in r.content.decode()
    r = c.post(
        reverse("outreach:news_create"),
        {
            "title": "Öppet hus",
            "body": "Välkommen.",
            "publish_from": TODAY.isoformat(),
            "status": "published",
        },
    )
    assert r.status_code == 302
    cache.clear()
    assert "Öppet hus" in Client().get(f"/o/{world.org.slug}/").content.decode()
    item = NewsItem.objects.get(title="Öppet hus")
    # Other organisations' staff cannot reach it.
    o = Client()
    o.force_login(other_world.coordinator)
    assert o.get(reverse("outreach:news_edit", args=[item.pk])).status_code == 404
    assert o.post(reverse("outreach:news_delete", args=[item.pk])).status_code == 404
    assert NewsItem.objects.filter(pk=item.pk).exists()
    # Employees cannot publish.
    e = Client()
    e.force_login(world.employee)
    assert e.get(reverse("outreach:news_create")).status_code == 403
    # Contacts and campaigns through their forms.
    r = c.post(
        reverse("outreach:contact_create"),
        {"name": "Ann", "role": "HR", "email": "ann@example.org", "sort_order": 1},
    )
    assert r.status_code == 302 and ContactPerson.objects.filter(name="Ann").exists()
    mt = MeasureType.objects.get(code="coaching")
    r = c.post(
        reverse("outreach:campaign_create"),
        {
            "title": "Coachning i höst",
            "text": "Boka en coach.",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=10)).isoformat(),
            "measure_types": [mt.pk],
            "status": "published",
        },
    )
    assert r.status_code == 302
    assert list(Campaign.objects.get(title="Coachning i höst").measure_types.all()) == [mt]
    r = c.get(reverse("outreach:index"))
    assert "Coachning i höst" in r.content.decode() and "Hemlig" not in r.content.decode()


def test_api(world, other_world, published):
    _t, raw = ApiToken.issue(user=world.coordinator)
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    c = Client()
    r = c.post(
        "/api/v1/outreach/news",
        {
            "title": "Via API",
            "body": "Text",
            "publish_from": TODAY.isoformat(),
            "status": "published",
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    news_id = r.json()["id"]
    titles = {n["title"] for n in c.get("/api/v1/outreach/news", **h).json()["items"]}
    assert "Via API" in titles and "Utkast som inte visas" in titles
    first = c.get("/api/v1/outreach/news", {"limit": 1}, **h).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = c.get("/api/v1/outreach/news", {"cursor": first["next_cursor"]}, **h).json()
    assert {n["title"] for n in first["items"] + rest["items"]} == titles
    assert "Hemlig nyhet BETA" not in titles
    r = c.post(
        "/api/v1/outreach/news",
        {"title": "x", "body": "y", "publish_from": TODAY.isoformat(), "status": "nope"},
        content_type="application/json",
        **h,
    )
    # An unknown status is refused by the schema: 422 naming the field.
    assert r.status_code == 422 and r.json()["field"] == "status"
    r = c.post(
        "/api/v1/outreach/campaigns",
        {
            "title": "T",
            "text": "x",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "measure_type_codes": ["no_such"],
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400
    assert c.get("/api/v1/outreach/stats", **h).json()["year"] == TODAY.year
    other_news = NewsItem.objects.get(title="Hemlig nyhet BETA")
    assert c.get(f"/api/v1/outreach/news/{other_news.pk}", **h).status_code == 404
    assert c.delete(f"/api/v1/outreach/news/{other_news.pk}", **h).status_code == 404
    assert c.delete(f"/api/v1/outreach/news/{news_id}", **h).status_code == 204
    # An employee's token may not write.
    _t, raw_e = ApiToken.issue(user=world.employee)
    r = c.post(
        "/api/v1/outreach/contacts",
        {"name": "x", "role": "y", "email": "x@example.org"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_e}",
    )
    assert r.status_code == 403
    # The public endpoints need no login and show only public content.
    anon = Client()
    data = anon.get(f"/api/v1/outreach/public/{world.org.slug}").json()
    assert data["campaign"]["title"] == "Vill du byta bana?"
    assert [n["title"] for n in data["news"]] == ["Nyhet som visas"]
    assert {c_["name"] for c_ in data["contacts"]} == {"Sara Samordnare"}
    assert anon.get("/api/v1/outreach/public/finns-inte").status_code == 404
    r = anon.get(f"/api/v1/outreach/public/{world.org.slug}/guide?goal=develop&suits=course")
    assert r.status_code == 200 and r.json()["measure_types"][0]["code"] == (
        "competence_development"
    )
    assert anon.get(f"/api/v1/outreach/public/{world.org.slug}/guide?goal=x").status_code == 400
    assert anon.get("/api/v1/outreach/news").status_code == 401


# --- Demo -----------------------------------------------------------------------------------


def test_demo_command_is_idempotent(db):
    make_world("tillsynsverket")
    call_command("load_demo_outreach")
    snapshot = (
        ContactPerson.objects.count(),
        NewsItem.objects.count(),
        Campaign.objects.count(),
        sorted(
            ReachCounter.objects.values_list("day", "kind", "detail", "campaign__title", "count"),
            key=str,
        ),
    )
    call_command("load_demo_outreach")
    again = (
        ContactPerson.objects.count(),
        NewsItem.objects.count(),
        Campaign.objects.count(),
        sorted(
            ReachCounter.objects.values_list("day", "kind", "detail", "campaign__title", "count"),
            key=str,
        ),
    )
    assert snapshot == again
    assert snapshot[2] == 2 and snapshot[1] == 4 and len(snapshot[3]) > 100
    body = Client().get("/o/tillsynsverket/").content.decode()
    assert "Vill du byta bana?" in body and "Ansök före sommaren" in body
    assert "Utkast: nya regler" not in body


def test_public_pages_in_english_with_the_language_cookie(world):
    c = Client()
    c.cookies["django_language"] = "en"
    body = c.get(f"/o/{world.org.slug}/guide/?goal=develop").content.decode()
    assert "What could this mean for me?" in body and "This could suit you" in body
    assert '<html lang="en">' in body
