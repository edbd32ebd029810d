"""Personal data pages: retention (administrator), the read log (administrator and auditor),
and the data-subject export (administrator, after a recent sign-in)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_required
from lom.common.web import actor_view, form_status, run_form
from lom.organisations.access import Actor
from lom.privacy.documents import reads_csv_response, subject_export_response
from lom.privacy.forms import ReadSearchForm, RetentionForm, SubjectSearchForm
from lom.privacy.permissions import READ_LOG_ROLES, RETENTION_ROLES, SUBJECT_EXPORT_ROLES
from lom.privacy.selectors.reads import ReadFilter, read_log_search
from lom.privacy.selectors.retention import retention_preview
from lom.privacy.selectors.subject import employee_search, subject_employee
from lom.privacy.services.retention import retention_policy_save
from lom.privacy.services.subject import FORMATS, subject_export

READS_PER_PAGE = 50
SUBJECTS_SHOWN = 50


@api_counterpart("GET /privacy/retention", "GET /privacy/reads")
@actor_view(*READ_LOG_ROLES)
def index_view(request, actor: Actor):
    name = "privacy:retention" if actor.has(*RETENTION_ROLES) else "privacy:reads"
    return redirect(name)


@api_counterpart("GET /privacy/retention", "PUT /privacy/retention")
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


@api_counterpart("GET /privacy/reads", "GET /privacy/reads.csv")
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
        return reads_csv_response(rows)
    page = Paginator(rows, READS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/reads.html",
        {"form": form, "page": page, "is_admin": actor.has(*RETENTION_ROLES)},
    )


@api_counterpart("GET /privacy/subjects")
@actor_view(*SUBJECT_EXPORT_ROLES)
def subjects_view(request, actor: Actor):
    form = SubjectSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    employees = employee_search(organisation=actor.organisation, q=q)[:SUBJECTS_SHOWN]
    return render(request, "privacy/subjects.html", {"form": form, "employees": employees, "q": q})


@api_counterpart(
    "GET /privacy/subjects/{employee_id}/export.json",
    "GET /privacy/subjects/{employee_id}/export.pdf",
)
@actor_view(*SUBJECT_EXPORT_ROLES)
@recent_auth_required
def subject_export_view(request, actor: Actor, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    employee = subject_employee(organisation=actor.organisation, pk=pk)
    if employee is None:
        raise Http404
    data = subject_export(actor=actor, employee=employee, fmt=fmt)
    return subject_export_response(employee=employee, data=data, fmt=fmt)
