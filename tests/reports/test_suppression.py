"""Suppression of small counts of people: the rule (`suppress_family`), the fairness view with
one person of a third gender among 131 women and 128 men, and an attacker who reads every
number the fairness API publishes for two years and solves for the hidden cells."""

from datetime import date
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse

from lom.organisations.models import Employee, Role
from lom.organisations.services import membership_grant, unit_create
from lom.reports.figures import SUPPRESSED, fairness_figures
from lom.reports.figures.suppression import PRIMARY, SECONDARY, suppress_family
from tests.api_client import token_caller
from tests.reporting import at, grant, new_case

KR = 100

# --- the rule ----------------------------------------------------------------------------------


def test_small_counts_are_primary_and_zero_is_shown():
    sup = suppress_family([[10, 7, 0, 3, 4]], margin_published=False)
    assert sup.reasons == [[None, None, None, PRIMARY, PRIMARY]]


def test_one_hidden_cell_takes_the_smallest_complement_of_its_line():
    sup = suppress_family([[131, 8, 3], [100, 42]])
    assert sup.reasons == [[None, SECONDARY, PRIMARY], [None, None]] and sup.margin_shown


def test_a_single_line_withholds_its_total_rather_than_a_group():
    sup = suppress_family([[131, 8, 3]])
    assert sup.reasons == [[None, None, PRIMARY]] and not sup.margin_shown


def test_two_hidden_cells_need_no_complement():
    sup = suppress_family([[131, 2, 3]])
    assert sup.reasons == [[None, PRIMARY, PRIMARY]] and sup.margin_shown


def test_a_large_complement_gives_way_to_withholding_the_margin():
    # gender: 131, 128, 1; age: 100, 153, 7. Hiding 128 men is worse than hiding the total
    # and the 7 of the age line (which would otherwise give the total back).
    sup = suppress_family([[131, 128, 1], [100, 153, 7]])
    assert sup.reasons == [[None, None, PRIMARY], [None, None, SECONDARY]]
    assert not sup.margin_shown


def test_the_margin_stays_when_the_complement_is_smaller():
    sup = suppress_family([[131, 6, 1], [100, 31, 7]])
    assert sup.reasons == [[None, SECONDARY, PRIMARY], [None, None, None]] and sup.margin_shown


def test_forced_cells_count_as_hidden():
    sup = suppress_family([[6, 6, 0], [12]], forced=[[True, False, False], [False]])
    assert sup.reasons == [[PRIMARY, SECONDARY, None], [None]]


# --- an attacker ---------------------------------------------------------------------------


def _determined(equations: list[dict[str, Fraction]], unknowns: list[str]) -> set[str]:
    """The unknowns whose value follows from the linear equations (each a {unknown or '': coef},
    '' the constant): those whose unit vector lies in the span of the equations' rows."""
    index = {u: i for i, u in enumerate(unknowns)}
    rows = [[Fraction(0)] * len(unknowns) for _e in equations]
    for row, eq in zip(rows, equations, strict=True):
        for u, c in eq.items():
            if u:
                row[index[u]] += c
    pivots: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        for col, prow in pivots:
            if row[col]:
                f = row[col]
                row = [a - f * b for a, b in zip(row, prow, strict=True)]
        lead = next((i for i, a in enumerate(row) if a), None)
        if lead is None:
            continue
        row = [a / row[lead] for a in row]
        pivots = [
            (col, [a - prow[lead] * b for a, b in zip(prow, row, strict=True)])
            for col, prow in pivots
        ]
        pivots.append((lead, row))
    out = set()
    for u in unknowns:
        vec = [Fraction(0)] * len(unknowns)
        vec[index[u]] = Fraction(1)
        for col, prow in pivots:
            if vec[col]:
                f = vec[col]
                vec = [a - f * b for a, b in zip(vec, prow, strict=True)]
        if not any(vec):
            out.add(u)
    return out


COLUMNS = {"staff": 1, "recipients": 3, "granted": 5}


def _attack(published: dict[int, dict]) -> set[str]:
    """What the fairness API of several years gives away: in each year's five tables every
    count column sums to the total of that column, the same total in all five (and the
    top-level staff / recipients). The workforce is the same people in every year here, so a
    staff cell of a group is one unknown across the years (the strongest differencing)."""
    equations: list[dict[str, Fraction]] = []
    unknowns: list[str] = []
    small: set[str] = set()

    def name(family: str, year: int, what: str) -> str:
        return f"{family}|{'-' if family == 'staff' else year}|{what}"

    for year, body in published.items():
        margins = {"staff": body["staff"], "recipients": body["recipients"]}
        for t in body["tables"]:
            for family, j in COLUMNS.items():
                eq: dict[str, Fraction] = {}
                total = t["total"][j]
                total_name = name(family, year, "TOTAL")
                known_total = total if total is not None else margins.get(family)
                if known_total is None:
                    eq[total_name] = Fraction(-1)
                    if total_name not in unknowns:
                        unknowns.append(total_name)
                else:
                    eq[""] = Fraction(-known_total)
                for i, row in enumerate(t["rows"]):
                    reason = t["suppressed_reasons"][i][j]
                    if reason is None:
                        eq[""] = eq.get("", Fraction(0)) + row[j]
                        continue
                    cell = name(family, year, f"{t['key']}:{row[0]}")
                    if cell not in unknowns:
                        unknowns.append(cell)
                    eq[cell] = eq.get(cell, Fraction(0)) + 1
                    if reason == PRIMARY and family != "granted":
                        small.add(cell)
                equations.append(eq)
    return _determined(equations, unknowns) & small


def _employees(org, unit, n, *, gender, born, occupation, start):
    Employee.objects.bulk_create(
        Employee(
            organisation=org,
            unit=unit,
            first_name=f"{gender}{born}",
            last_name=str(i),
            occupational_group=occupation,
            employment_start=start,
            birth_year=born,
            gender=gender,
            active=True,
        )
        for i in range(n)
    )
    return list(
        Employee.objects.filter(organisation=org, unit=unit, gender=gender, birth_year=born)
        .filter(occupational_group=occupation, employment_start=start)
        .order_by("pk")
    )


@pytest.fixture
def agency(world):
    """131 women, 128 men and one person of gender X; 20 women, 15 men and X got money in
    2025, and 5 men in 2026. Every other breakdown has a small group (6 or 7 people)."""
    org, a, b = world.org, world.unit_a, world.unit_b
    unit_c = unit_create(actor=None, organisation=org, name="Enhet C", parent=world.top)
    membership_grant(
        actor=None, organisation=org, user=world.manager, role=Role.MANAGER, unit=world.top
    )
    Employee.objects.filter(organisation=org).update(
        unit=a,
        birth_year=1980,
        gender="F",
        occupational_group="Handläggare",
        employment_start=date(2015, 3, 1),
    )
    women = _employees(
        org, a, 100, gender="F", born=1980, occupation="Handläggare", start=date(2015, 3, 1)
    )
    _employees(org, a, 21, gender="F", born=1970, occupation="Handläggare", start=date(2015, 3, 1))
    seniors = _employees(
        org, a, 7, gender="F", born=1960, occupation="Chef", start=date(2000, 1, 1)
    )
    men_b = _employees(
        org, b, 122, gender="M", born=1990, occupation="IT-specialist", start=date(2023, 1, 1)
    )
    men_c = _employees(
        org, unit_c, 6, gender="M", born=1990, occupation="IT-specialist", start=date(2023, 1, 1)
    )
    (x,) = _employees(
        org, b, 1, gender="X", born=1990, occupation="IT-specialist", start=date(2023, 1, 1)
    )
    assert Employee.objects.filter(organisation=org, active=True).count() == 260

    def fund(people, when):
        for emp in people:
            case = new_case(
                world, world.manager, title="Kurs", amount_ore=1_000 * KR, applicant_id=emp.pk
            )
            grant(world, case, world.period, when)

    fund(women[:14] + seniors[:6] + men_b[:9] + men_c + [x], at(2025, 3, 1))
    fund(men_b[9:14], at(2026, 3, 1))
    world.unit_c = unit_c
    return world


def _table(result, key):
    return next(t for t in result.tables if t.key == key)


def test_one_person_of_gender_x_never_hides_the_men(agency):
    result = fairness_figures(organisation=agency.org, year=2025)
    gender = _table(result, "fairness_gender")
    assert gender.row("Kvinna")["staff"] == 131 and gender.row("Man")["staff"] == 128
    assert gender.row("Kvinna")["recipients"] == 20 and gender.row("Man")["recipients"] == 15
    x = gender.row("Annat / vill inte uppge")
    assert x["staff"] is SUPPRESSED and x["recipients"] is SUPPRESSED
    assert gender.reasons[(2, 1)] == PRIMARY and gender.reasons[(2, 3)] == PRIMARY
    # The totals would give X back (260 - 131 - 128): they are withheld, and each other
    # breakdown hides one of its smallest groups so that its sum does not give them back.
    assert not result.staff_shown and not result.recipients_shown
    assert gender.total_dict()["staff"] is SUPPRESSED
    for key in ("fairness_age", "fairness_occupation", "fairness_unit", "fairness_tenure"):
        t = _table(result, key)
        staff = t.values("staff")
        hidden = [i for i, v in enumerate(staff) if v is SUPPRESSED]
        assert len(hidden) == 1, key
        assert t.reasons[(hidden[0], 1)] == SECONDARY
        assert t.rows[hidden[0]][0] in {"60 år och äldre", "Chef", "Enhet C", "20 år eller mer"}
    # The shares are of the groups shown (a share of the withheld total would give it back).
    assert gender.row("Kvinna")["staff_share"] == round(100 * 131 / 259, 1)


def test_an_attacker_with_every_published_number_of_two_years_learns_no_small_cell(agency):
    call = token_caller(agency.union_rep)
    published = {}
    for year in (2025, 2026):
        r = call("get", f"/api/v1/reports/fairness/{year}")
        assert r.status_code == 200
        published[year] = r.json()
    t = next(t for t in published[2025]["tables"] if t["key"] == "fairness_gender")
    assert t["suppressed_reasons"][2][1] == "primary"
    assert t["rows"][1][1] == 128  # the men are shown
    assert _attack(published) == set()
    # The attacker itself works: with the totals published (the old rule's mistake without
    # its complement), X would follow.
    leaky = {2025: {**published[2025], "staff": 260}}
    assert any(u.startswith("staff|-|fairness_gender:") for u in _attack(leaky))


def test_the_page_says_why_a_cell_is_hidden(agency):
    c = Client()
    c.force_login(agency.union_rep)
    page = c.get(reverse("reports:fairness") + "?year=2025").content.decode()
    gender = page[page.index("Vem har fått medel: kön") :]
    gender = gender[: gender.index("</div>")]
    assert "dolt<sup>a</sup>" in gender and "dolt (a) = färre än 5 personer" in gender
    assert ">128<" in gender and ">131<" in gender
    unit = page[page.index("Vem har fått medel: enhet") :]
    assert "dolt<sup>b</sup>" in unit[: unit.index("</div>")]
