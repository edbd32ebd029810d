"""Import runs: upload the export files, preview them against the register (in the
background), apply the preview as one transaction or discard it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import ConflictError, DomainError
from lom.organisations.models import Organisation
from lom.register.fields import FIELDS, suggest_columns
from lom.register.models import ColumnMapping, ImportFile, ImportKind, ImportRun
from lom.register.selectors import file_headers, mapping_for
from lom.register.services.applying import apply_plan
from lom.register.services.plan import COUNT_KEYS, Plan, build_plan
from lom.register.services.reading import FileRows, Issues, read_file
from lom.webhooks.services import webhook_emit

S = ImportRun.Status
MAX_NAME = 255
MAX_HEADER = 200


@dataclass
class UploadedExport:
    kind: str
    file_name: str
    data: bytes
    columns: dict[str, str] | None = None


def _check_columns(kind: str, columns: dict[str, str]) -> dict[str, str]:
    keys = {f.key for f in FIELDS[kind]}
    out: dict[str, str] = {}
    for key, header in columns.items():
        if key not in keys:
            raise DomainError(
                _("Okänt fält i kolumnmappningen: %(k)s.") % {"k": str(key)[:40]}, field="columns"
            )
        if not isinstance(header, str) or len(header) > MAX_HEADER:
            raise DomainError(
                _("Kolumnnamnet för %(k)s är ogiltigt eller för långt.") % {"k": key},
                field="columns",
            )
        if header.strip():
            out[key] = header.strip()
    return out


def _do_mapping_save(
    *, actor: User | None, organisation: Organisation, kind: str, columns: dict[str, str]
) -> ColumnMapping:
    if kind not in ImportKind.values:
        raise DomainError(_("Okänd filtyp."), field="kind")
    mapping, _created = ColumnMapping.objects.update_or_create(
        organisation=organisation,
        kind=kind,
        defaults={"columns": _check_columns(kind, columns), "updated_by": actor},
    )
    return mapping


@transaction.atomic(durable=True)
def mapping_save(
    *, actor: User, organisation: Organisation, kind: str, columns: dict[str, str]
) -> ColumnMapping:
    """The organisation's column mapping for one file kind, reused by the next import."""
    return _do_mapping_save(actor=actor, organisation=organisation, kind=kind, columns=columns)


def _check_upload(files: list[UploadedExport]) -> None:
    if not files:
        raise DomainError(_("Välj minst en fil."), field="files")
    kinds = [f.kind for f in files]
    for f in files:
        if f.kind not in ImportKind.values:
            raise DomainError(_("Okänd filtyp: %(k)s.") % {"k": str(f.kind)[:20]}, field="kind")
        if kinds.count(f.kind) > 1:
            raise DomainError(
                _("Ladda upp högst en fil av varje typ (%(k)s).") % {"k": ImportKind(f.kind).label},
                field="files",
            )
        name = f.file_name.strip()
        if not name or len(name) > MAX_NAME or not name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise DomainError(
                _("%(f)s: ladda upp en CSV-fil eller en Excel-fil (xlsx).") % {"f": name[:80]},
                field="files",
            )
        if len(f.data) > settings.LOM_REGISTER_MAX_BYTES:
            raise DomainError(
                _("%(f)s är större än %(m)d MB.")
                % {"f": name[:80], "m": settings.LOM_REGISTER_MAX_BYTES // (1024 * 1024)},
                field="files",
                code="too_large",
            )
        if not f.data:
            raise DomainError(_("%(f)s är tom.") % {"f": name[:80]}, field="files")


@transaction.atomic(durable=True)
def import_upload(
    *,
    actor: User,
    organisation: Organisation,
    files: list[UploadedExport],
    full: bool = True,
    apply_when_clean: bool = False,
) -> ImportRun:
    """A new run holding the files (with their SHA-256), previewed in the background. A given
    mapping is saved as the organisation's for that kind (kept even if the file later proves
    bad); without one the saved mapping is used, else one suggested from the headers."""
    return _do_import_upload(
        actor=actor,
        organisation=organisation,
        files=files,
        full=full,
        apply_when_clean=apply_when_clean,
    )


@transaction.atomic(durable=True)
def import_rerun(*, actor: User, run: ImportRun, columns: dict[str, dict[str, str]]) -> ImportRun:
    """The files of `run` imported again as a new run, read with the columns chosen per kind
    (saved as the organisation's mappings); a kind not named keeps the columns it was read
    with. The old run stays as it was."""
    if run.status in (S.APPLIED, S.APPLYING):
        raise ConflictError(
            _("Importen kan inte läsas in igen i läget %(s)s.") % {"s": run.get_status_display()},
            code="status",
        )
    stored = list(ImportFile.objects.filter(run=run))
    unknown = sorted(set(columns) - {f.kind for f in stored})
    if unknown:
        raise DomainError(
            _("Importen har ingen fil av typen %(k)s.") % {"k": unknown[0][:20]}, field="columns"
        )
    exports = [
        UploadedExport(
            kind=f.kind,
            file_name=f.file_name,
            data=bytes(f.data),
            columns=columns.get(f.kind, dict(f.columns or {})),
        )
        for f in stored
    ]
    return _do_import_upload(
        actor=actor, organisation=run.organisation, files=exports, full=run.full
    )


def _do_import_upload(
    *,
    actor: User,
    organisation: Organisation,
    files: list[UploadedExport],
    full: bool,
    apply_when_clean: bool = False,
) -> ImportRun:
    _check_upload(files)
    run = ImportRun.objects.create(
        organisation=organisation,
        full=full,
        apply_when_clean=apply_when_clean,
        created_by=actor,
    )
    for f in files:
        if f.columns is not None:
            columns = _do_mapping_save(
                actor=actor, organisation=organisation, kind=f.kind, columns=f.columns
            ).columns
        else:
            columns = mapping_for(organisation=organisation, kind=f.kind)
            if not columns:
                try:
                    columns = suggest_columns(
                        f.kind, file_headers(file_name=f.file_name, data=f.data)
                    )
                except DomainError:
                    columns = {}  # the preview reports the unreadable file
        ImportFile.objects.create(
            run=run,
            kind=f.kind,
            file_name=f.file_name.strip(),
            checksum=hashlib.sha256(f.data).hexdigest(),
            size=len(f.data),
            data=f.data,
            columns=columns,
        )
    run_id = run.pk
    transaction.on_commit(lambda: preview_import_task.enqueue(run_id))
    return run


def _progress(run_id: int, value: int) -> None:
    ImportRun.objects.filter(pk=run_id).update(progress=max(0, min(value, 100)))


def _read_run(run: ImportRun, issues: Issues, *, track: bool) -> dict[str, FileRows]:
    """Every file of the run read and checked (files in the order units, employees, months,
    payroll). With `track`, progress is written as the rows go by (0-80 %)."""
    order = {k: i for i, k in enumerate(ImportKind.values)}
    stored = sorted(ImportFile.objects.filter(run=run), key=lambda f: order[f.kind])
    datas = [bytes(f.data) for f in stored]  # bytes, also where the database gives a view
    for f in stored:
        f.data = b""  # held once, in `datas`
    # The rows to come, for the progress bar: a CSV's lines (an xlsx by its size).
    total = sum(
        max(1, d.count(b"\n") if not f.file_name.lower().endswith(".xlsx") else f.size // 50)
        for f, d in zip(stored, datas, strict=True)
    )
    done = 0
    out: dict[str, FileRows] = {}
    today = date.today()
    for f, data in zip(stored, datas, strict=True):

        def tick(rows: int, base: int = done) -> None:
            if track:
                _progress(run.pk, min(80, 80 * (base + rows) // total))

        out[f.kind] = read_file(
            kind=f.kind,
            file_name=f.file_name,
            data=data,
            columns=f.columns,
            max_rows=settings.LOM_REGISTER_MAX_ROWS + 1,  # the header row is not counted
            issues=issues,
            today=today,
            tick=tick,
        )
        done += out[f.kind].row_count
        if track:
            _progress(run.pk, min(80, 80 * done // total))
    return out


def _plan(run: ImportRun, *, track: bool) -> tuple[Plan, Issues, dict[str, FileRows]]:
    issues = Issues()
    files = _read_run(run, issues, track=track)
    plan = build_plan(organisation=run.organisation, files=files, issues=issues, full=run.full)
    return plan, issues, files


def import_preview(*, run_id: int) -> ImportRun:  # batch: reads the files, short transactions
    """Read and check every file of the run together and compare them with the register:
    counts, the first changes and errors, status PREVIEWED, INVALID or FAILED. Progress is
    written as it goes so a page can poll it. Applies at once when the run asks for that and
    the preview is clean."""
    run = ImportRun.objects.select_related("organisation").get(pk=run_id)
    if run.status not in (S.UPLOADED, S.PREVIEWING):
        return run
    ImportRun.objects.filter(pk=run.pk).update(status=S.PREVIEWING, progress=0, message="")
    try:
        plan, issues, files = _plan(run, track=True)
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(
            status=S.FAILED, message=_("Förhandsgranskningen avbröts av ett internt fel.")
        )
        raise
    for f in files.values():
        ImportFile.objects.filter(run=run, kind=f.kind).update(rows=f.row_count)
    run.counts, run.changes = plan.counts, plan.changes
    run.errors, run.error_count = issues.stored, issues.count
    run.total_rows = sum(f.row_count for f in files.values())
    run.status = S.INVALID if issues.count else S.PREVIEWED
    run.progress, run.previewed_at = 100, timezone.now()
    run.message = (
        _("Filerna har %(n)d fel. Inget har ändrats i registret.") % {"n": issues.count}
        if issues.count
        else ""
    )
    run.save(
        update_fields=[
            "counts",
            "changes",
            "errors",
            "error_count",
            "total_rows",
            "status",
            "progress",
            "previewed_at",
            "message",
        ]
    )
    if run.apply_when_clean and run.status == S.PREVIEWED:
        return import_apply_batch(run_id=run.pk, actor_id=run.created_by_id)
    return run


@transaction.atomic(durable=True)
def import_apply(*, actor: User | None, run: ImportRun, dry_run: bool = False) -> ImportRun:
    """Apply a clean preview to the register, all in this one transaction. The diff is made
    again against the register as it is now; when its counts differ from the preview's the run
    is refused (the register changed). With `dry_run` everything is done and then rolled back:
    the run comes back with the counts it would have applied, unchanged in the database."""
    locked = ImportRun.objects.select_for_update().select_related("organisation").get(pk=run.pk)
    if locked.status not in (S.PREVIEWED, S.APPLYING):
        raise DomainError(
            _("Importen kan inte tillämpas i läget %(s)s.") % {"s": locked.get_status_display()},
            code="status",
        )
    if locked.error_count:
        raise ConflictError(_("Importen har fel och kan inte tillämpas."), code="errors")
    plan, issues, _files = _plan(locked, track=False)
    if issues.count or plan.totals() != _totals(locked.counts):
        raise DomainError(
            _("Registret har ändrats sedan förhandsgranskningen. Granska igen."), code="stale"
        )
    now = timezone.now()
    extra = apply_plan(organisation=locked.organisation, plan=plan, actor=actor, now=now)
    if dry_run:
        transaction.set_rollback(True)
        locked.counts = plan.counts
        return locked
    locked.status, locked.applied_by, locked.applied_at = S.APPLIED, actor, now
    locked.message = ""
    locked.save(update_fields=["status", "applied_by", "applied_at", "message"])
    audit(
        organisation_id=locked.organisation_id,
        actor=actor,
        action="register.import_apply",
        target=locked,
        after={
            "files": [
                {"kind": k, "name": n, "checksum": c}
                for k, n, c in locked.files.values_list("kind", "file_name", "checksum")
            ],
            "full": locked.full,
            "counts": plan.totals(),
        }
        | extra,
    )
    webhook_emit(
        organisation=locked.organisation,
        event="register.import_applied",
        payload={"run_id": locked.pk, "full": locked.full, "counts": plan.totals()},
    )
    return locked


def _totals(counts: dict) -> dict[str, dict[str, int]]:
    return {k: {n: c.get(n, 0) for n in COUNT_KEYS} for k, c in counts.items()}


@transaction.atomic(durable=True)
def import_apply_request(*, actor: User, run: ImportRun) -> ImportRun:
    """Mark a clean preview APPLYING and apply it in the background."""
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != S.PREVIEWED or locked.error_count:
        raise DomainError(
            _("Importen kan inte tillämpas i läget %(s)s.") % {"s": locked.get_status_display()},
            code="status",
        )
    locked.status, locked.message = S.APPLYING, ""
    locked.save(update_fields=["status", "message"])
    run_id, actor_id = locked.pk, actor.pk
    transaction.on_commit(lambda: apply_import_task.enqueue(run_id, actor_id))
    return locked


def import_apply_batch(*, run_id: int, actor_id: int | None) -> ImportRun:  # batch: the apply
    """The background apply: the durable apply; refused, the run goes back to PREVIEWED with
    the reason; a crash leaves it FAILED."""
    run = ImportRun.objects.get(pk=run_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return import_apply(actor=actor, run=run)
    except DomainError as exc:
        ImportRun.objects.filter(pk=run_id, status__in=[S.PREVIEWED, S.APPLYING]).update(
            status=S.PREVIEWED, message=str(exc.message)[:500]
        )
    except Exception:
        ImportRun.objects.filter(pk=run_id).update(
            status=S.FAILED, message=_("Tillämpningen avbröts av ett internt fel.")
        )
        raise
    return ImportRun.objects.get(pk=run_id)


@transaction.atomic(durable=True)
def import_discard(*, actor: User, run: ImportRun) -> ImportRun:
    """Set a run that was not applied aside (its files stay for the record)."""
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status in (S.APPLIED, S.APPLYING, S.DISCARDED):
        raise DomainError(
            _("Importen kan inte förkastas i läget %(s)s.") % {"s": locked.get_status_display()},
            code="status",
        )
    locked.status = S.DISCARDED
    locked.save(update_fields=["status"])
    audit(
        organisation_id=locked.organisation_id,
        actor=actor,
        action="register.import_discard",
        target=locked,
    )
    return locked


@task()
def preview_import_task(run_id: int) -> str:  # batch: the queue's entry point for a preview
    return import_preview(run_id=run_id).status


@task()
def apply_import_task(run_id: int, actor_id: int | None) -> str:  # batch: entry point, apply
    return import_apply_batch(run_id=run_id, actor_id=actor_id).status
