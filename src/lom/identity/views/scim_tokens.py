"""The organisation administrator's SCIM tokens: list, issue (the raw token is shown once, on
the page that answers the POST, and never again), revoke."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_for_posts
from lom.common.web import actor_view, add_domain_error, form_status, post_action
from lom.identity.forms.scim_tokens import ScimTokenForm
from lom.identity.selectors.scim import scim_tokens_for_org
from lom.identity.services import scim_tokens as services
from lom.organisations.access import Actor


@api_counterpart("GET /identity/scim-tokens", "POST /identity/scim-tokens")
@recent_auth_for_posts
@actor_view("org_admin")
def scim_tokens_view(request, actor: Actor):
    form = ScimTokenForm(request.POST or None)
    raw = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.scim_token_issue(
                actor=actor.user, organisation=actor.organisation, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = ScimTokenForm()
    status = 200 if raw else form_status(request)
    context = {
        "form": form,
        "raw": raw,
        "tokens": scim_tokens_for_org(organisation=actor.organisation),
        "scim_url": request.build_absolute_uri(
            reverse("scim:users_org", kwargs={"org": actor.organisation.slug}).removesuffix("Users")
        ),
    }
    return render(request, "identity/scim_tokens_list.html", context, status=status)


@api_counterpart("DELETE /identity/scim-tokens/{token_id}")
@recent_auth_for_posts
@actor_view("org_admin")
def scim_token_revoke_view(request, actor: Actor, pk: int):
    if request.method != "POST":  # back from re-authentication: press the button again
        return redirect("identity:scim_tokens")
    return post_action(
        request,
        lambda: services.scim_token_revoke(
            actor=actor.user, organisation=actor.organisation, token_id=pk
        ),
        success="identity:scim_tokens",
        message=_("Nyckeln är återkallad. Identitetsleverantören som använde den stoppas nu."),
    )
