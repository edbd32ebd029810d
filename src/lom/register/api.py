"""API routes of the register import, mounted at /api/v1/register by lom.api.api: what a
nightly sync needs. Upload the export files (202: the preview runs in the background), poll
the run, apply it (or ask with `dry_run` what would change), keep the column mapping per kind,
and download an imported file again. Organisation admins and coordinators only; applying with
the browser's session needs a recent sign-in (an API token need not)."""

import json
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status, UploadedFile

from lom.accounts.api_reauth import ensure_recent_auth
from lom.common.bounds import DB_ID_MAX
from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.pagination import keyset_page
from lom.common.schemas import DEFAULT_LIMIT, Cursor, ErrorOut, Limit, Page
from lom.organisations.access import Actor
from lom.register.fields import FIELDS
from lom.register.models import ImportFile, ImportKind, ImportRun
from lom.register.schemas import (
    ApplyIn,
    ChangeOut,
    ColumnMappingIn,
    ColumnMappingOut,
    ColumnsIn,
    ColumnsOut,
    FieldSpecOut,
    FileColumnsOut,
    FileOut,
    RowErrorOut,
    RunDetailOut,
    RunOut,
)
from lom.register.selectors import (
    mapping_for,
    run_column_choices,
    run_file,
    run_files,
    run_get,
    runs_for,
)
from lom.register.services import (
    UploadedExport,
    import_apply,
    import_apply_request,
    import_discard,
    import_rerun,
    import_upload,
    mapping_save,
)
from lom.register.summary import kind_counts

router = Router(tags=["register"])
ERR = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
STATE = {409: ErrorOut}
REGISTER_ROLES = ("org_admin", "coordinator")
COLUMNS_JSON_MAX = 20_000
DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


def _importer(request, *, changes: bool = False) -> Actor:
    actor = request.api_actor
    if not actor.has(*REGISTER_ROLES):
        raise PermissionDeniedError(
            _("Bara administratören och samordnaren får läsa in personalregistret.")
        )
    if changes:
        ensure_recent_auth(request)
    return actor


def _run(actor: Actor, run_id: int) -> ImportRun:
    try:
        return run_get(organisation=actor.organisation, pk=run_id)
    except ImportRun.DoesNotExist as exc:
        raise Http404 from exc


def _file_out(run: ImportRun, f: ImportFile) -> FileOut:
    return FileOut(
        kind=ImportKind(f.kind),
        file_name=f.file_name,
        checksum=f.checksum,
        size=f.size,
        rows=f.rows,
        url=reverse("api:register_file", kwargs={"run_id": run.pk, "kind": f.kind}),
    )


def _run_fields(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "progress": run.progress,
        "full": run.full,
        "apply_when_clean": run.apply_when_clean,
        "total_rows": run.total_rows,
        "counts": kind_counts(run),
        "error_count": run.error_count,
        "message": run.message,
        "created_at": run.created_at,
        "previewed_at": run.previewed_at,
        "applied_at": run.applied_at,
        "files": [_file_out(run, f) for f in run_files(run=run)],
        "status_url": reverse("api:register_run", kwargs={"run_id": run.pk}),
    }


def _run_out(run: ImportRun) -> RunOut:
    return RunOut(**_run_fields(run))


def _columns(raw: str) -> dict[str, dict[str, str]]:
    """The optional mapping of an upload: {"employees": {"employee_number": "Anst.nr", ...}}."""
    if not raw.strip():
        return {}
    bad = DomainError(
        _('Kolumnmappningen ska vara JSON: {"filtyp": {"fält": "kolumnrubrik"}}.'),
        field="columns",
    )
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise bad from exc
    if not isinstance(value, dict):
        raise bad
    out: dict[str, dict[str, str]] = {}
    for kind, columns in value.items():
        if kind not in ImportKind.values:
            raise DomainError(
                _("Okänd filtyp i kolumnmappningen: %(k)s.") % {"k": str(kind)[:40]},
                field="columns",
            )
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 200 for k, v in columns.items()
        ):
            raise bad
        out[kind] = _known_fields(kind, columns, field="columns")
    return out


def _known_fields(kind: str, columns: dict[str, str], *, field: str) -> dict[str, str]:
    known = {spec.key for spec in FIELDS[kind]}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise DomainError(
            _("Okänt fält för %(kind)s: %(f)s. Fälten är: %(known)s.")
            % {"kind": kind, "f": unknown[0][:40], "known": ", ".join(sorted(known))},
            field=field,
        )
    return {k: v for k, v in columns.items() if v}


def _export(kind: str, upload: UploadedFile, columns: dict[str, str] | None) -> UploadedExport:
    limit = int(settings.LOM_REGISTER_MAX_BYTES)
    data = upload.read(limit + 1) if (upload.size or 0) <= limit else b""
    if (upload.size or 0) > limit or len(data) > limit:
        raise DomainError(
            _("Filen är större än %(m)d MB.") % {"m": limit // (1024 * 1024)}, field=kind
        )
    return UploadedExport(
        kind=kind, file_name=(upload.name or kind)[:255], data=data, columns=columns
    )


@router.post(
    "/imports",
    response={202: RunOut, **ERR},
    summary="Upload the HR system's export files (the preview runs in the background)",
)
def upload_import(
    request,
    units: File[UploadedFile | None] = None,
    employees: File[UploadedFile | None] = None,
    months: File[UploadedFile | None] = None,
    payroll: File[UploadedFile | None] = None,
    full: Form[bool] = True,
    apply_when_clean: Form[bool] = False,
    columns: str = Form("", max_length=COLUMNS_JSON_MAX),
) -> Status:
    """Upload one file per kind (multipart). `full`: the employees file lists everyone (who
    is missing has left). `apply_when_clean`: apply at once when the preview has no error.
    `columns`: optional JSON mapping per kind; without it the saved mapping is used (else
    one suggested from the headers). Answers 202 with the run; poll `status_url`."""
    actor = _importer(request)
    mapping = _columns(columns)
    given = {"units": units, "employees": employees, "months": months, "payroll": payroll}
    exports = [
        _export(kind, upload, mapping.get(kind))
        for kind, upload in given.items()
        if upload is not None
    ]
    if not exports:
        raise DomainError(_("Välj minst en fil."), field="file", code="required")
    run = import_upload(
        actor=actor.user,
        organisation=actor.organisation,
        files=exports,
        full=full,
        apply_when_clean=apply_when_clean,
    )
    return Status(202, _run_out(run))


@router.get(
    "/imports", response={200: Page[RunOut], 403: ErrorOut}, summary="The imports, newest first"
)
def list_imports(
    request, cursor: Cursor | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[RunOut]:
    actor = _importer(request)
    rows, nxt = keyset_page(runs_for(organisation=actor.organisation), cursor=cursor, limit=limit)
    return Page[RunOut](items=[_run_out(run) for run in rows], next_cursor=nxt)


@router.get(
    "/imports/{run_id}",
    response={200: RunDetailOut, **ERR},
    url_name="register_run",
    summary="An import: status, progress, counts, and a page of its errors and changes",
)
def get_import(
    request,
    run_id: DbId,
    offset: int = Query(0, ge=0, le=100_000),
    limit: int = Query(100, ge=1, le=1000),
) -> RunDetailOut:
    """Status, progress, counts, the message, and a page of the row errors and the changes
    (`offset`, `limit`; the same page of both)."""
    run = _run(_importer(request), run_id)
    window = slice(offset, offset + limit)
    return RunDetailOut(
        **_run_fields(run),
        offset=offset,
        limit=limit,
        errors=[RowErrorOut(**e) for e in run.errors[window]],
        errors_stored=len(run.errors),
        changes=[ChangeOut(**c) for c in run.changes[window]],
        changes_stored=len(run.changes),
    )


@router.post(
    "/imports/{run_id}/apply",
    response={200: RunOut, 202: RunOut, **ERR, **STATE},
    summary="Apply a clean preview to the register (or, with dry_run, count what it would do)",
)
def apply_import(  # one action per branch
    request,
    payload: ApplyIn,
    run_id: DbId,
) -> Status:
    """Apply a previewed run without errors: 202, it applies in the background (poll
    `status_url`). With `dry_run`: 200 with the counts it would apply; nothing is written.
    409 when the run is not a clean preview (it has errors, is applied, or the register
    changed since the preview)."""
    actor = _importer(request, changes=not payload.dry_run)
    run = _run(actor, run_id)
    if payload.dry_run:
        return Status(200, _run_out(import_apply(actor=actor.user, run=run, dry_run=True)))
    return Status(202, _run_out(import_apply_request(actor=actor.user, run=run)))


@router.get(
    "/imports/{run_id}/files/{kind}",
    response={403: ErrorOut, 404: ErrorOut},
    url_name="register_file",
    summary="An imported file again, as it was uploaded",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file as it was uploaded.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_file(
    request,
    kind: ImportKind,
    run_id: DbId,
) -> HttpResponse:
    """The imported file again: its original bytes and name."""
    run = _run(_importer(request), run_id)
    try:
        f = run_file(run=run, kind=kind.value)
    except ImportFile.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(bytes(f.data), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f.file_name)
    return response


def _mapping_out(kind: ImportKind, columns: dict[str, str]) -> ColumnMappingOut:
    return ColumnMappingOut(
        kind=kind,
        columns=columns,
        fields=[
            FieldSpecOut(
                key=s.key, label=str(s.label), required=s.required, synonyms=list(s.synonyms)
            )
            for s in FIELDS[kind.value]
        ],
    )


@router.get(
    "/mappings/{kind}",
    response={200: ColumnMappingOut, 403: ErrorOut},
    summary="The saved column mapping of a kind of file",
)
def get_mapping(request, kind: ImportKind) -> ColumnMappingOut:
    """The saved column mapping of a kind of file ({} when none is saved), and its fields."""
    actor = _importer(request)
    return _mapping_out(kind, mapping_for(organisation=actor.organisation, kind=kind.value))


@router.put(
    "/mappings/{kind}",
    response={200: ColumnMappingOut, **ERR},
    summary="Save the column mapping of a kind of file",
)
def put_mapping(request, kind: ImportKind, payload: ColumnMappingIn) -> ColumnMappingOut:
    """Save the column mapping of a kind of file: {"columns": {field: header}}."""
    actor = _importer(request)
    columns = _known_fields(kind.value, payload.columns, field="columns")
    saved = mapping_save(
        actor=actor.user, organisation=actor.organisation, kind=kind.value, columns=columns
    )
    return _mapping_out(kind, dict(saved.columns))


@router.post(
    "/imports/{run_id}/discard",
    response={200: RunOut, **ERR, **STATE},
    summary="Set an import that was not applied aside (nothing in the register changes)",
)
def discard_import(request, run_id: DbId) -> RunOut:
    """409 when the run is applied, being applied, or already discarded."""
    actor = _importer(request)
    return _run_out(import_discard(actor=actor.user, run=_run(actor, run_id)))


@router.get(
    "/imports/{run_id}/columns",
    response={200: ColumnsOut, **ERR},
    summary="The headers of each file of an import and the columns offered for its fields",
)
def get_columns(request, run_id: DbId) -> ColumnsOut:
    actor = _importer(request)
    run = _run(actor, run_id)
    choices = run_column_choices(organisation=actor.organisation, run=run)
    return ColumnsOut(
        files=[
            FileColumnsOut(
                kind=ImportKind(c.file.kind),
                file_name=c.file.file_name,
                headers=c.headers,
                columns=c.columns,
                used=dict(c.file.columns or {}),
            )
            for c in choices
        ]
    )


@router.put(
    "/imports/{run_id}/columns",
    response={202: RunOut, **ERR, **STATE},
    summary="Import the files of an import again with the columns chosen (a new import)",
)
def put_columns(request, run_id: DbId, payload: ColumnsIn) -> Status:
    """The columns per kind of file ({"employees": {"employee_number": "Anst.nr"}}) are saved
    as the organisation's mappings; the files are imported again as a new run (202, its
    preview runs in the background; poll `status_url`). A kind not named keeps the columns it
    was read with. 409 for an applied run."""
    actor = _importer(request)
    run = _run(actor, run_id)
    columns = {
        kind.value: _known_fields(kind.value, dict(given), field="columns")
        for kind, given in payload.columns.items()
    }
    return Status(202, _run_out(import_rerun(actor=actor.user, run=run, columns=columns)))
