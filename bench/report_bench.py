"""How long the reports take for a large organisation: 10 000 employees, 5 000 cases.

    .venv/bin/python bench/report_bench.py                      # SQLite file in var/
    DATABASE_URL=postgres://…/lom_bench .venv/bin/python bench/report_bench.py
    .venv/bin/python bench/report_bench.py --employees 20000 --cases 10000 --runs 3

Builds one synthetic organisation with bulk_create (a year of decisions, ledger entries,
follow-ups and survey answers, plus a fund period spanning into the next year), then times
the figures (the dashboard of a period, the fairness view, the whole annual report), the
Excel workbook and the PDF, and a 5 000-row case export. Not a test: it prints figures for
docs/reports.md. Each run adds a new organisation; point it at a scratch database."""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(database_url: str | None) -> str:
    for p in (str(ROOT / "src"), str(ROOT)):
        if p not in sys.path:
            sys.path.insert(0, p)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    elif not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "lom_report_bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-use-in-production")
    os.environ.setdefault("LOM_BASE_URL", "http://127.0.0.1:8000")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lom.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


OCCUPATIONS = [
    "Handläggare",
    "Utredare",
    "IT-specialist",
    "Administratör",
    "Jurist",
    "Analytiker",
    "Chef",
    "Kommunikatör",
    "Ekonom",
    "Inspektör",
    "Registrator",
    "Controller",
]


def build(*, employees: int, cases: int, year: int, seed: int = 1):
    """The synthetic organisation. Returns (organisation, coordinator user, periods)."""
    from django.db import transaction
    from django.utils import timezone

    from lom.accounts.models import User
    from lom.agreements.models import MeasureType
    from lom.cases.models import ApplicationKind, Case, Decision, Purpose, Status
    from lom.followup.models import FollowUp, Outcome, ParticipantOutcome, SurveyResponse
    from lom.funds.models import EntryKind, FundPeriod, LedgerEntry
    from lom.funds.services import fund_carry_over, fund_period_create, period_totals_sync
    from lom.organisations.models import Employee, Membership, Organisation, Role, Unit

    rnd = random.Random(seed)
    tz = timezone.get_default_timezone()

    def at(d: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime(d.year, d.month, d.day, hour), tz)

    stamp = f"{int(time.time())}"
    with transaction.atomic():
        org = Organisation.objects.create(name=f"Benchmyndigheten {stamp}", slug=f"bench-{stamp}")
        top = Unit.objects.create(organisation=org, name="Benchmyndigheten")
        top.path = f"/{top.pk}/"
        top.save(update_fields=["path"])
        leaves = []
        for d in range(10):
            dept = Unit.objects.create(organisation=org, parent=top, name=f"Avdelning {d + 1}")
            dept.path = f"{top.path}{dept.pk}/"
            dept.save(update_fields=["path"])
            for s in range(5):
                u = Unit.objects.create(
                    organisation=org, parent=dept, name=f"Enhet {d + 1}.{s + 1}"
                )
                u.path = f"{dept.path}{u.pk}/"
                u.save(update_fields=["path"])
                leaves.append(u)
        Employee.objects.bulk_create(
            [
                Employee(
                    organisation=org,
                    unit=leaves[i % len(leaves)],
                    first_name="Anställd",
                    last_name=str(i),
                    occupational_group=rnd.choice(OCCUPATIONS),
                    employment_start=date(year, 1, 1) - timedelta(days=rnd.randint(30, 14000)),
                    birth_year=rnd.randint(year - 66, year - 21),
                    gender=rnd.choice("FFMMFMFMX" if i % 50 == 0 else "FM"),
                    active=True,
                )
                for i in range(employees)
            ],
            batch_size=2000,
        )
        emps = list(Employee.objects.filter(organisation=org).values_list("id", "unit_id"))
        unit_path = {u.pk: u.path for u in leaves}
        user = User.objects.create(username=f"bench-coordinator-{stamp}")
        Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)

        p1 = fund_period_create(
            actor=None,
            organisation=org,
            name=f"LOM {year}",
            start=date(year, 1, 1),
            end=date(year, 12, 31),
            method=FundPeriod.Method.FIXED_POT,
            fixed_amount_ore=250_000_000_00,
        )
        LedgerEntry.objects.filter(period=p1).update(created_at=at(date(year, 1, 1), 0))
        p2 = fund_period_create(
            actor=None,
            organisation=org,
            name=f"LOM {year + 1}",
            start=date(year + 1, 1, 1),
            end=date(year + 1, 12, 31),
            method=FundPeriod.Method.FIXED_POT,
            fixed_amount_ore=200_000_000_00,
            previous=p1,
        )
        types = list(MeasureType.objects.all())
        statuses = (
            [Status.COMPLETED] * 40
            + [Status.IN_PROGRESS] * 20
            + [Status.APPROVED] * 10
            + [Status.REJECTED] * 10
            + [Status.SUBMITTED] * 10
            + [Status.WITHDRAWN] * 5
            + [Status.DRAFT] * 5
        )
        case_rows = []
        for i in range(cases):
            status = rnd.choice(statuses)
            group = rnd.random() < 0.15
            emp_id, unit_id = rnd.choice(emps)
            submitted = date(year, 1, 1) + timedelta(days=rnd.randint(0, 330))
            decided = submitted + timedelta(days=rnd.randint(3, 25))
            requested = rnd.randrange(5_000, 60_000, 500) * 100
            funded = status in (Status.COMPLETED, Status.IN_PROGRESS, Status.APPROVED)
            decided_status = funded or status in (Status.REJECTED, Status.WITHDRAWN)
            case_rows.append(
                Case(
                    organisation=org,
                    number=f"{year}-{i + 1:05d}" if status != Status.DRAFT else "",
                    status=status,
                    kind=ApplicationKind.GROUP if group else ApplicationKind.INDIVIDUAL,
                    title=f"Insats {i}",
                    applicant_id=None if group else emp_id,
                    unit_id=unit_id,
                    unit_path=unit_path[unit_id],
                    created_by=user,
                    purpose=rnd.choice(Purpose.values),
                    business_need="Förändrade krav.",
                    description="Kurs.",
                    participant_count=rnd.randint(3, 20) if group else 1,
                    requested_ore=requested,
                    approved_ore=requested if funded or status == Status.WITHDRAWN else None,
                    period=p1 if funded or status == Status.WITHDRAWN else None,
                    submitted_at=at(submitted) if status != Status.DRAFT else None,
                    decided_at=at(decided) if decided_status else None,
                )
            )
        Case.objects.bulk_create(case_rows, batch_size=1000)
        created = list(Case.objects.filter(organisation=org).order_by("id"))
        through = Case.measure_types.through
        through.objects.bulk_create(
            [through(case_id=c.pk, measuretype_id=rnd.choice(types).pk) for c in created],
            batch_size=5000,
        )
        decisions, entries, booked, followups, outcomes = [], [], [], [], []
        for c in created:
            if c.decided_at is None:
                continue
            approved = c.status != Status.REJECTED
            decisions.append(
                Decision(
                    case=c,
                    outcome=Decision.Outcome.APPROVED if approved else Decision.Outcome.REJECTED,
                    amount_ore=c.approved_ore if approved else None,
                    reasoning="Bench.",
                    decision_model="hr_decides",
                    decided_by=user,
                )
            )
            if not approved:
                continue
            day = timezone.localdate(c.decided_at)

            def entry(kind, amount, when, case=c):
                entries.append(
                    LedgerEntry(
                        organisation=org, period=p1, kind=kind, amount_ore=amount, case=case
                    )
                )
                booked.append(min(when, date(year, 12, 31)))

            entry(EntryKind.COMMITMENT, c.approved_ore, day)
            if c.status == Status.WITHDRAWN:
                entry(EntryKind.RELEASE, c.approved_ore, day + timedelta(days=20))
                continue
            if c.status in (Status.IN_PROGRESS, Status.COMPLETED):
                spent = c.approved_ore * rnd.randint(60, 100) // 100
                entry(EntryKind.EXPENSE, spent, day + timedelta(days=rnd.randint(20, 90)))
                if c.status == Status.COMPLETED:
                    done = day + timedelta(days=rnd.randint(90, 150))
                    if spent < c.approved_ore:
                        entry(EntryKind.RELEASE, c.approved_ore - spent, done)
                    if rnd.random() < 0.7:
                        followups.append(
                            FollowUp(
                                organisation=org,
                                case=c,
                                kind=FollowUp.Kind.END,
                                need_met=rnd.choice(["yes", "yes", "partly", "no"]),
                                recorded_by=user,
                                recorded_at=at(min(done + timedelta(days=14), date(year, 12, 31))),
                            )
                        )
        Decision.objects.bulk_create(decisions, batch_size=2000)
        decided_by_day: dict[date, list[int]] = {}
        for d in decisions:
            decided_by_day.setdefault(timezone.localdate(d.case.decided_at), []).append(d.pk)
        for day, ids in decided_by_day.items():
            Decision.objects.filter(pk__in=ids).update(decided_at=at(day))
        LedgerEntry.objects.bulk_create(entries, batch_size=2000)
        period_totals_sync(period_ids=[p1.pk])  # the rows above bypassed ledger_post
        # created_at is auto_now_add, so the insert wrote "now": book each entry on its day.
        by_day: dict[date, list[int]] = {}
        for e, day in zip(entries, booked, strict=True):
            by_day.setdefault(day, []).append(e.pk)
        for day, ids in by_day.items():
            LedgerEntry.objects.filter(pk__in=ids).update(created_at=at(day))
        FollowUp.objects.bulk_create(followups, batch_size=2000)
        for f in FollowUp.objects.filter(organisation=org).select_related("case"):
            if f.case.applicant_id:
                outcomes.append(
                    ParticipantOutcome(
                        followup=f,
                        employee_id=f.case.applicant_id,
                        outcome=rnd.choice(Outcome.values),
                    )
                )
            else:
                outcomes.append(
                    ParticipantOutcome(
                        followup=f, outcome=Outcome.SAME_ROLE, count=f.case.participant_count
                    )
                )
        ParticipantOutcome.objects.bulk_create(outcomes, batch_size=2000)
        SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    organisation=org,
                    year=year,
                    period=p1,
                    purpose=rnd.choice(Purpose.values),
                    measure_type=rnd.choice(types),
                    satisfaction=rnd.randint(2, 5),
                    usefulness=rnd.randint(2, 5),
                    heard_from=rnd.choice(["manager", "hr", "union", "colleague", "intranet"]),
                    recommend=rnd.choice(["yes", "yes", "no", "unsure"]),
                    free_text="",
                )
                for _i in range(len(followups) // 2)
            ],
            batch_size=2000,
        )
    fund_carry_over(actor=None, source=p1, target=p2)
    LedgerEntry.objects.filter(period__in=[p1, p2], kind=EntryKind.CARRY_OVER).update(
        created_at=at(date(year + 1, 1, 1), 0)
    )
    return org, user, p1, p2


def timed(fn, runs: int):
    times, result = [], None
    for _i in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = setup(args.database_url)

    from django.db import connection
    from django.utils import timezone

    from lom.cases.selectors import CaseFilter
    from lom.funds.models import LedgerEntry
    from lom.organisations.access import actor_for
    from lom.reports.documents import annual_report_pdf, annual_report_xlsx
    from lom.reports.exports import cases_export, xlsx_bytes
    from lom.reports.figures import annual_figures, fairness_figures, period_figures

    today = timezone.localdate()
    year = today.year - 1
    t = time.perf_counter()
    org, user, p1, _p2 = build(employees=args.employees, cases=args.cases, year=year)
    build_s = time.perf_counter() - t
    with connection.cursor() as cur:  # fresh statistics, as autovacuum would have by now
        cur.execute("ANALYZE")
    entries = LedgerEntry.objects.filter(organisation=org).count()
    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(
        f"built in {build_s:.1f} s: {args.employees} employees, {args.cases} cases, "
        f"{entries} ledger entries (year {year})"
    )

    actor = actor_for(user=user, organisation_id=org.pk)
    rows = []
    fig, times = timed(lambda: annual_figures(organisation=org, year=year, today=today), args.runs)
    rows.append(("annual report figures (all tables)", times))
    _f, times = timed(lambda: period_figures(organisation=org, period=p1, today=today), args.runs)
    rows.append(("dashboard figures (one period)", times))
    _f, times = timed(lambda: fairness_figures(organisation=org, year=year), args.runs)
    rows.append(("fairness view", times))
    xlsx, times = timed(lambda: annual_report_xlsx(fig), args.runs)
    rows.append(("annual report workbook (XLSX)", times))
    pdf, times = timed(lambda: annual_report_pdf(fig), args.runs)
    rows.append(("annual report PDF", times))
    export, times = timed(
        lambda: xlsx_bytes(cases_export(actor=actor, filters=CaseFilter())), args.runs
    )
    rows.append((f"case list export, XLSX ({args.cases} rows)", times))
    print()
    print(f"{'step':45} {'median':>8} {'min':>8} {'max':>8}   (seconds, {args.runs} runs)")
    for name, ts in rows:
        print(f"{name:45} {statistics.median(ts):8.2f} {min(ts):8.2f} {max(ts):8.2f}")
    decisions = next(t for t in fig.tables() if t.key == "decisions")
    print()
    pages = "?"
    if shutil.which("pdfinfo"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
            pages = next(
                (ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages")), "?"
            )
    print(
        f"PDF {pages} pages, {len(pdf) / 1024:.0f} KiB, workbook {len(xlsx) / 1024:.0f} KiB "
        f"({len(fig.tables()) + 1} sheets), {len(decisions.rows)} decisions in the year, "
        f"case export {len(export) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
