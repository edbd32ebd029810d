"""The case queue at scale: the search by number or title, the bounded status counts, the unit
filter that offers the upper levels and finds deeper units by name (web and API)."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from lom.accounts.models import ApiToken
from lom.cases import selectors
from lom.cases import services as case_services
from lom.cases.filter_units import filter_units
from lom.cases.models import Case
from lom.cases.selectors import CaseFilter, case_list, count_label, status_counts
from lom.organisations.services import unit_create
from tests.factories import make_case


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _old_search(term: str) -> Q:
    """What the search matched before it told numbers from titles."""
    return Q(number=term) | Q(number__startswith=term) | Q(title__icontains=term)


def _ids(rows) -> list[int]:
    return [c.pk for c in rows]


YEAR = date.today().year


@pytest.fixture
def cases(world):
    titles = [
        "Kurs i dataanalys",
        "Karriärcoachning",
        "KURS i projektledning",
        f"Studier {YEAR}-{YEAR + 1} i juridik",
        "Coachning inför 2199",
        "Utbildning i klarspråk",
    ]
    made = [make_case(world, title=t) for t in titles]
    make_case(world, title="Kurs i utkast", submit=False)  # the coordinator never sees it
    return made


@pytest.mark.parametrize("term", ["kurs", "KURS", "coachning", "i", "klarspråk", "saknas"])
def test_a_word_finds_the_same_cases_in_the_same_order_as_before(world, cases, term):
    actor = world.actor(world.coordinator)
    rows, _more = case_list(actor=actor, filters=CaseFilter(q=term))
    expected = selectors.cases_visible(actor=actor).filter(_old_search(term))
    expected = expected.order_by("-submitted_at", "-id")
    assert _ids(rows) == _ids(expected)
    assert bool(rows) == (term != "saknas")


def test_a_case_number_finds_the_numbers_that_start_with_it_and_no_title(world, cases):
    actor = world.actor(world.coordinator)
    number = cases[1].number  # e.g. 2026-0002
    year = number.split("-")[0]
    assert year == str(YEAR)
    rows, _ = case_list(actor=actor, filters=CaseFilter(q=number))
    assert _ids(rows) == [cases[1].pk]
    # The year and the dash: every numbered case of the year, newest submitted first.
    rows, _ = case_list(actor=actor, filters=CaseFilter(q=f"{year}-"))
    assert _ids(rows) == _ids(sorted(cases, key=lambda c: (c.submitted_at, c.pk), reverse=True))
    # "Studier 2026-2027 ...": no number starts with 2026-2027, and a number-like term never
    # reads titles (the search before did).
    rows, _ = case_list(actor=actor, filters=CaseFilter(q=f"{YEAR}-{YEAR + 1}"))
    assert rows == []
    # Plain digits may start a number or be a word of a title: both, as before.
    rows, _ = case_list(actor=actor, filters=CaseFilter(q="2199"))
    assert _ids(rows) == [cases[4].pk]
    rows, _ = case_list(actor=actor, filters=CaseFilter(q=year))
    expected = selectors.cases_visible(actor=actor).filter(_old_search(year))
    assert _ids(rows) == _ids(expected.order_by("-submitted_at", "-id"))
    assert len(rows) == len(cases)


def test_the_search_box_on_the_queue_page_finds_by_number(world, cases):
    r = client_for(world.coordinator).get(reverse("cases:list"), {"q": cases[2].number})
    body = r.content.decode()
    assert "KURS i projektledning" in body and "Kurs i dataanalys" not in body


# --- status counts ---------------------------------------------------------------------------


def test_status_counts_are_exact_up_to_the_bound_and_one_query(
    world, cases, django_assert_num_queries
):
    actor = world.actor(world.coordinator)
    case_services.case_transition(actor=actor, case=cases[0], name="start_review")
    with django_assert_num_queries(1):
        counts = status_counts(actor=actor)
    assert counts == {"submitted": 5, "in_review": 1}
    bounded = status_counts(actor=actor, bound=3)
    assert bounded == {"submitted": 4, "in_review": 1}  # 4 = "more than 3"
    assert count_label(bounded["submitted"], bound=3) == "3+"
    assert count_label(3, bound=3) == "3"
    assert count_label(1001) == "1\u00a0000+"
    # A manager's counts cover their units only (the colleague's unit B is not theirs).
    make_case(world, world.colleague, title="Kurs i enhet B")
    assert status_counts(actor=world.actor(world.manager)) == {"submitted": 5, "in_review": 1}
    assert status_counts(actor=actor) == {"submitted": 6, "in_review": 1}


def test_the_queue_tabs_show_a_count_past_the_bound_as_bound_plus(world, cases, monkeypatch):
    monkeypatch.setattr(selectors, "STATUS_COUNT_BOUND", 4)
    body = client_for(world.coordinator).get(reverse("cases:list")).content.decode()
    assert '<span class="count">4+</span>' in body  # six submitted
    home = client_for(world.coordinator).get("/").content.decode()
    assert "Inskickade: 4+" in home  # the home page shows the same bounded count
    monkeypatch.setattr(selectors, "STATUS_COUNT_BOUND", 1000)
    body = client_for(world.coordinator).get(reverse("cases:list")).content.decode()
    assert '<span class="count">6</span>' in body
    assert "Inskickade: 6" in client_for(world.coordinator).get("/").content.decode()


# --- the unit filter -------------------------------------------------------------------------


@pytest.fixture
def deep(world):
    """Below unit A: A1 > A11 > A111 and A12 (levels 2, 3, 4, 3); a case in A111."""
    a1 = unit_create(actor=None, organisation=world.org, name="Sektion Norr", parent=world.unit_a)
    a11 = unit_create(actor=None, organisation=world.org, name="Grupp Norr 1", parent=a1)
    a111 = unit_create(actor=None, organisation=world.org, name="Team Tornet", parent=a11)
    a12 = unit_create(actor=None, organisation=world.org, name="Grupp Norr 2", parent=a1)
    case = make_case(world, title="Kurs i tornet")
    Case.objects.filter(pk=case.pk).update(unit=a111, unit_path=a111.path)
    other = make_case(world, title="Kurs i enhet A")
    return {"a1": a1, "a11": a11, "a111": a111, "a12": a12, "case": case, "other": other}


def test_the_filter_offers_the_upper_levels_only(world, deep):
    units = filter_units(actor=world.actor(world.coordinator))
    names = [u.name for u in units.upper]
    assert names == ["Myndigheten", "Enhet A", "Sektion Norr", "Enhet B"]  # tree order
    # The manager of unit A: their unit and two levels below it.
    units = filter_units(actor=world.actor(world.manager))
    assert [u.name for u in units.upper] == [
        "Enhet A",
        "Sektion Norr",
        "Grupp Norr 1",
        "Grupp Norr 2",
    ]
    assert filter_units(actor=world.actor(world.employee)).upper == []


def test_one_unit_found_by_name_filters_the_queue(world, deep, django_assert_max_num_queries):
    c = client_for(world.coordinator)
    c.get(reverse("cases:list"))  # the first request of a session saves it
    with django_assert_max_num_queries(12):
        r = c.get(reverse("cases:list"), {"unit_q": "tornet"})
    body = r.content.decode()
    assert "Kurs i tornet" in body and "Kurs i enhet A" not in body
    assert f'<option value="{deep["a111"].pk}" selected>Team Tornet</option>' in body


def test_several_units_found_are_offered_to_choose_from(world, deep):
    c = client_for(world.coordinator)
    r = c.get(reverse("cases:list"), {"unit_q": "grupp norr"})
    body = r.content.decode()
    assert "2 enheter matchar. Välj en i listan." in body
    assert "Kurs i enhet A" in body  # not filtered yet
    assert f'<option value="{deep["a12"].pk}">Grupp Norr 2</option>' in body
    # Choosing one of them (the search still in the form) filters by it.
    r = c.get(reverse("cases:list"), {"unit_q": "grupp norr", "unit": deep["a11"].pk})
    body = r.content.decode()
    assert "Kurs i tornet" in body and "Kurs i enhet A" not in body
    r = c.get(reverse("cases:list"), {"unit_q": "finns inte"})
    assert "Ingen enhet matchar ”finns inte”." in r.content.decode()


def test_a_deep_unit_is_accepted_by_id_but_not_one_outside_the_scope(world, other_world, deep):
    c = client_for(world.coordinator)
    r = c.get(reverse("cases:list"), {"unit": deep["a111"].pk})
    body = r.content.decode()
    assert "Kurs i tornet" in body and "Kurs i enhet A" not in body
    r = c.get(reverse("cases:list"), {"unit": other_world.unit_a.pk})
    assert "Välj en enhet i listan." in r.content.decode()
    # The manager of unit A cannot reach unit B through the search.
    r = client_for(world.manager).get(reverse("cases:list"), {"unit_q": "Enhet B"})
    assert "Ingen enhet matchar" in r.content.decode()


def test_a_name_search_offers_a_bounded_number_of_units(world, monkeypatch):
    from lom.cases import filter_units as module

    monkeypatch.setattr(module, "UNIT_MATCHES_MAX", 2)
    for i in range(3):
        unit_create(actor=None, organisation=world.org, name=f"Kontor {i}", parent=world.unit_b)
    units = filter_units(actor=world.actor(world.coordinator), q="kontor")
    assert len(units.matches) == 2 and units.more


def test_the_api_lists_the_filter_units_and_searches_them(world, deep):
    c = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=world.coordinator)[1]}"}
    r = c.get("/api/v1/cases/filter-units", **auth)
    assert r.status_code == 200
    assert [u["name"] for u in r.json()["items"]] == [
        "Myndigheten",
        "Enhet A",
        "Sektion Norr",
        "Enhet B",
    ]
    r = c.get("/api/v1/cases/filter-units", {"q": "tornet"}, **auth)
    body = r.json()
    assert [u["id"] for u in body["items"]] == [deep["a111"].pk] and body["next_cursor"] is None
    # A page at a time, by cursor: the same four upper-level units two by two.
    first = c.get("/api/v1/cases/filter-units", {"limit": 2}, **auth).json()
    rest = c.get(
        "/api/v1/cases/filter-units", {"limit": 2, "cursor": first["next_cursor"]}, **auth
    ).json()
    names = [u["name"] for u in first["items"] + rest["items"]]
    assert names == ["Myndigheten", "Enhet A", "Sektion Norr", "Enhet B"]
    assert rest["next_cursor"] is None
    r = c.get("/api/v1/cases", {"unit_id": deep["a111"].pk}, **auth)
    assert [x["id"] for x in r.json()["items"]] == [deep["case"].pk]
    r = c.get("/api/v1/cases/filter-units", {"q": "x" * 101}, **auth)
    assert r.status_code == 422


# --- PostgreSQL: the indexes serve the searches ----------------------------------------------


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
        cur.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.mark.postgres
def test_postgres_searches_numbers_and_titles_through_their_indexes(world, cases):
    # A handful of rows: the planner prefers the organisation's index for the number, so
    # the number index is checked by its definition (LIKE 'x%' needs the pattern opclass).
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_case_org_number_pattern'"
        )
        (indexdef,) = cur.fetchone()
    assert "(organisation_id, number varchar_pattern_ops)" in indexdef
    plan = _plan(Case.objects.filter(selectors.search_filter("projektledning")))
    assert "cases_case_title_upper_trgm" in plan


# --- the queue's page read as two walks ------------------------------------------------------


def _one_query(actor, page: int, page_size: int) -> list[int]:
    qs = selectors.cases_filtered(actor=actor, filters=CaseFilter())
    qs = qs.order_by("-submitted_at", "-id")
    start = (page - 1) * page_size
    return _ids(qs[start : start + page_size])


@pytest.mark.parametrize("who", ["coordinator", "manager", "union_rep"])
def test_the_queue_pages_are_the_same_rows_in_the_same_order_as_one_query(world, cases, who):
    # Drafts of several people (only one's own is visible), a case withdrawn before it was
    # submitted (no submission time, visible to staff), and submitted cases.
    make_case(world, world.manager, title="Chefens utkast", submit=False)
    make_case(world, world.colleague, title="Kollegans utkast", submit=False)
    gone = make_case(world, world.colleague, title="Återtaget utkast", submit=False)
    case_services.case_transition(actor=world.actor(world.colleague), case=gone, name="withdraw")
    actor = world.actor(getattr(world, who))
    for page_size in (1, 2, 3, 50):
        for page in range(1, 12):
            rows, more = case_list(
                actor=actor, filters=CaseFilter(), page=page, page_size=page_size
            )
            assert _ids(rows) == _one_query(actor, page, page_size), (page_size, page)
            assert more == bool(_one_query(actor, page + 1, page_size))
