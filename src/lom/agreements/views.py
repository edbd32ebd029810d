from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.forms import AgreementForm
from lom.agreements.selectors import agreement_current, agreements_for_org
from lom.agreements.services import agreement_save
from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.web import actor_view, add_domain_error
from lom.organisations.access import Actor


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
    can_edit = actor.has("coordinator", "org_admin")
    return render(request, "agreements/list.html", {"agreements": agreements, "can_edit": can_edit})


@api_counterpart(
    "POST /agreements", "GET /agreements/{agreement_id}", "PUT /agreements/{agreement_id}"
)
@actor_view("coordinator", "org_admin")
def agreement_edit_view(request, actor: Actor, pk: int | None = None):
    instance = None
    if pk is not None:
        instance = agreements_for_org(organisation=actor.organisation).filter(pk=pk).first()
        if instance is None:
            raise Http404
    form = AgreementForm(request.POST or None, instance=instance, organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        unions, measure_types = list(d.pop("unions")), list(d.pop("measure_types"))
        d["cap_per_person_ore"] = d.pop("cap_per_person")
        d["cap_per_application_ore"] = d.pop("cap_per_application")
        try:
            agreement_save(
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
            messages.success(request, _("Avtalet är sparat."))
            return redirect("agreements:list")
    return render(request, "agreements/form.html", {"form": form, "agreement": instance})
