"""The figures read the ledger summed by the database, once per report, and the workforce
counted per group by the database: the money per case, the primary measure type, the staff
of the fairness tables (a recipient who has left still counts), and a number of queries that
does not grow with the number of cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lom.agreements.models import MeasureType
from lom.cases.models import Case
from lom.organisations.models import Employee
from lom.reports.charts import chart_for
from lom.reports.documents import annual_report_html
from lom.reports.figures import annual_figures, fairness_figures, year_bounds
from lom.reports.figures.cases import funded_cases
from tests.reporting import at, build_scenario, grant, new_case
from tests.reports.test_reports import TODAY

KR = 100


@pytest.fixture
def scenario(world):
    return build_scenario(world)


def _funded(world, year):
    since, until = year_bounds(year)
    return funded_cases(world.org, created_at__gte=since, created_at__lt=until)


def test_funded_cases_sum_each_case_of_the_year_and_take_its_first_measure_type(world, scenario):
    first = MeasureType.objects.create(code="first", name="Först i listan", sort_order=0)
    scenario.a.measure_types.add(first)  # A has two types now: it counts under the first
    by_case = {c.case_id: c for c in _funded(world, 2024)}
    assert set(by_case) == {scenario.a.pk, scenario.b.pk, scenario.c.pk}  # D: 2025
    a, b, c = by_case[scenario.a.pk], by_case[scenario.b.pk], by_case[scenario.c.pk]
    assert (a.money.commitments, a.money.releases, a.money.spent) == (
        30_000 * KR,
        5_000 * KR,
        25_000 * KR,
    )
    assert (a.money.granted, b.money.granted, c.money.granted) == (25_000 * KR, 0, 40_000 * KR)
    assert c.money.spent == 10_000 * KR  # the 2025 expense belongs to 2025
    assert a.measure_type_id == first.pk
    assert b.measure_type_id == MeasureType.objects.get(code="coaching").pk
    assert a.purpose == scenario.a.purpose and a.unit_path == scenario.a.unit_path
    fig = annual_figures(organisation=world.org, year=2024, today=TODAY)
    by_type = next(t for t in fig.use if t.key == "use_by_measure_type")
    assert by_type.row(first.name)["granted"] == 25_000 * KR


def test_a_recipient_who_has_left_still_counts_in_the_workforce(world, scenario):
    before = fairness_figures(organisation=world.org, year=2024)
    assert (before.recipients, before.granted) == (2, 65_000 * KR)  # A 25 000, C 40 000
    Employee.objects.filter(pk=scenario.a.applicant_id).update(active=False)
    after = fairness_figures(organisation=world.org, year=2024)
    assert (after.staff, after.recipients, after.granted) == (before.staff, 2, 65_000 * KR)
    Employee.objects.filter(pk=scenario.b.applicant_id).update(active=False)  # no money
    fewer = fairness_figures(organisation=world.org, year=2024)
    assert fewer.staff == before.staff - 1
    for table in fewer.tables:  # every breakdown adds up to the same workforce
        counts = [r[1] for r in table.rows]
        if all(isinstance(n, int) for n in counts):
            assert sum(counts) == fewer.staff


def test_the_annual_figures_read_the_same_number_of_queries_for_more_cases(world, scenario):
    def add(i: int) -> None:
        case = new_case(world, world.employee, title=f"Kurs {i}", amount_ore=(i + 1) * 1_000 * KR)
        grant(world, case, scenario.p2, at(2025, 3, 1 + i))

    add(0)
    with CaptureQueriesContext(connection) as few:
        annual_figures(organisation=world.org, year=2025, today=TODAY)
    for i in range(1, 4):
        add(i)
    with CaptureQueriesContext(connection) as many:
        fig = annual_figures(organisation=world.org, year=2025, today=TODAY)
    assert len(many) == len(few)
    assert fig.decisions[0].total_dict()["approved"] == 5  # D in January, four in March
    assert Case.objects.filter(organisation=world.org).count() == 8


def test_the_pdf_charts_leave_the_values_to_the_tables(world, scenario):
    fig = annual_figures(organisation=world.org, year=2024, today=TODAY)
    table = fig.use[1]  # use by purpose: a bar chart
    value = "25\u00a0000,00\u00a0kr"
    assert value in chart_for(table)
    assert value not in chart_for(table, values=False)
    assert "<title id=" in chart_for(table, values=False)
    html = annual_report_html(fig)
    assert '<html lang="sv">' in html and "<title>" in html
    charted = [fig.timeline, *fig.use, fig.decisions[0], *fig.outcomes, *fig.survey]
    drawn = [t for t in charted + fig.fairness.tables if chart_for(t)]
    assert html.count('class="chart"') == len(drawn) > 0  # every chart is still there
