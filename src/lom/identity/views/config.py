"""The organisation admin's SSO settings page: the configuration form, the group → role
mappings, and what the identity provider needs to know about LOM. Every POST is a sensitive
act and needs a recent sign-in (common.reauth)."""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lom.common.errors import DomainError
from lom.common.parity import api_counterpart
from lom.common.reauth import recent_auth_for_posts, recent_auth_required
from lom.common.web import actor_view, add_domain_error, form_status, post_action
from lom.identity.forms.config import RoleMappingForm, SsoConfigForm
from lom.identity.models import SsoConfig
from lom.identity.selectors.config import (
    role_mapping_get,
    role_mappings_for_org,
    sso_config_for_org,
)
from lom.identity.services.config import (
    role_mapping_add,
    role_mapping_remove,
    sso_config_delete,
    sso_config_save,
)
from lom.organisations.models import Organisation

SETTINGS = "identity:config"
# The service names the uploaded XML as the model does; the form's field is the upload.
FORM_FIELD = {"saml_metadata_xml": "saml_metadata_file"}


def _url(request: HttpRequest, name: str, slug: str) -> str:
    return request.build_absolute_uri(reverse(name, kwargs={"slug": slug}))


def idp_needs(request: HttpRequest, organisation: Organisation) -> dict[str, str]:
    """What the IdP's administrator registers for LOM, as absolute URLs."""
    slug = organisation.slug
    metadata = _url(request, "identity:saml_metadata", slug)
    return {
        "saml_entity_id": metadata,
        "saml_metadata_url": metadata,
        "saml_acs_url": _url(request, "identity:saml_acs", slug),
        "oidc_redirect_uri": _url(request, "identity:oidc_callback", slug),
    }


def _page(request, actor, config: SsoConfig | None, form, mapping_form):
    context = {
        "form": form,
        "mapping_form": mapping_form,
        "config": config,
        "has_client_secret": bool(config and config.oidc_client_secret),
        "mappings": list(role_mappings_for_org(organisation=actor.organisation)),
        "idp_needs": idp_needs(request, actor.organisation),
    }
    return render(request, "identity/config_settings.html", context, status=form_status(request))


@api_counterpart("GET /identity/sso", "PUT /identity/sso", "GET /identity/sso/mappings")
@actor_view("org_admin")
@recent_auth_for_posts
def settings_view(request, actor):
    config = sso_config_for_org(organisation=actor.organisation)
    stored = sso_config_for_org(organisation=actor.organisation)  # the form may alter its copy
    form = SsoConfigForm(request.POST or None, request.FILES or None, instance=stored)
    if request.method == "POST" and form.is_valid():
        try:
            sso_config_save(
                actor=actor.user, organisation=actor.organisation, **form.service_fields()
            )
        except DomainError as exc:
            exc.field = FORM_FIELD.get(exc.field or "", exc.field)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Inloggningsinställningen är sparad."))
            return redirect(SETTINGS)
    mapping_form = RoleMappingForm(organisation=actor.organisation)
    return _page(request, actor, config, form, mapping_form)


@api_counterpart("POST /identity/sso/mappings")
@require_POST
@actor_view("org_admin")
@recent_auth_required
def mapping_add_view(request, actor):
    config = sso_config_for_org(organisation=actor.organisation)
    mapping_form = RoleMappingForm(request.POST, organisation=actor.organisation)
    if mapping_form.is_valid():
        try:
            role_mapping_add(
                actor=actor.user, organisation=actor.organisation, **mapping_form.service_fields()
            )
        except DomainError as exc:
            add_domain_error(mapping_form, exc)
        else:
            messages.success(request, _("Gruppmappningen är tillagd."))
            return redirect(SETTINGS)
    form = SsoConfigForm(instance=sso_config_for_org(organisation=actor.organisation))
    return _page(request, actor, config, form, mapping_form)


@api_counterpart("DELETE /identity/sso/mappings/{mapping_id}")
@require_POST
@actor_view("org_admin")
@recent_auth_required
def mapping_remove_view(request, actor, pk: int):
    mapping = role_mapping_get(organisation=actor.organisation, pk=pk)
    if mapping is None:
        raise Http404
    return post_action(
        request,
        lambda: role_mapping_remove(actor=actor.user, mapping=mapping),
        success=reverse(SETTINGS),
        message=_("Gruppmappningen är borttagen."),
    )


@api_counterpart("DELETE /identity/sso")
@require_POST
@actor_view("org_admin")
@recent_auth_required
def delete_view(request, actor):
    return post_action(
        request,
        lambda: sso_config_delete(actor=actor.user, organisation=actor.organisation),
        success=reverse(SETTINGS),
        message=_("Inloggningsinställningen är borttagen. Alla loggar nu in med lösenord."),
    )
