"""The scopes of a figure (a calendar year, months, departments) and the case data that adds
the dimensions: money per case from the ledger, and each case's purpose, kind, unit and
primary measure type."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import connections, router
from django.db.models import (
    CharField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.models import MeasureType
from lom.cases.models import ApplicationKind, Case, Purpose
from lom.funds.models import EntryKind, LedgerEntry
from lom.organisations.models import Organisation, Unit

GROUP_KINDS = (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, 1 January next year) in Stockholm time, as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz)
    return start, end


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def department_path(unit_path: str) -> str:
    """'/3/17/42/' -> '/3/17/': the level under the top unit (the department)."""
    parts = [p for p in unit_path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/" if parts else unit_path


# Names every table of one bundle (a period's or a year's figures) looks up: inside
# `names_read_once(organisation)` the measure types' and the organisation's units' names are
# read together in one query the first time either is needed; outside it, afresh each call.
_NAMES: ContextVar[dict[str, Any] | None] = ContextVar("figure_names", default=None)


@contextmanager
def names_read_once(organisation: Organisation) -> Iterator[None]:
    token = _NAMES.set({"organisation_id": organisation.pk})
    try:
        yield
    finally:
        _NAMES.reset(token)


def _measure_type_names(rows: Iterable[tuple[Any, str]]) -> dict[int | None, str]:
    names: dict[int | None, str] = {int(pk): name for pk, name in rows}
    names[None] = _("Ingen insatstyp angiven")
    return names


def _shared_names(organisation_id: int) -> dict[str, Any]:
    """Both name maps of the bundle's organisation, read in one query on first use."""
    memo = _NAMES.get()
    assert memo is not None and memo["organisation_id"] == organisation_id
    if "units" not in memo:
        types = MeasureType.objects.annotate(
            key=Cast("id", CharField()), table=Value("type")
        ).values_list("key", "name", "table")
        units = (
            Unit.objects.filter(organisation_id=organisation_id)
            .annotate(table=Value("unit"))
            .values_list("path", "name", "table")
        )
        rows = list(types.order_by().union(units.order_by(), all=True))
        memo["types"] = _measure_type_names((k, n) for k, n, t in rows if t == "type")
        memo["units"] = {k: n for k, n, t in rows if t == "unit"}
    return memo


def _in_bundle(organisation_id: int) -> bool:
    memo = _NAMES.get()
    return memo is not None and memo["organisation_id"] == organisation_id


def unit_names(organisation: Organisation) -> dict[str, str]:
    if _in_bundle(organisation.pk):
        return dict(_shared_names(organisation.pk)["units"])
    return dict(Unit.objects.filter(organisation=organisation).values_list("path", "name"))


def department_name(units: dict[str, str], unit_path: str, *, or_path: bool = False) -> str:
    """The department's name ("" or, with `or_path`, its path when the unit is gone)."""
    dept = department_path(unit_path)
    return units.get(dept, dept if or_path else "")


def purpose_label(value: str) -> str:
    return str(Purpose(value).label) if value in Purpose.values else _("Ej angivet")


def kind_label(kind: str) -> str:
    return _("Gruppinsats") if kind in GROUP_KINDS else _("Enskild insats")


def measure_type_names() -> dict[int | None, str]:
    memo = _NAMES.get()
    if memo is not None:
        return dict(_shared_names(memo["organisation_id"])["types"])
    return _measure_type_names(MeasureType.objects.values_list("id", "name"))


# --- money per case, from the ledger --------------------------------------------------------


@dataclass
class CaseMoney:
    commitments: int = 0
    releases: int = 0
    spent: int = 0

    @property
    def granted(self) -> int:
        """Granted net of releases: committed (outstanding) + spent, as in `Balance.used`."""
        return self.commitments - self.releases


@dataclass(frozen=True)
class CaseInfo:
    purpose: str
    kind: str
    unit_path: str
    participant_count: int
    applicant_id: int | None
    requested_ore: int
    approved_ore: int | None
    measure_type_id: int | None
    spent_ore: int = 0


def case_money(entries: QuerySet[LedgerEntry]) -> dict[int, CaseMoney]:
    rows = (
        entries.filter(case__isnull=False)
        .values("case_id")
        .annotate(
            c=Sum("amount_ore", filter=Q(kind=EntryKind.COMMITMENT)),
            r=Sum("amount_ore", filter=Q(kind=EntryKind.RELEASE)),
            e=Sum("amount_ore", filter=Q(kind=EntryKind.EXPENSE)),
        )
        .order_by()
    )
    return {r["case_id"]: CaseMoney(r["c"] or 0, r["r"] or 0, r["e"] or 0) for r in rows}


# Ids passed to one `IN (...)` at most: a list of known ids is cheaper than repeating the
# subquery that found them, and this stays under every backend's limit of parameters.
ID_CHUNK = 5000


def primary_measure_types(case_ids: QuerySet[Any, Any] | Sequence[int]) -> dict[int, int]:
    """case id -> its first measure type (lowest sort order). A case with several types is
    counted once, under the first, so breakdowns add up to the totals. `case_ids`: a subquery,
    or a list of ids (read in chunks of ID_CHUNK)."""
    through = Case.measure_types.through
    if isinstance(case_ids, QuerySet):
        chunks: Iterable[Any] = [case_ids]
    else:
        ids = list(case_ids)
        chunks = (ids[i : i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK))
    best: dict[int, tuple[tuple[int, str], int]] = {}
    for chunk in chunks:
        rows = through.objects.filter(case_id__in=chunk).values_list(
            "case_id", "measuretype_id", "measuretype__sort_order", "measuretype__name"
        )
        for cid, mid, order, name in rows:
            if cid not in best or (order, name) < best[cid][0]:
                best[cid] = ((order, name), mid)
    return {cid: mid for cid, (_k, mid) in best.items()}


def primary_measure_type(case_ref: str) -> Subquery:
    """The case's first measure type (as `primary_measure_types`), as a correlated subquery
    on the outer query's `case_ref` field."""
    through = Case.measure_types.through
    return Subquery(
        through.objects.filter(case_id=OuterRef(case_ref))
        .order_by("measuretype__sort_order", "measuretype__name", "measuretype_id")
        .values("measuretype_id")[:1]
    )


def case_infos(case_ids: QuerySet[Any, Any]) -> dict[int, CaseInfo]:
    """The cases' dimensions, primary measure type and expenses (all of the case's ledger),
    in one query."""
    expenses = (
        LedgerEntry.objects.filter(case_id=OuterRef("pk"), kind=EntryKind.EXPENSE)
        .values("case_id")
        .annotate(s=Sum("amount_ore"))
        .values("s")
    )
    rows = (
        Case.objects.filter(pk__in=case_ids)
        .annotate(primary_type=primary_measure_type("pk"), spent=Subquery(expenses))
        .values_list(
            "id",
            "purpose",
            "kind",
            "unit_path",
            "participant_count",
            "applicant_id",
            "requested_ore",
            "approved_ore",
            "primary_type",
            "spent",
        )
    )
    return {
        r[0]: CaseInfo(r[1], r[2], r[3], r[4] or 0, r[5], r[6], r[7], r[8], r[9] or 0) for r in rows
    }


@dataclass(frozen=True)
class FundedCase:
    """A case with money in a ledger scope: the money and the dimensions of the breakdowns."""

    case_id: int
    purpose: str
    kind: str
    unit_path: str
    participant_count: int
    applicant_id: int | None
    measure_type_id: int | None
    money: CaseMoney


def funded_cases(organisation: Organisation, **scope: Any) -> list[FundedCase]:
    """Every case of `organisation` with ledger entries in the scope (ledger lookups, e.g.
    `period=p` or `created_at__gte=…, created_at__lt=…`): its commitments, releases and
    expenses, its dimensions and its primary measure type, in one query. The ledger is
    grouped by case first; the case's columns and its first measure type are then read once
    per case (a correlated subquery on the grouped rows, not on every ledger row). The
    breakdowns of use and fairness group these rows; the ledger is read once for both."""
    grouped = (
        LedgerEntry.objects.filter(organisation=organisation, case__isnull=False, **scope)
        .values("case_id")
        .annotate(
            c=Sum("amount_ore", filter=Q(kind=EntryKind.COMMITMENT)),
            r=Sum("amount_ore", filter=Q(kind=EntryKind.RELEASE)),
            e=Sum("amount_ore", filter=Q(kind=EntryKind.EXPENSE)),
        )
        .order_by()
    )
    # The database the router reads the ledger from (a replica inside `reading_from_replica`).
    connection = connections[router.db_for_read(LedgerEntry)]
    inner, params = grouped.query.get_compiler(connection=connection).as_sql()
    case_table = connection.ops.quote_name(Case._meta.db_table)
    through = Case.measure_types.through
    through_table = connection.ops.quote_name(through._meta.db_table)
    type_table = connection.ops.quote_name(MeasureType._meta.db_table)
    sql = f"""
        SELECT g.case_id, k.purpose, k.kind, k.unit_path, k.participant_count, k.applicant_id,
               g.c, g.r, g.e,
               (SELECT t.measuretype_id FROM {through_table} t
                  JOIN {type_table} m ON m.id = t.measuretype_id
                 WHERE t.case_id = g.case_id
                 ORDER BY m.sort_order, m.name, t.measuretype_id LIMIT 1)
          FROM ({inner}) g JOIN {case_table} k ON k.id = g.case_id
         WHERE k.organisation_id = %s"""  # noqa: S608 (names are ours)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, organisation.pk])
        rows = cursor.fetchall()
    return [
        FundedCase(
            case_id=case_id,
            purpose=purpose,
            kind=kind,
            unit_path=unit_path,
            participant_count=participants or 0,
            applicant_id=applicant_id,
            measure_type_id=type_id,
            money=CaseMoney(int(c or 0), int(r or 0), int(e or 0)),
        )
        for case_id, purpose, kind, unit_path, participants, applicant_id, c, r, e, type_id in rows
    ]
