from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.agreements.forms import AgreementForm, VersionApproveForm
from lom.agreements.selectors import (
    VERSION_EDITORS,
    agreement_current,
    agreements_for_org,
    version_get,
    version_pending,
    version_summaries,
)
from lom.agreements.services import agreement_save, version_approve, version_withdraw
from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_required
from lom.common.web import actor_view, add_domain_error, post_action
from lom.organisations.access import Actor
from lom.organisations.selectors import unions_for_org


@api_counterpart("GET /information")
@actor_view()
def information_view(request, actor: Actor):
    """What the funds can pay for here: rendered from the agreement in force."""
    agreement = agreement_current(organisation=actor.organisation, on=timezone.localdate())
    return render(request, "agreements/information.html", {"agreement": agreement})


@api_counterpart("GET /agreements")
@actor_view()
def agreement_list_view(request, actor: Actor):
    agreements = list(agreements_for_org(organisation=actor.organisation))
    can_edit = actor.has(*VERSION_EDITORS)
    return render(request, "agreements/list.html", {"agreements": agreements, "can_edit": can_edit})


def _agreement_or_404(actor: Actor, pk: int):
    agreement = agreements_for_org(organisation=actor.organisation).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


@api_counterpart(
    "GET /agreements/{agreement_id}",
    "GET /agreements/{agreement_id}/versions",
    "GET /agreements/{agreement_id}/versions/{version_id}",
)
@actor_view()
def agreement_detail_view(request, actor: Actor, pk: int):
    """The agreement with its versions: each party's approval and what each version changed."""
    agreement = _agreement_or_404(actor, pk)
    summaries = version_summaries(agreement=agreement, roles=actor.roles, union_ids=actor.union_ids)
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "summaries": summaries,
            "pending": version_pending(agreement=agreement),
            "can_edit": actor.has(*VERSION_EDITORS),
        },
    )


@api_counterpart(
    "POST /agreements", "GET /agreements/{agreement_id}", "PUT /agreements/{agreement_id}"
)
@actor_view(*VERSION_EDITORS)
def agreement_edit_view(request, actor: Actor, pk: int | None = None):
    """Add an agreement, or change one: its title and dates at once, its rules as the draft
    version the parties approve."""
    instance = _agreement_or_404(actor, pk) if pk is not None else None
    draft = version_pending(agreement=instance) if instance is not None else None
    form = AgreementForm(
        request.POST or None, instance=instance, organisation=actor.organisation, draft=draft
    )
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        unions, measure_types = list(d.pop("unions")), list(d.pop("measure_types"))
        d["cap_per_person_ore"] = d.pop("cap_per_person")
        d["cap_per_application_ore"] = d.pop("cap_per_application")
        try:
            saved = agreement_save(
                actor=actor.user,
                organisation=actor.organisation,
                agreement=instance,
                unions=unions,
                measure_types=measure_types,
                **d,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            pending = version_pending(agreement=saved) if instance is not None else None
            if pending is not None:
                messages.success(
                    request,
                    _(
                        "Ändringen av reglerna är sparad som utkast till version %(n)d. Den "
                        "gäller först när arbetsgivaren och alla fackliga parter har godkänt den."
                    )
                    % {"n": pending.number},
                )
            else:
                messages.success(request, _("Avtalet är sparat."))
            return redirect("agreements:detail", pk=saved.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "agreement": instance, "draft": draft},
    )


def _version_or_404(actor: Actor, pk: int, version_id: int):
    version = version_get(agreement=_agreement_or_404(actor, pk), pk=version_id)
    if version is None:
        raise Http404
    return version


@api_counterpart("POST /agreements/{agreement_id}/versions/{version_id}/approve")
@actor_view()
@recent_auth_required
def version_approve_view(request, actor: Actor, pk: int, version_id: int):
    """A party approves the draft (a button per party the reader represents)."""
    back = reverse("agreements:detail", kwargs={"pk": pk})
    if request.method != "POST":
        return redirect(back)
    version = _version_or_404(actor, pk, version_id)
    form = VersionApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj vilken part du godkänner för."))
        return redirect(back)
    union_id = form.cleaned_data["union"]
    union = None
    if union_id is not None:
        union = unions_for_org(organisation=actor.organisation).filter(pk=union_id).first()
        if union is None:
            raise Http404
    return post_action(
        request,
        lambda: version_approve(actor=actor, version=version, union=union),
        success=back,
        message=lambda v: (
            _("Version %(n)d är godkänd av alla parter.") % {"n": v.number}
            if v.status != v.Status.DRAFT
            else _("Ditt godkännande är registrerat. Versionen väntar på övriga parter.")
        ),
    )


@api_counterpart("POST /agreements/{agreement_id}/versions/{version_id}/withdraw")
@require_POST
@actor_view(*VERSION_EDITORS)
def version_withdraw_view(request, actor: Actor, pk: int, version_id: int):
    version = _version_or_404(actor, pk, version_id)
    return post_action(
        request,
        lambda: version_withdraw(actor=actor, version=version),
        success=reverse("agreements:detail", kwargs={"pk": pk}),
        message=_("Utkastet är borttaget. Den gällande versionen gäller som förut."),
    )
