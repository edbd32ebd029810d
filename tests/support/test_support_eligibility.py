"""The basic condition for individual support: the pure rule at its boundaries, the employment
data import, the coordinator's recorded check and the employee's unrecorded self-check."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lom.common.errors import PermissionDeniedError
from lom.common.models import AuditEvent
from lom.support import eligibility as el
from lom.support import services
from lom.support.eligibility import MonthRecord, Thresholds, check_eligibility
from lom.support.imports import read_upload
from lom.support.models import EligibilityCheck, EligibilityRule, EmploymentMonth

T = Thresholds(
    year=2025,
    months_required=12,
    window_months=24,
    min_hours_per_week=Decimal(16),
    min_monthly_income_ore=18_575_00,
)
AS_OF = date(2025, 6, 15)  # window: 2023-07 .. 2025-06


def csv_rows(data: bytes):
    return read_upload(name="lon.csv", data=data)


def months_back(n: int, *, start: date = date(2025, 6, 1)) -> list[date]:
    return [el.add_months(start, -i) for i in range(n)]


def full(month: date, hours: str = "38", income: int = 30_000_00) -> MonthRecord:
    return MonthRecord(month=month, hours_per_week=Decimal(hours), income_ore=income)


def test_window_is_the_24_months_ending_with_the_month_of_the_date():
    r = check_eligibility(records=[], thresholds=T, as_of=AS_OF)
    assert (r.window_start, r.window_end) == (date(2023, 7, 1), date(2025, 6, 1))
    assert len(r.lines) == 24 and all(line.reason == el.MISSING for line in r.lines)
    assert r.counted_months == 0 and not r.eligible


@pytest.mark.parametrize(("n", "eligible"), [(11, False), (12, True), (13, True)])
def test_eleven_months_fail_twelve_pass(n, eligible):
    r = check_eligibility(records=[full(m) for m in months_back(n)], thresholds=T, as_of=AS_OF)
    assert r.counted_months == n
    assert r.eligible is eligible
    if eligible:
        assert "är uppfyllt" in r.conclusion
    else:
        assert "inte uppfyllt" in r.conclusion and "saknas 1 månader" in r.conclusion
        assert r.missing_months == 1


@pytest.mark.parametrize(
    ("hours", "counted", "reason"),
    [("15.9", False, el.BELOW), ("16", True, el.HOURS), ("16.0", True, el.HOURS)],
)
def test_hours_boundary_15_9_vs_16(hours, counted, reason):
    low_income = 10_000_00
    r = check_eligibility(
        records=[full(months_back(1)[0], hours, low_income)], thresholds=T, as_of=AS_OF
    )
    line = r.lines[-1]
    assert line.counted is counted and line.reason == reason
    if not counted:
        assert "15,9 timmar i veckan är under 16,0" in line.explanation


@pytest.mark.parametrize(
    ("income", "counted", "reason"),
    [(18_574_99, False, el.BELOW), (18_575_00, True, el.INCOME), (18_575_01, True, el.INCOME)],
)
def test_income_just_below_vs_at_the_minimum(income, counted, reason):
    r = check_eligibility(
        records=[full(months_back(1)[0], "10", income)], thresholds=T, as_of=AS_OF
    )
    line = r.lines[-1]
    assert line.counted is counted and line.reason == reason


def test_either_condition_is_enough_and_both_is_said():
    r = check_eligibility(records=[full(months_back(1)[0])], thresholds=T, as_of=AS_OF)
    assert r.lines[-1].reason == el.BOTH


def test_months_outside_the_window_do_not_count_and_are_listed():
    # 11 months inside the window, and 5 months just before it: still not eligible.
    inside = months_back(11)
    before = [el.add_months(date(2023, 7, 1), -i) for i in range(1, 6)]  # 2023-06 .. 2023-02
    after = [date(2025, 7, 1)]  # after the end of employment
    records = [full(m) for m in inside + before + after]
    r = check_eligibility(records=records, thresholds=T, as_of=AS_OF)
    assert r.counted_months == 11 and not r.eligible
    assert [line.month for line in r.outside] == sorted(before + after)
    assert all(line.reason == el.OUTSIDE and not line.counted for line in r.outside)


def test_oldest_month_of_the_window_counts_and_the_one_before_does_not():
    oldest = date(2023, 7, 1)
    r = check_eligibility(records=[full(oldest), full(date(2023, 6, 1))], thresholds=T, as_of=AS_OF)
    assert r.counted_months == 1 and r.lines[0].month == oldest and r.lines[0].counted
    assert r.outside[0].month == date(2023, 6, 1)


def test_gaps_do_not_count_but_months_need_not_be_consecutive():
    # Every other month over the 24: exactly 12 months, with gaps between them.
    records = [full(m) for m in months_back(24)[::2]]
    r = check_eligibility(records=records, thresholds=T, as_of=AS_OF)
    assert r.counted_months == 12 and r.eligible
    assert sum(1 for line in r.lines if line.reason == el.MISSING) == 12


def test_empty_month_record_counts_as_missing_and_duplicates_are_refused():
    r = check_eligibility(
        records=[MonthRecord(month=date(2025, 6, 1), hours_per_week=None, income_ore=None)],
        thresholds=T,
        as_of=AS_OF,
    )
    assert r.lines[-1].reason == el.MISSING
    with pytest.raises(ValueError):
        check_eligibility(
            records=[full(date(2025, 6, 1)), full(date(2025, 6, 20))], thresholds=T, as_of=AS_OF
        )


def test_thresholds_are_data_a_different_year_can_differ():
    strict = Thresholds(
        year=2030,
        months_required=6,
        window_months=12,
        min_hours_per_week=Decimal(20),
        min_monthly_income_ore=25_000_00,
        confirmed=False,
    )
    records = [full(m, "18", 24_000_00) for m in months_back(12)]
    r = check_eligibility(records=records, thresholds=strict, as_of=AS_OF)
    assert len(r.lines) == 12 and r.counted_months == 0
    assert r.notes and "inte bekräftade" in r.notes[0]
    assert r.as_json()["rule"]["min_monthly_income_ore"] == 25_000_00


# --- database: rules, import, checks ---------------------------------------------------------


def test_seeded_rule_rows_exist_with_the_known_year_confirmed(db):
    known = EligibilityRule.objects.get(year=2023)
    assert known.min_monthly_income_ore == 18_575_00 and known.confirmed
    assert known.months_required == 12 and known.window_months == 24
    assert known.min_hours_per_week == Decimal(16)
    assert EligibilityRule.objects.filter(year=2025, confirmed=False).exists()


def _rule(year: int, income: int = 18_575_00) -> EligibilityRule:
    rule, _ = EligibilityRule.objects.update_or_create(
        year=year,
        defaults={
            "months_required": 12,
            "window_months": 24,
            "min_hours_per_week": Decimal(16),
            "min_monthly_income_ore": income,
            "confirmed": True,
        },
    )
    return rule


CSV_OK = (
    "medarbetar_id;epost;månad;timmar_per_vecka;inkomst_kr\n"
    "{e};;2025-05;37,5;31 500\n"
    "{e};;2025-06;15,9;18574,99\n"
    ";{mail};2025-06;16;0\n"
)


def test_import_csv_creates_then_updates(world):
    coord = world.actor(world.coordinator)
    data = CSV_OK.format(e=world.employee_rec.pk, mail=world.colleague_rec.email).encode()
    result = services.employment_import(actor=coord, rows=csv_rows(data))
    assert result.imported and (result.created, result.updated) == (3, 0)
    m = EmploymentMonth.objects.get(employee=world.employee_rec, month=date(2025, 6, 1))
    assert m.hours_per_week == Decimal("15.9") and m.income_ore == 18_574_99
    assert EmploymentMonth.objects.get(employee=world.colleague_rec).income_ore == 0
    again = services.employment_import(actor=coord, rows=csv_rows(data.replace(b"37,5", b"20")))
    assert (again.created, again.updated) == (0, 3)
    assert EmploymentMonth.objects.get(
        employee=world.employee_rec, month=date(2025, 5, 1)
    ).hours_per_week == Decimal(20)
    assert AuditEvent.objects.filter(action="support.employment_import").count() == 2


def test_import_with_bad_rows_imports_nothing_and_names_every_bad_row(world, other_world):
    coord = world.actor(world.coordinator)
    data = (
        "medarbetar_id,månad,timmar_per_vecka,inkomst_kr\n"
        f"{world.employee_rec.pk},2025-05,38,30000\n"  # row 2: fine
        f"{other_world.employee_rec.pk},2025-05,38,30000\n"  # row 3: other organisation
        f"{world.employee_rec.pk},2025-13,38,30000\n"  # row 4: bad month
        f"{world.employee_rec.pk},2025-04,-1,abc\n"  # row 5: bad hours and income
        f"{world.employee_rec.pk},2025-05,38,30000\n"  # row 6: duplicate of row 2
        ",2025-05,38,30000\n"  # row 7: no employee
    ).encode()
    result = services.employment_import(actor=coord, rows=csv_rows(data))
    assert not result.imported
    assert [e.number for e in result.errors] == [3, 4, 5, 6, 7]
    assert "finns inte i organisationen" in result.errors[0].message
    assert "ÅÅÅÅ-MM" in result.errors[1].message
    assert "timmar" in result.errors[2].message and "inkomsten" in result.errors[2].message
    assert "rad 2" in result.errors[3].message
    assert EmploymentMonth.objects.count() == 0


def test_import_xlsx_is_read(world):
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Medarbetar-id", "Månad", "Timmar per vecka", "Inkomst kr"])
    ws.append([world.employee_rec.pk, date(2025, 3, 1), 40, 32000.5])
    buf = BytesIO()
    wb.save(buf)
    rows = read_upload(name="lon.xlsx", data=buf.getvalue())
    result = services.employment_import(actor=world.actor(world.coordinator), rows=rows)
    assert result.imported
    m = EmploymentMonth.objects.get(employee=world.employee_rec)
    assert m.month == date(2025, 3, 1) and m.income_ore == 32_000_50


def test_import_refused_for_other_roles(world):
    rows = csv_rows(CSV_OK.format(e=world.employee_rec.pk, mail="x@example.org").encode())
    for role in ("employee", "manager", "union_rep", "decision_maker", "auditor", "admin"):
        with pytest.raises(PermissionDeniedError):
            services.employment_import(actor=world.actor(world.users[role]), rows=rows)


def test_import_page_shows_row_errors_and_nothing_is_saved(world):
    c = Client()
    c.force_login(world.coordinator)
    bad = SimpleUploadedFile(
        "lon.csv",
        f"medarbetar_id;månad;timmar_per_vecka;inkomst_kr\n{world.employee_rec.pk};"
        "maj;38;30000\n".encode(),
    )
    r = c.post("/support/eligibility/import/", {"file": bad})
    body = r.content.decode()
    assert (
        r.status_code == 200 and "Ingenting lästes in" in body and '<th scope="row">2</th>' in body
    )
    assert EmploymentMonth.objects.count() == 0
    no_header = SimpleUploadedFile("lon.csv", b"a;b\n1;2\n")
    r = c.post("/support/eligibility/import/", {"file": no_header})
    assert "Filen saknar kolumner" in r.content.decode()


def _load_months(world, n: int, *, hours="38", as_of=date(2025, 6, 1)):
    for m in months_back(n, start=as_of):
        EmploymentMonth.objects.create(
            organisation=world.org,
            employee=world.employee_rec,
            month=m,
            hours_per_week=Decimal(hours),
            income_ore=10_000_00,
        )


def test_coordinator_check_is_recorded_with_who_whom_when_and_verdict(world):
    _rule(2025)
    _load_months(world, 12)
    coord = world.actor(world.coordinator)
    check, result = services.eligibility_check_record(
        actor=coord, employee=world.employee_rec, as_of=AS_OF
    )
    assert result.eligible and check.eligible and check.counted_months == 12
    assert check.checked_by == world.coordinator and check.employee == world.employee_rec
    assert check.rule_year == 2025 and check.reasoning["months"][-1]["counted"] is True
    assert AuditEvent.objects.filter(action="support.eligibility_check", target_id=check.pk)


def test_coordinator_check_uses_the_year_of_the_date(world):
    _rule(2025, income=18_575_00)
    _rule(2026, income=9_000_00)  # a lower minimum income: 10 000 kr months count in 2026
    _load_months(world, 12, hours="10", as_of=date(2026, 1, 1))
    coord = world.actor(world.coordinator)
    _c, r2026 = services.eligibility_check_record(
        actor=coord, employee=world.employee_rec, as_of=date(2026, 1, 31)
    )
    _c, r2025 = services.eligibility_check_record(
        actor=coord, employee=world.employee_rec, as_of=date(2025, 12, 31)
    )
    assert r2026.eligible and r2026.thresholds.year == 2026
    assert not r2025.eligible and r2025.thresholds.year == 2025


def test_coordinator_check_refused_for_other_roles_and_other_org(world, other_world):
    _rule(2025)
    for role in ("employee", "manager", "union_rep", "decision_maker", "auditor", "admin"):
        with pytest.raises(PermissionDeniedError):
            services.eligibility_check_record(
                actor=world.actor(world.users[role]), employee=world.employee_rec, as_of=AS_OF
            )
    with pytest.raises(PermissionDeniedError):
        services.eligibility_check_record(
            actor=world.actor(world.coordinator), employee=other_world.employee_rec, as_of=AS_OF
        )
    assert EligibilityCheck.objects.count() == 0


def test_coordinator_check_page_shows_reasoning_and_records(world, other_world):
    _rule(2025)
    _load_months(world, 11)
    c = Client()
    c.force_login(world.coordinator)
    url = f"/support/eligibility/employees/{world.employee_rec.pk}/"
    r = c.post(url, {"as_of": "2025-06-15"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "Grundvillkoret är inte uppfyllt" in body and "Det saknas 1 månader" in body
    assert "Inga uppgifter om anställning den här månaden." in body
    assert EligibilityCheck.objects.filter(employee=world.employee_rec, eligible=False).count() == 1
    assert c.get("/support/eligibility/").status_code == 200
    check = EligibilityCheck.objects.get()
    assert c.get(f"/support/eligibility/checks/{check.pk}/").status_code == 200
    # Another organisation's employee is a 404; the auditor reads but cannot check.
    assert (
        c.get(f"/support/eligibility/employees/{other_world.employee_rec.pk}/").status_code == 404
    )
    a = Client()
    a.force_login(world.auditor)
    assert a.get(f"/support/eligibility/checks/{check.pk}/").status_code == 200
    assert a.post(url, {"as_of": "2025-06-15"}).status_code == 403
    o = Client()
    o.force_login(other_world.coordinator)
    assert o.get(f"/support/eligibility/checks/{check.pk}/").status_code == 404


def test_missing_year_rule_is_a_clear_form_error(world):
    EligibilityRule.objects.filter(year=2031).delete()
    c = Client()
    c.force_login(world.coordinator)
    r = c.post(f"/support/eligibility/employees/{world.employee_rec.pk}/", {"as_of": "2031-03-01"})
    assert (
        r.status_code == 200 and "inga gränsvärden för grundvillkoret år 2031" in r.content.decode()
    )


def test_self_check_prefills_from_data_computes_and_stores_nothing(world):
    _rule(2025)
    _load_months(world, 3)
    c = Client()
    c.force_login(world.employee)
    r = c.get("/support/eligibility/self/?as_of=2025-06-15")
    body = r.content.decode()
    assert r.status_code == 200 and "sparas inte" in body
    assert len(re.findall(r'name="m-\d+-month"', body)) == 24  # 24 month rows
    assert 'value="38,0"' in body  # prefilled from the employment data
    data = {"as_of": "2025-06-15", "m-TOTAL_FORMS": "24", "m-INITIAL_FORMS": "24"}
    for i, m in enumerate(reversed(months_back(24))):
        data[f"m-{i}-month"] = m.isoformat()
        data[f"m-{i}-hours_per_week"] = "16" if i >= 12 else "15,9"
        data[f"m-{i}-income"] = ""
    audits_before = AuditEvent.objects.count()
    r = c.post("/support/eligibility/self/", data)
    body = r.content.decode()
    assert "Grundvillkoret är uppfyllt" in body and "12 av de senaste 24" in body
    assert EligibilityCheck.objects.count() == 0
    assert AuditEvent.objects.count() == audits_before
    assert EmploymentMonth.objects.filter(employee=world.employee_rec).count() == 3
    # A typing error keeps what was typed and names the row.
    data["m-5-hours_per_week"] = "sexton"
    r = c.post("/support/eligibility/self/", data)
    body = r.content.decode()
    assert "Något behöver rättas" in body and 'value="sexton"' in body and "Rad 6" in body


def test_self_check_is_for_employees_only(world):
    c = Client()
    c.force_login(world.coordinator)  # the coordinator of make_world is not an employee
    assert c.get("/support/eligibility/self/").status_code == 403


def test_api_self_check_and_coordinator_check(world):
    _rule(2025)
    _load_months(world, 12)
    c = Client()
    c.force_login(world.employee)
    months = [{"month": m.strftime("%Y-%m"), "hours_per_week": "16"} for m in months_back(11)]
    r = c.post(
        "/api/v1/support/eligibility/self-check",
        {"as_of": "2025-06-15", "months": months},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["eligible"] is False and r.json()["stored"] is False
    assert r.json()["counted_months"] == 11
    r = c.post(
        f"/api/v1/support/employees/{world.employee_rec.pk}/eligibility-checks",
        {"as_of": "2025-06-15"},
        content_type="application/json",
    )
    assert r.status_code == 403
    k = Client()
    k.force_login(world.coordinator)
    r = k.post(
        f"/api/v1/support/employees/{world.employee_rec.pk}/eligibility-checks",
        {"as_of": "2025-06-15"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["eligible"] is True
    r = k.get("/api/v1/support/eligibility-checks")
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    r = k.get(f"/api/v1/support/employees/{world.employee_rec.pk}/employment-months")
    assert r.status_code == 200 and len(r.json()["items"]) == 12
    bad = k.post(
        f"/api/v1/support/employees/{world.employee_rec.pk}/eligibility-checks",
        {"as_of": "not a date"},
        content_type="application/json",
    )
    assert 400 <= bad.status_code < 500


def test_rules_editable_only_by_the_fund_administrator(world):
    from lom.organisations.models import Organisation, Role
    from lom.organisations.services import membership_grant
    from tests.factories import UserFactory

    c = Client()
    c.force_login(world.admin)  # an employer's administrator: may read, not change
    assert c.get("/support/eligibility/rules/").status_code == 200
    assert c.post("/support/eligibility/rules/", {"year": 2030}).status_code == 403
    fund = Organisation.objects.create(name="Fonden", slug="fonden-x", kind="fund")
    fund_admin = UserFactory(username="fund-admin")
    membership_grant(actor=None, organisation=fund, user=fund_admin, role=Role.ORG_ADMIN)
    f = Client()
    f.force_login(fund_admin)
    r = f.post(
        "/support/eligibility/rules/",
        {
            "year": 2030,
            "months_required": 12,
            "window_months": 24,
            "min_hours_per_week": "16",
            "min_monthly_income": "19 000",
            "confirmed": "on",
        },
    )
    assert r.status_code == 302
    rule = EligibilityRule.objects.get(year=2030)
    assert rule.min_monthly_income_ore == 19_000_00 and rule.confirmed
    r = f.post(
        "/support/eligibility/rules/",
        {
            "year": 2030,
            "months_required": 30,
            "window_months": 24,
            "min_hours_per_week": "16",
            "min_monthly_income": "19000",
        },
    )
    assert r.status_code == 200 and "fler än ramtiden" in r.content.decode()
