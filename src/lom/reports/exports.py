"""Exports of the lists (cases, a period's ledger, decisions) to CSV and Excel.

Each export reads the same selector as its list page, with the same filters, so a user never
exports more than they can see. Both formats are written by the one writer (lom.common.files:
CSV the way Swedish Excel opens it, text never a formula) and stream or build in bounded
memory."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lom.cases.models import ApplicationKind, Case, Decision, Purpose, Status
from lom.cases.selectors import CaseFilter, cases_filtered, cases_visible
from lom.common import files
from lom.common.replica import rows_from_replica
from lom.funds.models import EntryKind, FundPeriod, LedgerEntry
from lom.organisations.access import Actor
from lom.reports.documents import XLSX_FORMATS, xlsx_value
from lom.reports.figures import COUNT, DATE, MONEY, Column, year_bounds
from lom.reports.models import ReportJob

DATETIME = "datetime"
CHUNK = 2000


@dataclass
class Export:
    name: str  # file name without extension
    title: str
    columns: list[Column]
    rows: Iterable[list[Any]]


# --- what is exported -------------------------------------------------------------------------


def _spent_subquery():
    return Subquery(
        LedgerEntry.objects.filter(case=OuterRef("pk"), kind=EntryKind.EXPENSE)
        .values("case")
        .annotate(s=Sum("amount_ore"))
        .values("s")[:1]
    )


def cases_export(*, actor: Actor, filters: CaseFilter) -> Export:
    cases = cases_filtered(actor=actor, filters=filters)
    qs = (
        cases.select_related("applicant", "unit")
        .annotate(spent_ore=_spent_subquery())
        .defer("business_need", "description", "private_reason")
        .order_by("-submitted_at", "-id")
    )
    # Labels and measure types looked up once, not per row (5 000 rows in about a second).
    statuses, kinds, purposes = (
        {k: str(v) for k, v in choices}
        for choices in (Status.choices, ApplicationKind.choices, Purpose.choices)
    )

    @rows_from_replica
    def rows() -> Iterator[list[Any]]:
        types: dict[int, list[str]] = {}
        for case_id, name in (
            Case.measure_types.through.objects.filter(case__in=cases.values("pk"))
            .order_by("measuretype__sort_order", "measuretype__name")
            .values_list("case_id", "measuretype__name")
        ):
            types.setdefault(case_id, []).append(name)
        for c in qs.iterator(chunk_size=CHUNK):
            yield [
                c.number,
                c.title,
                statuses.get(c.status, c.status),
                kinds.get(c.kind, c.kind),
                c.applicant.full_name if c.applicant else "",
                c.unit.name,
                purposes.get(c.purpose, ""),
                ", ".join(types.get(c.pk, ())),
                c.participant_count,
                c.start_date,
                c.end_date,
                c.requested_ore,
                c.approved_ore,
                c.spent_ore or 0,
                c.submitted_at,
                c.decided_at,
            ]

    return Export(
        name=f"arenden-{timezone.localdate():%Y%m%d}",
        title=_("Ärenden"),
        columns=[
            Column("number", _("Diarienummer")),
            Column("title", _("Rubrik")),
            Column("status", _("Status")),
            Column("kind", _("Typ av ansökan")),
            Column("applicant", _("Sökande")),
            Column("unit", _("Enhet")),
            Column("purpose", _("Syfte")),
            Column("measure_types", _("Insatstyper")),
            Column("participants", _("Antal deltagare"), COUNT),
            Column("start", _("Startdatum"), DATE),
            Column("end", _("Slutdatum"), DATE),
            Column("requested", _("Sökt belopp"), MONEY),
            Column("approved", _("Beviljat belopp"), MONEY),
            Column("spent", _("Förbrukat"), MONEY),
            Column("submitted", _("Inskickad"), DATETIME),
            Column("decided", _("Beslutad"), DATETIME),
        ],
        rows=rows(),
    )


def ledger_export(*, period: FundPeriod, kind: str = "") -> Export:
    qs = (
        LedgerEntry.objects.filter(period=period)
        .select_related("case", "created_by")
        .order_by("created_at", "id")
    )
    if kind:
        qs = qs.filter(kind=kind)  # the same filter as the ledger list (funds.LedgerFilterForm)

    kinds = {k: str(v) for k, v in EntryKind.choices}
    # The rows are written after the view returns: the memos in the language of the request.
    language = translation.get_language()

    @rows_from_replica
    def rows() -> Iterator[list[Any]]:
        for e in qs.iterator(chunk_size=CHUNK):
            yield [
                e.created_at,
                kinds.get(e.kind, e.kind),
                e.case.number if e.case else "",
                e.memo_in(language),
                e.amount_ore,
                str(e.created_by) if e.created_by else "",
            ]

    return Export(
        name=f"huvudbok-{period.pk}-{timezone.localdate():%Y%m%d}",
        title=_("Huvudbok: %(name)s") % {"name": period.name},
        columns=[
            Column("date", _("Datum"), DATETIME),
            Column("kind", _("Typ")),
            Column("case", _("Ärende")),
            Column("memo", _("Text")),
            Column("amount", _("Belopp"), MONEY),
            Column("by", _("Av")),
        ],
        rows=rows(),
    )


@dataclass
class DecisionFilter:
    year: int | None = None
    outcome: str = ""
    q: str = ""


def decisions_visible(*, actor: Actor, filters: DecisionFilter) -> QuerySet[Decision]:
    """Decisions of the cases the actor can see, filtered like the decision list."""
    qs = Decision.objects.filter(case__in=cases_visible(actor=actor).values("pk"))
    if filters.year:
        since, until = year_bounds(filters.year)
        qs = qs.filter(decided_at__gte=since, decided_at__lt=until)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(case__number__startswith=term) | Q(case__title__icontains=term))
    return qs.select_related("case", "decided_by").order_by("-decided_at", "-id")


def decisions_export(*, actor: Actor, filters: DecisionFilter) -> Export:
    qs = decisions_visible(actor=actor, filters=filters)

    outcomes = {k: str(v) for k, v in Decision.Outcome.choices}

    @rows_from_replica
    def rows() -> Iterator[list[Any]]:
        for d in qs.iterator(chunk_size=CHUNK):
            yield [
                d.decided_at,
                d.case.number,
                d.case.title,
                outcomes.get(d.outcome, d.outcome),
                d.amount_ore,
                d.decision_model,
                str(d.decided_by),
                d.reasoning,
            ]

    return Export(
        name=f"beslut-{timezone.localdate():%Y%m%d}",
        title=_("Beslut"),
        columns=[
            Column("date", _("Beslutad"), DATETIME),
            Column("number", _("Diarienummer")),
            Column("title", _("Rubrik")),
            Column("outcome", _("Beslut")),
            Column("amount", _("Beviljat belopp"), MONEY),
            Column("model", _("Beslutsmodell")),
            Column("by", _("Beslutsfattare")),
            Column("reasoning", _("Motivering")),
        ],
        rows=rows(),
    )


# --- how it is written (through the one writer, lom.common.files) -----------------------------


def _csv_value(value: Any, kind: str) -> Any:
    """Money as kronor with a decimal comma (12500,00), times in Stockholm time."""
    if value is None:
        return None
    if kind == MONEY:
        return Decimal(int(value)).scaleb(-2)
    if kind == DATETIME:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return value


def csv_response(export: Export) -> StreamingHttpResponse:
    return files.csv_response(
        f"{export.name}.csv",
        [str(c.label) for c in export.columns],
        (
            [_csv_value(v, c.kind) for v, c in zip(row, export.columns, strict=True)]
            for row in export.rows
        ),
    )


def _xlsx_value(value: Any, kind: str) -> Any:
    if kind == DATETIME:
        # A naive local datetime; openpyxl gives it a date-time format.
        return timezone.localtime(value).replace(tzinfo=None) if value else None
    return xlsx_value(value, kind)[0]


def xlsx_bytes(export: Export) -> bytes:
    book = files.XlsxBook()
    book.table(
        export.title,
        [files.XlsxColumn(str(c.label), XLSX_FORMATS.get(c.kind)) for c in export.columns],
        (
            [_xlsx_value(v, c.kind) for v, c in zip(row, export.columns, strict=True)]
            for row in export.rows
        ),
    )
    return book.to_bytes()


def xlsx_response(export: Export) -> HttpResponse:
    return files.xlsx_response(f"{export.name}.xlsx", xlsx_bytes(export))


def export_response(export: Export, fmt: str) -> HttpResponse | StreamingHttpResponse:
    return xlsx_response(export) if fmt == "xlsx" else csv_response(export)


# --- the annual report's files, as stored -----------------------------------------------------


def report_job_file_response(job: ReportJob, fmt: str) -> FileResponse | None:
    """The finished job's PDF or workbook as a download; None when it has no such file."""
    if job.status != ReportJob.Status.DONE:
        return None
    field = job.pdf if fmt == "pdf" else job.xlsx
    if not field or not field.name:
        return None
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=field.name.rsplit("/", 1)[-1],
        content_type="application/pdf" if fmt == "pdf" else files.XLSX_TYPE,
    )
