"""Personal data pages: retention (administrator), the read log (administrator and auditor),
and the data-subject export (administrator, after a recent sign-in)."""

import json

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.common.files import csv_response
from lom.common.reauth import recent_auth_required
from lom.common.web import actor_view, form_status, run_form
from lom.organisations.access import Actor
from lom.privacy.documents import render_subject_pdf
from lom.privacy.forms import ReadSearchForm, RetentionForm, SubjectSearchForm
from lom.privacy.permissions import READ_LOG_ROLES, RETENTION_ROLES, SUBJECT_EXPORT_ROLES
from lom.privacy.selectors.reads import ReadFilter, read_log_search, reader_name
from lom.privacy.selectors.retention import retention_preview
from lom.privacy.selectors.subject import employee_search, subject_employee
from lom.privacy.services.retention import retention_policy_save
from lom.privacy.services.subject import FORMATS, subject_export

READS_PER_PAGE = 50
# A CSV of the read log is bounded like every other export.
READS_CSV_MAX = 100_000


@actor_view(*READ_LOG_ROLES)
def index_view(request, actor: Actor):
    name = "privacy:retention" if actor.has(*RETENTION_ROLES) else "privacy:reads"
    return redirect(name)


@actor_view(*RETENTION_ROLES)
def retention_view(request, actor: Actor):
    form = RetentionForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: retention_policy_save(
            actor=actor, data_class=d["data_class"], months=d["months"]
        ),
        success=reverse("privacy:retention"),
        message=_("Gallringstiden är ändrad."),
    )
    if done:
        return done
    return render(
        request,
        "privacy/retention.html",
        {"rows": retention_preview(organisation=actor.organisation), "form": form},
        status=form_status(request),
    )


@actor_view(*READ_LOG_ROLES)
def reads_view(request, actor: Actor):
    form = ReadSearchForm(request.GET or None)
    filters = ReadFilter()
    if form.is_valid():
        d = form.cleaned_data
        filters = ReadFilter(
            employee=d["employee"],
            reader=d["reader"],
            data_class=d["data_class"],
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
    rows = read_log_search(organisation=actor.organisation, filters=filters)
    if form.is_bound and not form.is_valid():
        rows = rows.none()  # a search that cannot be read shows nothing, not everything
    if request.GET.get("format") == "csv":
        return csv_response(
            f"laslogg-{timezone.localdate():%Y%m%d}.csv",
            [
                _("Tidpunkt"),
                _("Vem läste"),
                _("Medarbetare"),
                _("Uppgiftsslag"),
                _("Kanal"),
                _("Post"),
            ],
            (
                [
                    timezone.localtime(r.at),
                    reader_name(r),
                    r.employee.full_name if r.employee else "",
                    r.data_class,
                    r.get_channel_display(),
                    f"{r.target_type}#{r.target_id}",
                ]
                for r in rows[:READS_CSV_MAX].iterator()
            ),
        )
    page = Paginator(rows, READS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/reads.html",
        {"form": form, "page": page, "is_admin": actor.has(*RETENTION_ROLES)},
    )


@actor_view(*SUBJECT_EXPORT_ROLES)
def subjects_view(request, actor: Actor):
    form = SubjectSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    employees = employee_search(organisation=actor.organisation, q=q)
    return render(request, "privacy/subjects.html", {"form": form, "employees": employees, "q": q})


@actor_view(*SUBJECT_EXPORT_ROLES)
@recent_auth_required
def subject_export_view(request, actor: Actor, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    employee = subject_employee(organisation=actor.organisation, pk=pk)
    if employee is None:
        raise Http404
    data = subject_export(actor=actor, employee=employee, fmt=fmt)
    name = f"registerutdrag-{employee.pk}-{timezone.localdate():%Y%m%d}"
    if fmt == "json":
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(render_subject_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
