from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_required
from lom.common.web import actor_view, add_domain_error
from lom.organisations import services
from lom.organisations.forms import EmployeeForm, MembershipForm, UnionForm, UnitForm
from lom.organisations.middleware import SESSION_KEY
from lom.organisations.selectors import (
    employees_for_org,
    membership_get,
    memberships_for_org,
    unions_for_org,
    units_for_org,
)


@require_POST
@actor_view()
def switch_organisation_view(request, actor):
    try:
        org_id = int(request.POST.get("organisation", ""))
    except ValueError:
        org_id = 0
    if org_id in {o.pk for o in actor.all_organisations}:
        request.session[SESSION_KEY] = org_id
    return redirect("home")


@api_counterpart("GET /organisation/units", "POST /organisation/units")
@actor_view("org_admin")
def units_view(request, actor):
    form = UnitForm(request.POST or None, organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_create(
                actor=actor.user,
                organisation=actor.organisation,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                parent=form.cleaned_data["parent"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Enheten är upplagd."))
            return redirect("organisations:units")
    units = list(units_for_org(organisation=actor.organisation))
    return render(request, "organisations/units.html", {"form": form, "units": units})


@api_counterpart("GET /organisation/employees")
@actor_view("org_admin")
def employees_view(request, actor):
    q = request.GET.get("q", "")[:100]
    rows = list(employees_for_org(organisation=actor.organisation, q=q)[:200])
    return render(request, "organisations/employees.html", {"employees": rows, "q": q})


@api_counterpart(
    "POST /organisation/employees",
    "GET /organisation/employees/{employee_id}",
    "PUT /organisation/employees/{employee_id}",
)
@actor_view("org_admin")
def employee_edit_view(request, actor, pk: int | None = None):
    instance = None
    if pk is not None:
        instance = employees_for_org(organisation=actor.organisation).filter(pk=pk).first()
        if instance is None:
            raise Http404
    form = EmployeeForm(request.POST or None, instance=instance, organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        unit = d.pop("unit")
        try:
            services.employee_save(
                actor=actor.user, organisation=actor.organisation, unit=unit, employee=instance, **d
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Medarbetaren är sparad."))
            return redirect("organisations:employees")
    return render(request, "organisations/employee_form.html", {"form": form, "employee": instance})


@api_counterpart("GET /organisation/memberships", "POST /organisation/memberships")
@recent_auth_required
@actor_view("org_admin")
def memberships_view(request, actor):
    form = MembershipForm(request.POST or None, organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.membership_grant_by_username(
                actor=actor.user,
                organisation=actor.organisation,
                username=d["username"],
                email=d["email"] or "",
                role=d["role"],
                unit=d["unit"],
                union=d["union"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Rollen är tilldelad."))
            return redirect("organisations:memberships")
    rows = list(memberships_for_org(organisation=actor.organisation))
    return render(request, "organisations/memberships.html", {"form": form, "memberships": rows})


@api_counterpart("DELETE /organisation/memberships/{membership_id}")
@recent_auth_required
@actor_view("org_admin")
def membership_revoke_view(request, actor, pk: int):
    if request.method != "POST":  # back from re-authentication: press the button again
        return redirect("organisations:memberships")
    membership = membership_get(organisation=actor.organisation, pk=pk)
    try:
        services.membership_revoke(actor=actor.user, membership=membership)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Rollen är borttagen."))
    return redirect("organisations:memberships")


@api_counterpart("GET /organisation/unions", "POST /organisation/unions")
@actor_view("org_admin")
def unions_view(request, actor):
    form = UnionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.union_create(
                actor=actor.user, organisation=actor.organisation, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Förbundet är upplagt."))
            return redirect("organisations:unions")
    unions = list(unions_for_org(organisation=actor.organisation))
    return render(request, "organisations/unions.html", {"form": form, "unions": unions})
