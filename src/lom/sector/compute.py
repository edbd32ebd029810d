"""Computing the sector benchmark for one year: every organisation at once, in grouped
queries (a fixed number of queries whatever the number of organisations), never a loop of
queries per organisation. The result is cached in BenchmarkValue by lom.sector.services.

The figures reuse the definitions of the reports, so an organisation's own value here is
the one its own reports show:
- money used: `Balance.used / Balance.available` of the fund periods that overlap the year
  (lom.funds.selectors.balances_for_periods, one grouped query over the ledger);
- measures that received money in the year: cases with a net grant or an expense in the
  year's ledger entries (lom.reports.figures.case_money, as `use_tables` counts them);
  group measures are `GROUP_KINDS`;
- staff reached: named applicants of individual measures granted money in the year, against
  the active staff employed by the year's end, by gender and by the reports' age bands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from lom.cases.models import Case
from lom.funds.models import FundPeriod, LedgerEntry
from lom.funds.selectors import balances_for_periods
from lom.organisations.models import Employee, Organisation
from lom.organisations.selectors import active_employee_counts, size_band
from lom.reports.figures import GROUP_KINDS, MIN_CELL, age_band, case_money, year_bounds

MONEY_USED = "money_used"
APPLICATIONS = "applications_per_100"
PARTICIPANTS = "participants_per_100"
GROUP_SHARE = "group_share"
COST = "cost_per_participant"
REACH_GENDER = "reach_gender"
REACH_AGE = "reach_age"
METRICS = (MONEY_USED, APPLICATIONS, PARTICIPANTS, GROUP_SHARE, COST, REACH_GENDER, REACH_AGE)

# A staff group smaller than this in an organisation does not contribute a reach share:
# a share of 1-4 people says more about the people than about the organisation.
MIN_STAFF_IN_CELL = MIN_CELL


@dataclass(frozen=True)
class OrgValue:
    organisation_id: int
    kind: str
    size_band: str
    metric: str
    cell: str
    value: float
    own_hidden: bool = False


def compute_year(*, year: int) -> list[OrgValue]:
    since, until = year_bounds(year)
    year_end = date(year, 12, 31)
    orgs = {
        o.pk: o
        for o in Organisation.objects.exclude(kind=Organisation.Kind.FUND).only("id", "kind")
    }
    heads = active_employee_counts(organisation_ids=list(orgs))
    orgs = {pk: o for pk, o in orgs.items() if heads.get(pk, 0) > 0}
    bands = {pk: size_band(heads[pk]) for pk in orgs}
    out: list[OrgValue] = []

    def add(org_id: int, metric: str, value: float, cell: str = "", hidden: bool = False):
        o = orgs[org_id]
        out.append(OrgValue(org_id, o.kind, bands[org_id], metric, cell, float(value), hidden))

    # 1. Share of the year's money used, from the balances of the periods of the year.
    periods = list(
        FundPeriod.objects.filter(
            organisation_id__in=list(orgs), start__lte=year_end, end__gte=date(year, 1, 1)
        ).only("id", "organisation_id")
    )
    balances = balances_for_periods(periods=periods)
    available: dict[int, int] = defaultdict(int)
    used: dict[int, int] = defaultdict(int)
    for p in periods:
        b = balances[p.pk]
        available[p.organisation_id] += b.available
        used[p.organisation_id] += b.used
    for org_id, avail in available.items():
        if avail > 0:
            add(org_id, MONEY_USED, 100 * used[org_id] / avail)

    # 2. Applications submitted in the year, per 100 employees.
    submitted = dict(
        Case.objects.filter(
            organisation_id__in=list(orgs), submitted_at__gte=since, submitted_at__lt=until
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organisation_id", "n")
    )
    for org_id in orgs:
        add(org_id, APPLICATIONS, 100 * submitted.get(org_id, 0) / heads[org_id])

    # 3. Measures that received money in the year: participants, group share, cost.
    entries = LedgerEntry.objects.filter(
        organisation_id__in=list(orgs), created_at__gte=since, created_at__lt=until
    )
    money = case_money(entries)
    case_rows = Case.objects.filter(
        pk__in=entries.filter(case__isnull=False).values("case_id")
    ).values_list("id", "organisation_id", "kind", "participant_count", "applicant_id")
    # cases, group cases, participants, granted
    funded: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    recipients: dict[int, set[int]] = defaultdict(set)
    for cid, org_id, kind, participants, applicant_id in case_rows.iterator(chunk_size=5000):
        m = money.get(cid)
        if m is None or (m.granted == 0 and m.spent == 0):
            continue
        f = funded[org_id]
        f[0] += 1
        f[1] += kind in GROUP_KINDS
        f[2] += participants or 0
        f[3] += m.granted
        if kind not in GROUP_KINDS and applicant_id is not None and m.granted > 0:
            recipients[org_id].add(applicant_id)
    for org_id in orgs:
        cases, group, participants, granted = funded.get(org_id, (0, 0, 0, 0))
        add(org_id, PARTICIPANTS, 100 * participants / heads[org_id])
        if cases:
            add(org_id, GROUP_SHARE, 100 * group / cases)
        if participants:
            add(org_id, COST, granted / participants)

    # 4. Staff reached, by gender and age band (staff: active and employed by the year's end,
    # plus every recipient, as the fairness table of the annual report counts them).
    staff_q = Q(active=True, employment_start__lte=year_end)
    staff: dict[tuple[int, str, str], int] = defaultdict(int)
    reached: dict[tuple[int, str, str], int] = defaultdict(int)
    all_recipients = {e for ids in recipients.values() for e in ids}
    rows = (
        Employee.objects.filter(organisation_id__in=list(orgs))
        .filter(staff_q)
        .values_list("organisation_id", "gender", "birth_year")
        .annotate(n=Count("id"))
        .order_by()
    )
    for org_id, gender, birth_year, n in rows:
        staff[(org_id, REACH_GENDER, gender)] += n
        staff[(org_id, REACH_AGE, str(age_band(year - birth_year)[0]))] += n
    ids = sorted(all_recipients)
    for i in range(0, len(ids), 5000):  # batches keep within SQLite's parameter limit
        recipient_rows = Employee.objects.filter(pk__in=ids[i : i + 5000]).values_list(
            "organisation_id", "gender", "birth_year", "active", "employment_start"
        )
        for org_id, gender, birth_year, active, start in recipient_rows:
            age_cell = str(age_band(year - birth_year)[0])
            reached[(org_id, REACH_GENDER, gender)] += 1
            reached[(org_id, REACH_AGE, age_cell)] += 1
            if not (active and start <= year_end):
                staff[(org_id, REACH_GENDER, gender)] += 1
                staff[(org_id, REACH_AGE, age_cell)] += 1
    for (org_id, metric, cell), n_staff in staff.items():
        if org_id not in orgs or n_staff < MIN_STAFF_IN_CELL:
            continue
        n = reached.get((org_id, metric, cell), 0)
        add(org_id, metric, 100 * n / n_staff, cell, hidden=0 < n < MIN_CELL)
    return out
