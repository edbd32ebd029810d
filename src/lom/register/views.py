"""The register import pages (/register/): upload the HR system's export files, map their
columns, follow the preview's progress, read the preview and apply or discard it, download an
imported file again. Organisation admins and coordinators (HR) only; applying needs a recent
sign-in, since it deactivates the users of employees who have left."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_required
from lom.common.web import actor_view, add_domain_error, form_status, post_action
from lom.organisations.access import Actor
from lom.register.fields import FIELDS
from lom.register.forms import MappingForm, UploadForm
from lom.register.models import ImportFile, ImportKind, ImportRun
from lom.register.selectors import (
    run_column_choices,
    run_file,
    run_files,
    run_get,
    runs_for,
    upload_columns,
)
from lom.register.services import (
    UploadedExport,
    import_apply_request,
    import_discard,
    import_rerun,
    import_upload,
)
from lom.register.summary import kind_counts

REGISTER_ROLES = ("org_admin", "coordinator")
PER_PAGE = 100
HISTORY = 20
RUNNING = (ImportRun.Status.UPLOADED, ImportRun.Status.PREVIEWING, ImportRun.Status.APPLYING)
# The example export files the demo ships (src/lom/register/static/register/examples/).
EXAMPLES = (
    ("primula_enheter.csv", _("Enheter, Primula-lik CSV (semikolon, Windows-1252)")),
    ("primula_medarbetare.csv", _("Medarbetare, Primula-lik CSV (semikolon, Windows-1252)")),
    ("primula_manader.csv", _("Anställningsmånader, Primula-lik CSV (decimalkomma)")),
    ("heroma_personal.xlsx", _("Medarbetare, Heroma-lik Excel (andra kolumnnamn)")),
    ("heroma_lonesumma.xlsx", _("Lönesumma per år, Heroma-lik Excel")),
)


def _run(actor: Actor, pk: int) -> ImportRun:
    try:
        return run_get(organisation=actor.organisation, pk=pk)
    except ImportRun.DoesNotExist as exc:
        raise Http404 from exc


@api_counterpart("GET /register/imports", "POST /register/imports")
@actor_view(*REGISTER_ROLES)
def index_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        exports, complete = [], True
        for export in form.cleaned_data["exports"]:
            try:
                columns, fits = upload_columns(
                    organisation=actor.organisation,
                    kind=export.kind,
                    file_name=export.file_name,
                    data=export.data,
                )
            except DomainError as exc:
                form.add_error(export.kind, str(exc.message))
                continue
            complete = complete and fits
            exports.append(
                UploadedExport(
                    kind=export.kind, file_name=export.file_name, data=export.data, columns=columns
                )
            )
        if not form.errors:
            try:
                run = import_upload(
                    actor=actor.user,
                    organisation=actor.organisation,
                    files=exports,
                    full=form.cleaned_data["full"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                name = "register:run" if complete else "register:columns"
                return redirect(reverse(name, args=[run.pk]))
    runs = runs_for(organisation=actor.organisation).prefetch_related(
        Prefetch("files", queryset=ImportFile.objects.defer("data"))
    )[:HISTORY]
    examples = [(static(f"register/examples/{name}"), name, label) for name, label in EXAMPLES]
    return render(
        request,
        "register/index.html",
        {"form": form, "runs": runs, "examples": examples},
        status=form_status(request),
    )


def _page(request: HttpRequest, items: list[Any], param: str) -> Page:
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


def _kind_label(kind: str) -> str:
    return str(ImportKind(kind).label) if kind in ImportKind.values else kind


def _error_rows(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e | {"kind_label": _kind_label(e.get("kind", ""))} for e in errors]


def _change_rows(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each change with its fields as (label, before, after), labelled as in the mapping."""
    labels = {kind: {s.key: s.label for s in specs} for kind, specs in FIELDS.items()}
    rows = []
    for change in changes:
        kind = change.get("kind", "")
        named = labels.get(kind, {})
        fields = [
            (named.get(key, key), pair[0], pair[1])
            for key, pair in (change.get("fields") or {}).items()
        ]
        rows.append(change | {"field_rows": fields, "kind_label": _kind_label(kind)})
    return rows


def _counts(run: ImportRun) -> list[tuple[str, dict[str, Any]]]:
    return [(_kind_label(k), c) for k, c in kind_counts(run).items()]


@api_counterpart("GET /register/imports/{run_id}")
@actor_view(*REGISTER_ROLES)
def run_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    run = _run(actor, pk)
    errors = _page(request, run.errors, "errors_page")
    changes = _page(request, run.changes, "changes_page")
    return render(
        request,
        "register/run.html",
        {
            "run": run,
            "running": run.status in RUNNING,
            "counts": _counts(run),
            "files": run_files(run=run),
            "errors": errors,
            "changes": changes,
            "error_rows": _error_rows(list(errors.object_list)),
            "change_rows": _change_rows(list(changes.object_list)),
            "can_apply": run.status == ImportRun.Status.PREVIEWED and not run.error_count,
            "can_discard": run.status in (ImportRun.Status.PREVIEWED, ImportRun.Status.INVALID),
            "can_map": run.status
            in (ImportRun.Status.PREVIEWED, ImportRun.Status.INVALID, ImportRun.Status.FAILED),
        },
    )


@api_counterpart("POST /register/imports/{run_id}/apply")
@actor_view(*REGISTER_ROLES)
@recent_auth_required
def run_apply_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """POST applies. A GET (back from confirming who one is) shows the run page again."""
    run = _run(actor, pk)
    if request.method != "POST":
        return redirect(reverse("register:run", args=[run.pk]))
    return post_action(
        request,
        lambda: import_apply_request(actor=actor.user, run=run),
        success=reverse("register:run", args=[run.pk]),
        message=_("Importen tillämpas. Sidan visar när den är klar."),
    )


@api_counterpart("POST /register/imports/{run_id}/discard")
@require_POST
@actor_view(*REGISTER_ROLES)
def run_discard_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    run = _run(actor, pk)
    return post_action(
        request,
        lambda: import_discard(actor=actor.user, run=run),
        success=reverse("register:index"),
        message=_("Importen är förkastad. Inget i registret ändrades."),
    )


def _mapping_forms(
    request: HttpRequest, actor: Actor, run: ImportRun
) -> tuple[list[MappingForm], list[ImportFile]]:
    choices = run_column_choices(organisation=actor.organisation, run=run)
    forms = [
        MappingForm(
            request.POST or None,
            kind=c.file.kind,
            headers=c.headers,
            initial_columns=c.columns,
        )
        for c in choices
    ]
    return forms, [c.file for c in choices]


@api_counterpart("GET /register/imports/{run_id}/columns", "PUT /register/imports/{run_id}/columns")
@actor_view(*REGISTER_ROLES)
def run_columns_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Choose the columns of the run's files; the files are imported again with them (a new
    run), and the choice is saved as the organisation's mapping."""
    run = _run(actor, pk)
    try:
        forms, files = _mapping_forms(request, actor, run)
    except DomainError as exc:
        return render(
            request, "register/columns.html", {"run": run, "file_error": exc.message}, status=400
        )
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            new_run = import_rerun(
                actor=actor.user,
                run=run,
                columns={f.kind: form.columns() for form, f in zip(forms, files, strict=True)},
            )
        except DomainError as exc:
            add_domain_error(forms[0], exc)
        else:
            return redirect(reverse("register:run", args=[new_run.pk]))
    return render(
        request,
        "register/columns.html",
        {"run": run, "forms": list(zip(forms, files, strict=True))},
        status=form_status(request),
    )


@api_counterpart("GET /register/imports/{run_id}/files/{kind}")
@actor_view(*REGISTER_ROLES)
def file_download_view(request: HttpRequest, actor: Actor, pk: int, kind: str) -> HttpResponse:
    """An imported file again: its original bytes and name."""
    run = _run(actor, pk)
    if kind not in ImportKind.values:
        raise Http404
    try:
        f = run_file(run=run, kind=kind)
    except ImportFile.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(bytes(f.data), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f.file_name)
    return response
