"""Report figures against hand-computed expectations on fixed data (tests/reporting.py), the
suppression rule, the report files (opened again and read), exports, permissions and the
background job."""

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lom.cases.models import Purpose
from lom.followup.models import SurveyInvitation, SurveyResponse
from lom.funds.models import LedgerEntry
from lom.funds.selectors import fund_balance
from lom.organisations.models import Employee
from lom.organisations.services import employee_save
from lom.reports import services as report_services
from lom.reports.documents import annual_report_pdf, annual_report_xlsx
from lom.reports.figures import (
    SUPPRESSED,
    annual_figures,
    fairness_figures,
    period_figures,
    suppression_mask,
)
from lom.reports.models import ReportJob
from tests.factories import signed_in
from tests.reporting import at, book, build_scenario, grant, new_case

TODAY = date(2026, 11, 22)  # any day after the fixed data; the figures do not depend on it
KR = 100


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def scenario(world):
    return build_scenario(world)


# --- funds: carry-over, releases, a period spanning two years -------------------------------


def test_annual_funds_2024_with_carry_over_and_releases(world, scenario):
    fig = annual_figures(organisation=world.org, year=2024, today=TODAY)
    p1 = fig.funds.row("LOM 2024 vår")
    assert p1 == {
        "period": "LOM 2024 vår",
        "opening_remaining": 0,
        "allocated": 100_000 * KR,
        "carried_over": -75_000 * KR,  # what was left went to the next period
        "granted": 25_000 * KR,  # A 30 000 - 5 000 released; B 20 000 - 20 000 released
        "spent": 25_000 * KR,
        "closing_committed": 0,
        "closing_remaining": 0,
    }
    p2 = fig.funds.row("LOM 2024/25")
    assert p2["allocated"] == 200_000 * KR
    assert p2["carried_over"] == 75_000 * KR
    assert p2["granted"] == 40_000 * KR  # C
    assert p2["spent"] == 10_000 * KR
    assert p2["closing_committed"] == 30_000 * KR
    assert p2["closing_remaining"] == 235_000 * KR  # 275 000 - 40 000
    total = fig.funds.total_dict()
    assert total["carried_over"] == 0  # a carry-over between two periods nets out
    assert total["closing_remaining"] == 235_000 * KR
    # The money by month: end of April, A is committed and B released.
    april = fig.timeline.row("2024-04")
    assert april == {
        "month": "2024-04",
        "available": 100_000 * KR,
        "committed": 30_000 * KR,
        "spent": 0,
        "remaining": 70_000 * KR,
    }
    assert fig.timeline.row("2024-12")["remaining"] == 235_000 * KR


def test_a_period_spanning_two_years_reports_each_year_what_happened_in_it(world, scenario):
    fig = annual_figures(organisation=world.org, year=2025, today=TODAY)
    assert [r[0] for r in fig.funds.rows] == ["LOM 2024/25"]  # P1 ended in 2024
    p2 = fig.funds.row("LOM 2024/25")
    assert p2 == {
        "period": "LOM 2024/25",
        "opening_remaining": 235_000 * KR,  # closing of 2024
        "allocated": 0,  # allocated in 2024
        "carried_over": 0,
        "granted": 60_000 * KR,  # D
        "spent": 75_000 * KR,  # C 30 000 + D 45 000
        "closing_committed": 15_000 * KR,  # D 60 000 - 45 000
        "closing_remaining": 175_000 * KR,
    }
    # The two years together equal the period's ledger balance.
    bal = fund_balance(period=scenario.p2)
    assert (bal.remaining, bal.committed, bal.spent) == (175_000 * KR, 15_000 * KR, 85_000 * KR)


def test_use_by_purpose_kind_and_type_add_up_to_the_ledger(world, scenario):
    fig24 = annual_figures(organisation=world.org, year=2024, today=TODAY)
    by_purpose = {r[0]: r for r in fig24.use[1].rows}
    prevent = by_purpose[str(Purpose.PREVENT.label)]
    develop = by_purpose[str(Purpose.DEVELOP.label)]
    assert prevent[1:5] == [1, 1, 25_000 * KR, 25_000 * KR]  # A
    assert develop[1:5] == [1, 1, 40_000 * KR, 10_000 * KR]  # C
    assert str(Purpose.MOVE.label) not in by_purpose  # B: fully released, counts for nothing
    assert fig24.use[1].total_dict()["granted"] == 65_000 * KR
    fig25 = annual_figures(organisation=world.org, year=2025, today=TODAY)
    by_kind = {r[0]: r for r in fig25.use[3].rows}
    assert by_kind["Gruppinsats"][1:5] == [1, 6, 60_000 * KR, 45_000 * KR]  # D, 6 participants
    assert by_kind["Enskild insats"][1:5] == [1, 1, 0, 30_000 * KR]  # C's 2025 expense
    # Every breakdown adds up to the year's movements in the funds table.
    for table in fig25.use:
        assert table.total_dict()["granted"] == fig25.funds.total_dict()["granted"]
        assert table.total_dict()["spent"] == fig25.funds.total_dict()["spent"]
    key = {r[0]: r for r in fig25.key_figures.rows}
    assert key["Gruppinsatser utan deltagarlista"][1:3] == [1, 60_000 * KR]
    assert key["Förbrukat"][2] == 75_000 * KR


def test_a_group_measure_counts_with_its_listed_participants(world, scenario):
    """D (a group of 6, 60 000 kr granted in 2025) gets a list of three participants from the
    staff register: each counts as a recipient of an equal share, and D is no longer reported
    apart as a group measure without participants."""
    people = [world.employee_rec, world.colleague_rec, world.manager_rec]
    SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(organisation=world.org, case=scenario.d, employee=e) for e in people]
    )
    fair = fairness_figures(organisation=world.org, year=2025)
    assert (fair.group_cases, fair.group_granted, fair.group_counted) == (0, 0, 1)
    assert fair.recipients == 3 and fair.granted == 60_000 * KR
    key = {r[0]: r for r in annual_figures(organisation=world.org, year=2025, today=TODAY)
           .key_figures.rows}  # fmt: skip
    assert key["Gruppinsatser utan deltagarlista"][1:3] == [0, 0]
    page = signed_in(world.coordinator).get("/reports/fairness/?year=2025").content.decode()
    assert "1 gruppinsatser och projekt räknas med sina deltagare" in page


def test_period_dashboard_matches_the_ledger_and_uses_the_organisation_threshold(world, scenario):
    fig = period_figures(organisation=world.org, period=scenario.p2, today=TODAY)
    assert fig.balance == fund_balance(period=scenario.p2)
    # The timeline ends where the ledger is: 175 000 left, 15 000 reserved, 85 000 spent.
    last = fig.timeline.rows[-1]
    assert last == ["2025-06", 275_000 * KR, 15_000 * KR, 85_000 * KR, 175_000 * KR]
    assert fig.timeline.rows[0][0] == "2024-07"
    # The period is over: 175 000 of 275 000 unused = 64 %, above the default 20 %.
    assert fig.forecast.projected_unused == 175_000 * KR
    assert fig.forecast.unused_percent == 64
    assert fig.forecast.warning is True
    report_services.report_settings_save(
        actor=world.actor(world.coordinator), unused_warning_percent=70
    )
    fig = period_figures(organisation=world.org, period=scenario.p2, today=TODAY)
    assert fig.warning_percent == 70 and fig.forecast.warning is False
    # The fund page uses the same threshold (one answer to one question).
    page = client_for(world.coordinator).get(reverse("funds:period", args=[scenario.p2.pk]))
    assert "Varning: en stor del" not in page.content.decode()


# --- suppression -----------------------------------------------------------------------------


def test_suppression_mask_hides_small_cells_and_one_more_when_only_one_is_hidden():
    assert suppression_mask([10, 7, 0]) == [False, False, False]  # 0 identifies nobody
    assert suppression_mask([10, 7, 3]) == [False, True, True]  # 3 hidden, then 7 as well
    assert suppression_mask([10, 2, 4]) == [False, True, True]  # already two hidden
    assert suppression_mask([5, 20]) == [False, False]
    assert suppression_mask([6, 6], forced=[True, False]) == [True, True]


@pytest.fixture
def fairness_world(world):
    """29 staff; 6 women born 1960 got 10 000 kr each in 2025 (see the expectations)."""
    Employee.objects.filter(organisation=world.org).update(
        birth_year=1980,
        gender="F",
        occupational_group="Handläggare",
        employment_start=date(2015, 3, 1),
    )

    def add(n, *, unit, gender, born, occupation, start):
        out = []
        for i in range(n):
            out.append(
                employee_save(
                    actor=None,
                    organisation=world.org,
                    unit=unit,
                    first_name=f"{gender}{born}",
                    last_name=str(i),
                    email="",
                    occupational_group=occupation,
                    employment_start=start,
                    employment_form="permanent",
                    birth_year=born,
                    gender=gender,
                    active=True,
                )
            )
        return out

    add(
        2,
        unit=world.unit_b,
        gender="F",
        born=1980,
        occupation="Handläggare",
        start=date(2015, 3, 1),
    )
    add(
        12,
        unit=world.unit_b,
        gender="M",
        born=1995,
        occupation="IT-specialist",
        start=date(2023, 1, 1),
    )
    seniors = add(
        10,
        unit=world.unit_a,
        gender="F",
        born=1960,
        occupation="Handläggare",
        start=date(2000, 1, 1),
    )
    add(2, unit=world.unit_a, gender="X", born=1990, occupation="Jurist", start=date(2020, 6, 1))
    for emp in seniors[:6]:
        case = new_case(
            world,
            world.manager,
            title="Seniorplanering",
            amount_ore=10_000 * KR,
            applicant_id=emp.pk,
            measure="career_life_planning",
        )
        grant(world, case, world.period, at(2025, 3, 1))
    return world


def test_fairness_compares_recipients_with_the_workforce_and_suppresses_small_groups(
    fairness_world,
):
    world = fairness_world
    result = fairness_figures(organisation=world.org, year=2025)
    assert (result.staff, result.recipients, result.granted) == (29, 6, 60_000 * KR)
    age = next(t for t in result.tables if t.key == "fairness_age")
    assert [r[0] for r in age.rows] == ["30–39 år", "40–49 år", "60 år och äldre"]
    assert age.row("30–39 år") == {
        "group": "30–39 år",
        "staff": 14,
        "staff_share": 48.3,
        "recipients": 0,
        "recipient_share": 0.0,
        "granted": 0,
        "funds_share": 0.0,
        "difference": -48.3,
    }
    assert age.row("40–49 år")["staff"] == 5 and age.row("40–49 år")["difference"] == -17.2
    assert age.row("60 år och äldre") == {
        "group": "60 år och äldre",
        "staff": 10,
        "staff_share": 34.5,
        "recipients": 6,
        "recipient_share": 100.0,
        "granted": 60_000 * KR,
        "funds_share": 100.0,
        "difference": 65.5,
    }
    assert age.flagged == [True, True, True]
    gender = next(t for t in result.tables if t.key == "fairness_gender")
    # Two people of gender X: hidden (primary), their recipients too. The staff column could
    # give X back from the total: the smallest other group (12 men, not 15 women) is hidden;
    # withholding the total instead would cost more (the smallest unit has 14). In the
    # recipients column only the women (6) are left to hide.
    assert gender.row("Kvinna")["staff"] == 15
    assert gender.row("Kvinna")["recipients"] is SUPPRESSED
    assert set(gender.row("Annat / vill inte uppge").values()) == {
        "Annat / vill inte uppge",
        SUPPRESSED,
    }
    assert gender.row("Man")["staff"] is SUPPRESSED and gender.row("Man")["recipients"] == 0
    assert gender.reasons[(2, 1)] == "primary" and gender.reasons[(1, 1)] == "secondary"
    assert gender.flagged == [False, False, False]
    tenure = next(t for t in result.tables if t.key == "fairness_tenure")
    assert tenure.row("5–9 år")["staff"] is SUPPRESSED
    assert tenure.row("10–19 år")["staff"] is SUPPRESSED  # 5 people: secondary
    assert tenure.row("2–4 år")["staff"] == 12
    unit = next(t for t in result.tables if t.key == "fairness_unit")
    assert unit.row("Enhet A")["recipients"] == 6 and unit.row("Enhet B")["recipients"] == 0


def test_fairness_page_never_prints_a_suppressed_number(fairness_world):
    world = fairness_world
    page = (
        client_for(world.union_rep).get(reverse("reports:fairness") + "?year=2025").content.decode()
    )
    assert "60 år och äldre" in page and "65,5" in page
    gender_section = page[page.index("Vem har fått medel: kön") :]
    gender_section = gender_section[: gender_section.index("</table>")]
    assert "dolt" in gender_section
    assert ">2<" not in gender_section and ">12<" not in gender_section
    assert "markerad" in page  # flagged groups are marked in text, not only by colour


def test_survey_answers_are_shown_only_in_cells_of_five(world):
    def answer(n, purpose, satisfaction, recommend="yes", text=""):
        for _i in range(n):
            SurveyResponse.objects.create(
                organisation=world.org,
                year=2025,
                purpose=purpose,
                satisfaction=satisfaction,
                usefulness=4,
                heard_from="manager",
                recommend=recommend,
                free_text=text,
            )

    answer(5, Purpose.PREVENT, 4)
    answer(1, Purpose.MOVE, 2, recommend="no", text="Kursen var för kort.")
    fig = annual_figures(organisation=world.org, year=2025, today=TODAY)
    table = fig.survey[0]
    assert table.row("Alla svar") == {
        "group": "Alla svar",
        "answers": 6,
        "satisfaction": 3.7,
        "usefulness": 4.0,
        "recommend": 83.3,
    }
    # 1 answer about 'move': hidden, and 'prevent' too, or 6 - 5 would give it away.
    hidden = [r for r in table.rows if r[0].startswith("Syfte") and r[1] is SUPPRESSED]
    assert len(hidden) == 2
    heard = fig.survey[1]
    assert heard.row("Min chef")["answers"] == 6


# --- the files -------------------------------------------------------------------------------


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        )
        return " ".join(out.stdout.replace("\u00a0", " ").split())
    pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")


def test_annual_report_pdf_and_workbook_carry_the_same_figures(world, scenario, tmp_path):
    fig = annual_figures(organisation=world.org, year=2024, today=TODAY)
    text = _pdf_text(annual_report_pdf(fig), tmp_path)
    assert "Årsrapport om omställningsmedel 2024" in text
    assert world.org.name in text
    assert "235 000,00 kr" in text  # remaining at the end of 2024
    assert "LOM 2024/25" in text and "Förändringsledning" not in text  # no case titles
    assert "Vilka har fått medel?" in text

    wb = load_workbook(io.BytesIO(annual_report_xlsx(fig)))
    assert wb.sheetnames[0] == "Om rapporten"
    assert len(wb.sheetnames) == len(fig.tables()) + 1  # one sheet per table
    funds = wb["Fondperioderna under året"]
    rows = list(funds.iter_rows(values_only=True))
    assert rows[0][0] == "Fondperioderna under året"
    assert rows[1][:2] == ("Fondperiod", "Kvar vid årets början")
    p2 = next(r for r in rows if r[0] == "LOM 2024/25")
    assert float(p2[7]) == 235_000.0 and float(p2[3]) == 75_000.0
    cell = funds.cell(row=rows.index(p2) + 1, column=8)
    assert "kr" in cell.number_format
    decisions = list(wb["Årets beslut"].iter_rows(values_only=True))
    assert [r[1] for r in decisions[2:]] == [
        scenario.a.number,
        scenario.b.number,
        scenario.c.number,
    ]


def test_dashboard_api_and_workbook_answer_the_same(world, scenario):
    c = client_for(world.coordinator)
    page = c.get(reverse("reports:dashboard_period", args=[scenario.p2.pk])).content.decode()
    assert "175\u00a0000,00\u00a0kr" in page  # remaining, from the ledger
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in page
    assert "<title id=" in page and "style=" not in page.split("<main", 1)[1]
    api = c.get(f"/api/v1/reports/periods/{scenario.p2.pk}/figures").json()
    assert api["balance"]["remaining_ore"] == 175_000 * KR
    timeline = next(t for t in api["tables"] if t["key"] == "timeline")
    assert timeline["rows"][-1][4] == 175_000 * KR
    annual = c.get("/api/v1/reports/annual/2025/figures").json()
    funds = next(t for t in annual["tables"] if t["key"] == "funds")
    assert funds["rows"][0][7] == 175_000 * KR
    fig = annual_figures(organisation=world.org, year=2025, today=TODAY)
    wb = load_workbook(io.BytesIO(annual_report_xlsx(fig)))
    row = next(
        r
        for r in wb["Fondperioderna under året"].iter_rows(values_only=True)
        if r[0] == "LOM 2024/25"
    )
    assert float(row[7]) * 100 == funds["rows"][0][7]


def test_background_job_builds_both_files_and_serves_them_to_report_readers(
    world, scenario, tmp_path
):
    c = client_for(world.union_rep)
    r = c.post(reverse("reports:annual"), {"year": 2024, "format": "pdf_xlsx"})
    job = ReportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("reports:annual_job", args=[job.pk])
    assert (job.status, job.progress, job.year) == ("done", 100, 2024)
    assert job.pdf.name.endswith("arsrapport-alfa-2024.pdf") and job.xlsx.name.endswith(".xlsx")
    page = c.get(reverse("reports:annual_job", args=[job.pk]))
    assert "Refresh" not in page  # finished: no more polling
    assert "Hämta PDF" in page.content.decode()
    pdf = c.get(reverse("reports:annual_pdf", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(b"".join(pdf.streaming_content), tmp_path)
    assert "Årsrapport om omställningsmedel 2024" in text
    xlsx = c.get(reverse("reports:annual_xlsx", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert "Nyckeltal 2024" in wb.sheetnames
    # An employee may not read reports.
    assert (
        client_for(world.employee).get(reverse("reports:annual_pdf", args=[job.pk])).status_code
        == 403
    )


def test_a_running_job_shows_progress_and_asks_the_browser_to_reload(world):
    job = ReportJob.objects.create(
        organisation=world.org,
        created_by=world.coordinator,
        year=2025,
        status=ReportJob.Status.RUNNING,
        progress=40,
        step="Användning",
    )
    r = client_for(world.coordinator).get(reverse("reports:annual_job", args=[job.pk]))
    assert r["Refresh"] == "3"
    page = r.content.decode()
    assert 'value="40"' in page and "Användning" in page
    # Not finished: nothing to download yet.
    assert (
        client_for(world.coordinator).get(reverse("reports:annual_pdf", args=[job.pk])).status_code
        == 404
    )


def test_a_failing_build_marks_the_job_failed(world, monkeypatch):
    def broken(fig):
        raise RuntimeError("font missing")

    monkeypatch.setattr(report_services, "annual_report_pdf", broken)
    job = report_services.report_job_start(actor=world.actor(world.coordinator), year=2025)
    assert job.status == "failed" and "kunde inte skapas" in job.error
    assert not job.pdf


def test_jobs_and_files_of_another_organisation_are_404(world, other_world):
    job = report_services.report_job_start(
        actor=other_world.actor(other_world.coordinator), year=2025, fmt="xlsx"
    )
    assert job.status == "done"
    c = client_for(world.coordinator)
    for name in ("reports:annual_job", "reports:annual_xlsx", "reports:annual_pdf"):
        assert c.get(reverse(name, args=[job.pk])).status_code == 404
    assert c.get(f"/api/v1/reports/periods/{other_world.period.pk}/figures").status_code == 404
    assert (
        c.get(reverse("reports:dashboard_period", args=[other_world.period.pk])).status_code == 404
    )


# --- permissions -----------------------------------------------------------------------------


def test_union_rep_reads_aggregates_but_not_follow_up_details_or_free_text(world, scenario):
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            organisation=world.org,
            year=2025,
            satisfaction=5,
            usefulness=5,
            heard_from="union",
            recommend="yes",
            free_text=f"Hemlig fritext {i}",
        )
        for i in range(6)
    )
    rep = client_for(world.union_rep)
    assert rep.get(reverse("reports:dashboard")).status_code == 200
    assert rep.get(reverse("reports:fairness")).status_code == 200
    surveys = rep.get(reverse("reports:surveys") + "?year=2025").content.decode()
    assert "Hemlig fritext" not in surveys and "Alla svar" in surveys
    assert rep.get(reverse("followup:case", args=[scenario.a.pk])).status_code == 403
    coord = client_for(world.coordinator).get(reverse("reports:surveys") + "?year=2025")
    assert "Hemlig fritext 3" in coord.content.decode()
    for user in (world.employee, world.manager):
        assert client_for(user).get(reverse("reports:dashboard")).status_code == 403
        assert client_for(user).get("/api/v1/reports/annual/2025/figures").status_code == 403


def test_only_coordinator_and_admin_change_the_settings(world):
    assert client_for(world.union_rep).get(reverse("reports:settings")).status_code == 403
    c = client_for(world.admin)
    r = c.post(
        reverse("reports:settings"),
        {"unused_warning_percent": "35", "later_months": "6", "survey_reminder_days": "10"},
    )
    assert r.status_code == 302
    from lom.followup.selectors import followup_settings
    from lom.funds.selectors import unused_warning_percent

    assert unused_warning_percent(organisation=world.org) == 35
    assert followup_settings(organisation=world.org).later_months == 6
    r = c.post(
        reverse("reports:settings"),
        {"unused_warning_percent": "140", "later_months": "6", "survey_reminder_days": "10"},
    )
    assert r.status_code == 400 and 'class="error-summary"' in r.content.decode()


# --- exports ---------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_case_export_uses_the_list_filters_and_visibility(world, scenario):
    c = client_for(world.coordinator)
    rows = _csv(c.get(reverse("reports:export_cases_csv") + "?status=completed"))
    assert rows[0][:3] == ["Diarienummer", "Rubrik", "Status"]
    numbers = sorted(r[0] for r in rows[1:])
    assert numbers == sorted([scenario.a.number, scenario.c.number])
    a_row = next(r for r in rows if r[0] == scenario.a.number)
    assert a_row[11:14] == ["30000,00", "30000,00", "25000,00"]  # requested, approved, spent
    wb = load_workbook(io.BytesIO(c.get(reverse("reports:export_cases_xlsx") + "?q=Kurs").content))
    ws = wb.active
    data = list(ws.iter_rows(values_only=True))
    assert [r[1] for r in data[1:]] == ["Kurs A"]
    assert float(data[1][13]) == 25_000.0
    # The employee exports only their own cases, whatever they ask for.
    own = _csv(client_for(world.colleague).get(reverse("reports:export_cases_csv")))
    assert [r[1] for r in own[1:]] == ["Coachning B"]


def test_ledger_export_lists_every_entry_of_the_period(world, scenario):
    c = client_for(world.auditor)
    rows = _csv(c.get(reverse("reports:export_ledger_csv", args=[scenario.p1.pk])))
    assert len(rows) - 1 == LedgerEntry.objects.filter(period=scenario.p1).count() == 7
    assert rows[1][1] == "Tilldelning" and rows[1][4] == "100000,00"
    assert rows[1][0].startswith("2024-01-02")
    wb = load_workbook(
        io.BytesIO(c.get(reverse("reports:export_ledger_xlsx", args=[scenario.p1.pk])).content)
    )
    amounts = [float(r[4]) for r in list(wb.active.iter_rows(values_only=True))[1:]]
    assert sum(amounts) == 100_000 - 75_000 + 50_000 + 25_000 + 25_000  # signed movements
    assert (
        client_for(world.employee)
        .get(reverse("reports:export_ledger_csv", args=[scenario.p1.pk]))
        .status_code
        == 403
    )
    # Filtered like the list: only the releases (B withdrawn, A's unspent 5 000).
    releases = _csv(
        c.get(reverse("reports:export_ledger_csv", args=[scenario.p1.pk]) + "?kind=release")
    )
    assert sorted(r[4] for r in releases[1:]) == ["20000,00", "5000,00"]
    page = c.get(reverse("funds:period", args=[scenario.p1.pk]) + "?kind=release").content.decode()
    assert "?kind=release" in page and "Tilldelning för" not in page


def test_decision_list_filters_and_exports(world, scenario):
    c = client_for(world.decision_maker)
    page = c.get(reverse("reports:decisions") + "?year=2025").content.decode()
    assert scenario.d.number in page and scenario.a.number not in page
    assert "Exportera" in page
    rows = _csv(c.get(reverse("reports:export_decisions_csv") + "?year=2024&outcome=approved"))
    assert sorted(r[1] for r in rows[1:]) == sorted(
        [scenario.a.number, scenario.b.number, scenario.c.number]
    )
    assert {r[4] for r in rows[1:]} == {"30000,00", "20000,00", "40000,00"}


def test_csv_export_does_not_let_a_title_become_a_formula(world):
    case = new_case(world, world.employee, title='=HYPERLINK("x")', amount_ore=1000 * KR)
    rows = _csv(client_for(world.coordinator).get(reverse("reports:export_cases_csv")))
    assert next(r for r in rows if r[0] == case.number)[1] == '\'=HYPERLINK("x")'
    wb = load_workbook(
        io.BytesIO(client_for(world.coordinator).get(reverse("reports:export_cases_xlsx")).content)
    )
    cell = next(r for r in wb.active.iter_rows() if r[0].value == case.number)[1]
    assert cell.data_type == "s"


def test_exports_are_linked_from_the_lists(world, scenario):
    c = client_for(world.coordinator)
    assert (
        reverse("reports:export_cases_xlsx")
        in c.get(reverse("cases:list") + "?status=completed").content.decode()
    )
    period_page = c.get(reverse("funds:period", args=[scenario.p1.pk])).content.decode()
    assert reverse("reports:export_ledger_csv", args=[scenario.p1.pk]) in period_page


def test_entries_booked_on_new_years_eve_count_in_stockholm_time(world):
    """00:30 on 1 January in Stockholm is 23:30 UTC on 31 December: it belongs to the new
    year, because years are Stockholm years."""
    from datetime import datetime

    from django.utils import timezone

    case = grant(
        world,
        new_case(world, world.employee, title="Nyår", amount_ore=1000 * KR),
        world.period,
        at(2024, 6, 1),
    )
    book(case, "commitment", timezone.make_aware(datetime(2025, 1, 1, 0, 30)))
    fig24 = annual_figures(organisation=world.org, year=2024, today=TODAY)
    fig25 = annual_figures(organisation=world.org, year=2025, today=TODAY)
    assert fig24.use[0].total_dict()["granted"] == 0
    assert fig25.use[0].total_dict()["granted"] == 1000 * KR
