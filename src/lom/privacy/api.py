"""API routes of personal data, mounted at /api/v1/privacy by lom.api.api: retention (the
organisation's administrator), the read log (administrator and auditor), and the data-subject
export (administrator; by browser session only after a recent sign-in). The same selectors,
services and files as the pages."""

from datetime import datetime
from typing import Annotated, Literal, get_args

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from lom.accounts.api_reauth import ensure_recent_auth
from lom.common.bounds import DB_ID_MAX
from lom.common.errors import PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, Day, ErrorOut, Limit, Page
from lom.organisations.access import Actor
from lom.privacy.classes import CLASSES, MAX_MONTHS
from lom.privacy.documents import reads_csv_response, subject_export_response
from lom.privacy.permissions import READ_LOG_ROLES, RETENTION_ROLES, SUBJECT_EXPORT_ROLES
from lom.privacy.selectors.reads import ReadFilter, read_log_search, reader_name
from lom.privacy.selectors.retention import PreviewRow, retention_preview
from lom.privacy.selectors.subject import employee_search, subject_employee
from lom.privacy.services.retention import retention_policy_save, retention_run_now
from lom.privacy.services.subject import subject_export

router = Router(tags=["privacy"])
ERR = {400: ErrorOut, 403: ErrorOut}

DataClassCode = Literal[
    "case.private_reason",
    "case.draft",
    "support.session_note",
    "support.eligibility_check",
    "support.application_text",
    "events.participant",
    "mail.body",
    "common.notification",
    "common.readlog",
]
# The classes whose reads are logged (the read log's filter; "" for all).
LoggedClassCode = Literal["", "case.private_reason", "support.session_note"]
assert set(get_args(DataClassCode)) == {c.code for c in CLASSES}
assert set(get_args(LoggedClassCode)) == {""} | {c.code for c in CLASSES if c.special}
SearchText = Annotated[str, Field(max_length=100)]
SubjectSearch = Annotated[
    str,
    Field(
        max_length=100,
        description="Words of the name or e-mail, or the employee number; empty finds none.",
    ),
]
EmployeeId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


def _actor_with(request, roles: tuple[str, ...], message: str) -> Actor:
    actor = request.api_actor
    if not actor.has(*roles):
        raise PermissionDeniedError(message)
    return actor


def _retention_admin(request) -> Actor:
    return _actor_with(
        request, RETENTION_ROLES, _("Bara administratören kan ändra gallringsreglerna.")
    )


# --- Retention ------------------------------------------------------------------------------


class DueOut(Schema):
    label: str
    url: str = Field(description="The page of the record, when it has one (else empty).")


class RetentionClassOut(Schema):
    data_class: str
    label: str
    action: str = Field(
        description="anonymise: the personal text is blanked, the record kept; delete."
    )
    clock: str = Field(description="The event the period counts from.")
    months: int = Field(description="The period in force (the organisation's own or default).")
    default_months: int
    min_months: int
    max_months: int
    overridden: bool = Field(description="The organisation has set its own period.")
    updated_at: datetime | None
    due: int = Field(description="Records the next run removes or anonymises.")
    first_due: list[DueOut] = Field(description="The first of them.")


class RetentionOut(Schema):
    classes: list[RetentionClassOut]


class RetentionIn(Schema):
    data_class: DataClassCode
    months: int = Field(ge=1, le=MAX_MONTHS)


class RetentionRunOut(Schema):
    removed: dict[str, int] = Field(description="Per data class: records removed or anonymised.")


def _class_out(row: PreviewRow) -> RetentionClassOut:
    c = row.policy.data_class
    return RetentionClassOut(
        data_class=c.code,
        label=str(c.label),
        action=c.action,
        clock=str(c.clock),
        months=row.policy.months,
        default_months=c.months_in_force,
        min_months=c.min_months,
        max_months=c.max_months,
        overridden=row.policy.overridden,
        updated_at=row.policy.updated_at,
        due=row.count,
        first_due=[DueOut(label=label, url=url) for label, url in row.first],
    )


def _retention(actor: Actor) -> RetentionOut:
    return RetentionOut(
        classes=[_class_out(r) for r in retention_preview(organisation=actor.organisation)]
    )


@router.get(
    "/retention",
    response={200: RetentionOut, **ERR},
    summary="The retention periods per data class, and what the next run removes",
)
def get_retention(request) -> RetentionOut:
    return _retention(_retention_admin(request))


@router.put(
    "/retention",
    response={200: RetentionOut, **ERR},
    summary="Set the organisation's retention period of one data class",
)
def put_retention(request, payload: RetentionIn) -> RetentionOut:
    """The period must lie within the class's bounds (`min_months`..`max_months`; 400
    naming `months` otherwise)."""
    actor = _retention_admin(request)
    retention_policy_save(actor=actor, data_class=payload.data_class, months=payload.months)
    return _retention(actor)


@router.post(
    "/retention/run",
    response={200: RetentionRunOut, **ERR},
    summary="Run the organisation's due retention now (as the nightly run would today)",
)
def run_retention(request) -> RetentionRunOut:
    return RetentionRunOut(removed=retention_run_now(actor=_retention_admin(request)))


# --- The read log ---------------------------------------------------------------------------


class ReadQuery(Schema):
    employee: SearchText = Field(
        "", description="Words of the employee's name, or the employee number."
    )
    reader: SearchText = Field("", description="Words of the reader's user name or name.")
    data_class: LoggedClassCode = ""
    date_from: Day | None = Field(None, description="Read on or after this day.")
    date_to: Day | None = Field(None, description="Read on or before this day.")


class ReadOut(Schema):
    id: int
    at: datetime
    reader: str
    employee_id: int | None
    employee: str
    data_class: str
    channel: str
    target: str = Field(description="What was read: `type#id`.")


def _reads(request, q: ReadQuery):
    actor = _actor_with(
        request, READ_LOG_ROLES, _("Bara administratören och revisorn kan läsa läsloggen.")
    )
    filters = ReadFilter(
        employee=q.employee,
        reader=q.reader,
        data_class=q.data_class,
        date_from=q.date_from,
        date_to=q.date_to,
    )
    return read_log_search(organisation=actor.organisation, filters=filters)


@router.get(
    "/reads",
    response={200: Page[ReadOut], **ERR},
    summary="Search the read log of special-category data, newest first",
)
def list_reads(
    request,
    q: Query[ReadQuery],
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ReadOut]:
    """Every filter narrows the search; none given, every row (newest first)."""
    rows, nxt = keyset_page(_reads(request, q), cursor=cursor, limit=limit, order=("-at", "-id"))
    return Page[ReadOut](
        items=[
            ReadOut(
                id=r.pk,
                at=r.at,
                reader=reader_name(r),
                employee_id=r.employee_id,
                employee=r.employee.full_name if r.employee else "",
                data_class=r.data_class,
                channel=r.channel,
                target=f"{r.target_type}#{r.target_id}",
            )
            for r in rows
        ],
        next_cursor=nxt,
    )


@router.get(
    "/reads.csv",
    response=ERR,
    summary="The read log found by the same search, as CSV",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The rows found (the first 100 000), as the page downloads them.",
                "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def reads_csv(request, q: Query[ReadQuery]) -> StreamingHttpResponse:
    return reads_csv_response(_reads(request, q))


# --- The data-subject export ----------------------------------------------------------------


class SubjectOut(Schema):
    id: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    unit: str | None


def _exporter(request) -> Actor:
    return _actor_with(
        request, SUBJECT_EXPORT_ROLES, _("Bara administratören kan ta ut ett registerutdrag.")
    )


@router.get(
    "/subjects",
    response={200: Page[SubjectOut], **ERR},
    summary="Find an employee for a data-subject export",
)
def list_subjects(
    request,
    q: SubjectSearch = "",
    cursor: Cursor | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[SubjectOut]:
    actor = _exporter(request)
    rows, nxt = keyset_page(
        employee_search(organisation=actor.organisation, q=q),
        cursor=cursor,
        limit=limit,
        order=("last_name", "first_name", "id"),
    )
    return Page[SubjectOut](
        items=[
            SubjectOut(
                id=e.pk,
                employee_number=e.employee_number,
                first_name=e.first_name,
                last_name=e.last_name,
                email=e.email,
                unit=e.unit.name if e.unit else None,
            )
            for e in rows
        ],
        next_cursor=nxt,
    )


def _export(request, employee_id: int, fmt: str) -> HttpResponse:
    actor = _exporter(request)
    ensure_recent_auth(request)
    employee = subject_employee(organisation=actor.organisation, pk=employee_id)
    if employee is None:
        raise Http404
    data = subject_export(actor=actor, employee=employee, fmt=fmt)
    return subject_export_response(employee=employee, data=data, fmt=fmt)


def _file(media: str, what: str) -> dict:
    return {
        "responses": {
            "200": {
                "description": what,
                "content": {media: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/subjects/{employee_id}/export.json",
    response={403: ErrorOut, 404: ErrorOut},
    summary="Everything held about an employee (registerutdrag), as JSON",
    openapi_extra=_file(
        "application/json", "The export (format `lom-subject-export/1`), as a download."
    ),
)
def export_json(request, employee_id: EmployeeId) -> HttpResponse:
    """Audited, and read-logged like any display of the special-category data it holds."""
    return _export(request, employee_id, "json")


@router.get(
    "/subjects/{employee_id}/export.pdf",
    response={403: ErrorOut, 404: ErrorOut},
    summary="Everything held about an employee (registerutdrag), as PDF",
    openapi_extra=_file("application/pdf", "The export as a readable PDF."),
)
def export_pdf(request, employee_id: EmployeeId) -> HttpResponse:
    """Audited, and read-logged like any display of the special-category data it holds."""
    return _export(request, employee_id, "pdf")
