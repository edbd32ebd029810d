"""An organisation's SSO configuration: save it (SAML 2.0 or OpenID Connect), delete it, and
map the identity provider's groups to roles. Every change is audited; the OIDC client secret
never reaches the audit trail, a page or an API answer.

SAML metadata is read with pysaml2 (xmlsec1 checks nothing here: metadata is parsed, not
verified) and must describe exactly one identity provider, whose entity id is kept. A metadata
URL is fetched on save, before the transaction opens: http(s) only, a short timeout and a size
cap, so a slow or huge answer cannot hold a worker."""

import time
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from saml2 import SAMLError
from saml2.attribute_converter import ac_factory
from saml2.config import Config
from saml2.mdstore import MetadataStore

from lom.accounts.models import User
from lom.common.audit import audit
from lom.common.errors import DomainError
from lom.common.validation import fields_within
from lom.identity.models import METADATA_XML_MAX, Protocol, RoleMapping, SsoConfig
from lom.identity.selectors.config import (
    has_sso_link,
    sso_config_for_org,
    union_of_org,
    unit_of_org,
)
from lom.organisations.models import Organisation, Role

METADATA_FETCH_TIMEOUT = 10  # seconds, for the connection and for the whole download
METADATA_FETCH_MAX_BYTES = METADATA_XML_MAX * 4  # UTF-8: at most four bytes a character
XMLSEC_BINARY = getattr(settings, "SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
# The fields of SsoConfig an admin sets (the secret and the metadata XML apart).
PLAIN_FIELDS = (
    "protocol",
    "enabled",
    "button_label",
    "saml_metadata_url",
    "sweden_connect",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_scopes",
    "attr_email",
    "attr_employee_number",
    "attr_groups",
    "attr_given_name",
    "attr_family_name",
    "employee_role_from_register",
    "password_login_enabled",
)
_HTTP_URL = URLValidator(schemes=["http", "https"])


def idp_entity_id_from_metadata(xml: str) -> str:  # pure: parses, writes nothing
    """The entity id of the one identity provider the SAML metadata describes."""
    if len(xml) > METADATA_XML_MAX:
        raise DomainError(
            _("Metadata får vara högst %(n)d tecken.") % {"n": METADATA_XML_MAX},
            field="saml_metadata_xml",
        )
    config = Config()
    config.xmlsec_binary = XMLSEC_BINARY
    store = MetadataStore(ac_factory(), config)
    try:
        store.load("inline", xml)
        idps = list(store.identity_providers())
    except (SAMLError, ValueError, TypeError, SyntaxError) as exc:
        raise DomainError(
            _("Filen gick inte att läsa som SAML-metadata (%(e)s).") % {"e": str(exc)[:200]},
            field="saml_metadata_xml",
        ) from exc
    if len(idps) != 1:
        raise DomainError(
            _("Metadata ska beskriva exakt en identitetsleverantör (IdP), den beskriver %(n)d.")
            % {"n": len(idps)},
            field="saml_metadata_xml",
        )
    return str(idps[0])


def _check_url(url: str, field: str) -> None:
    try:
        _HTTP_URL(url)
    except ValidationError as exc:
        raise DomainError(
            _("Ange en adress som börjar med https:// eller http://."), field=field
        ) from exc


def _fetch_metadata(url: str) -> str:
    """The metadata at `url` (http or https), read within the time and size limits."""
    _check_url(url, "saml_metadata_url")
    unreadable = _("Metadata kunde inte hämtas från adressen: %(e)s")
    deadline = time.monotonic() + METADATA_FETCH_TIMEOUT
    chunks: list[bytes] = []
    size = 0
    try:
        with requests.get(
            url, timeout=METADATA_FETCH_TIMEOUT, stream=True, allow_redirects=True
        ) as response:
            if response.status_code != 200:
                raise DomainError(
                    unreadable % {"e": f"HTTP {response.status_code}"}, field="saml_metadata_url"
                )
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > METADATA_FETCH_MAX_BYTES:
                    raise DomainError(unreadable % {"e": _("för stor")}, field="saml_metadata_url")
                if time.monotonic() > deadline:
                    raise DomainError(
                        unreadable % {"e": _("för långsam")}, field="saml_metadata_url"
                    )
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise DomainError(
            unreadable % {"e": type(exc).__name__}, field="saml_metadata_url"
        ) from exc
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DomainError(unreadable % {"e": "UTF-8"}, field="saml_metadata_url") from exc


def _saml_metadata(
    *, config: SsoConfig | None, url: str, xml: str
) -> tuple[str, str]:  # step: (stored xml, idp entity id)
    """Uploaded XML wins; else the URL is fetched; else the XML stored before is kept."""
    if xml:
        return xml, idp_entity_id_from_metadata(xml)
    if url:
        fetched = _fetch_metadata(url)
        try:
            return "", idp_entity_id_from_metadata(fetched)
        except DomainError as exc:
            raise DomainError(exc.message, field="saml_metadata_url") from exc
    if config is not None and config.saml_metadata_xml:
        return config.saml_metadata_xml, config.saml_idp_entity_id
    raise DomainError(
        _("Ange IdP:ns metadata-URL eller ladda upp dess metadata (XML)."),
        field="saml_metadata_url",
    )


def _snapshot(config: SsoConfig | None) -> dict[str, Any]:
    """What the audit trail keeps of a configuration: never the secret, nor the whole XML."""
    if config is None:
        return {}
    return {name: getattr(config, name) for name in PLAIN_FIELDS} | {
        "saml_idp_entity_id": config.saml_idp_entity_id,
        "saml_metadata_xml_chars": len(config.saml_metadata_xml),
        "has_client_secret": config.has_client_secret,
    }


def _guard_password_off(
    *,
    actor: User | None,
    organisation: Organisation,
    config: SsoConfig | None,
    enabled: bool,
    password_login_enabled: bool,
) -> None:
    if password_login_enabled:
        return
    if not enabled:
        raise DomainError(
            _(
                "Lösenordsinloggning kan inte stängas av när inloggning via IdP är avstängd: "
                "då kan ingen logga in."
            ),
            field="password_login_enabled",
        )
    switching_off = config is None or config.password_login_enabled
    if (
        switching_off
        and actor is not None
        and not actor.is_superuser
        and not has_sso_link(organisation=organisation, user=actor)
    ):
        raise DomainError(
            _(
                "Du har ännu inte loggat in via organisationens IdP. Logga in via IdP en gång "
                "innan du stänger av lösenordsinloggningen, annars låser du ute dig själv."
            ),
            field="password_login_enabled",
        )


def sso_config_save(
    *,
    actor: User | None,
    organisation: Organisation,
    protocol: str,
    enabled: bool = True,
    button_label: str = "",
    saml_metadata_url: str = "",
    saml_metadata_xml: str = "",
    sweden_connect: bool = False,
    oidc_issuer: str = "",
    oidc_client_id: str = "",
    oidc_client_secret: str = "",
    oidc_scopes: str = "openid email profile",
    attr_email: str = "email",
    attr_employee_number: str = "employeeNumber",
    attr_groups: str = "groups",
    attr_given_name: str = "given_name",
    attr_family_name: str = "family_name",
    employee_role_from_register: bool = True,
    password_login_enabled: bool = True,
) -> SsoConfig:
    """Create or update the organisation's configuration. An empty `oidc_client_secret` keeps
    the stored one; an empty `saml_metadata_xml` keeps the stored XML unless a URL is given."""
    texts = {
        "protocol": protocol,
        "button_label": button_label.strip(),
        "saml_metadata_url": saml_metadata_url.strip(),
        "oidc_issuer": oidc_issuer.strip(),
        "oidc_client_id": oidc_client_id.strip(),
        "oidc_client_secret": oidc_client_secret,
        "oidc_scopes": oidc_scopes.strip() or "openid",
        "attr_email": attr_email.strip(),
        "attr_employee_number": attr_employee_number.strip(),
        "attr_groups": attr_groups.strip(),
        "attr_given_name": attr_given_name.strip(),
        "attr_family_name": attr_family_name.strip(),
    }
    if protocol not in Protocol.values:
        raise DomainError(_("Välj SAML 2.0 eller OpenID Connect."), field="protocol")
    fields_within(SsoConfig, texts)
    for name in ("attr_email", "attr_groups"):
        if not texts[name]:
            raise DomainError(_("Ange attributets namn."), field=name)
    config = sso_config_for_org(organisation=organisation)
    values: dict[str, Any] = dict(texts)
    if protocol == Protocol.SAML:
        if texts["saml_metadata_url"]:
            _check_url(texts["saml_metadata_url"], "saml_metadata_url")
        xml, entity_id = _saml_metadata(
            config=config, url=texts["saml_metadata_url"], xml=saml_metadata_xml.strip()
        )
        values |= {"saml_metadata_xml": xml, "saml_idp_entity_id": entity_id[:1000]}
    else:
        if not texts["oidc_issuer"]:
            raise DomainError(_("Ange OIDC-utfärdarens adress (issuer)."), field="oidc_issuer")
        _check_url(texts["oidc_issuer"], "oidc_issuer")
        if not texts["oidc_client_id"]:
            raise DomainError(_("Ange klient-id."), field="oidc_client_id")
        if not oidc_client_secret and not (config and config.has_client_secret):
            raise DomainError(_("Ange klienthemligheten."), field="oidc_client_secret")
    if not oidc_client_secret:
        values.pop("oidc_client_secret")  # empty keeps what is stored
    _guard_password_off(
        actor=actor,
        organisation=organisation,
        config=config,
        enabled=enabled,
        password_login_enabled=password_login_enabled,
    )
    values |= {
        "enabled": enabled,
        "sweden_connect": sweden_connect,
        "employee_role_from_register": employee_role_from_register,
        "password_login_enabled": password_login_enabled,
    }
    with transaction.atomic(durable=True):
        before = _snapshot(config)
        if config is None:
            config = SsoConfig(organisation=organisation)
        for name, value in values.items():
            setattr(config, name, value)
        config.save()
        after = _snapshot(config) | {"client_secret_changed": bool(oidc_client_secret)}
        audit(
            organisation_id=organisation.pk,
            actor=actor,
            action="sso.config_create" if not before else "sso.config_update",
            target=config,
            before=before,
            after=after,
        )
    return config


@transaction.atomic(durable=True)
def sso_config_delete(*, actor: User | None, organisation: Organisation) -> None:
    """Remove the configuration and its mappings: everyone signs in with a password again."""
    config = sso_config_for_org(organisation=organisation)
    if config is None:
        raise DomainError(_("Organisationen har ingen inloggning via IdP."), code="not_found")
    before = _snapshot(config) | {"mappings": config.role_mappings.count()}
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="sso.config_delete",
        target=config,
        before=before,
    )
    config.delete()


@transaction.atomic(durable=True)
def role_mapping_add(
    *,
    actor: User | None,
    organisation: Organisation,
    group: str,
    role: str,
    unit_id: int | None = None,
    union_id: int | None = None,
) -> RoleMapping:
    """Members of the IdP group `group` get `role` (a manager's for the unit, a union
    representative's for the union: both of this organisation)."""
    config = sso_config_for_org(organisation=organisation)
    if config is None:
        raise DomainError(
            _("Spara inloggningsinställningen innan du lägger till gruppmappningar."),
            field="group",
        )
    group = group.strip()
    if not group:
        raise DomainError(_("Ange gruppens namn i IdP:n."), field="group")
    if role not in Role.values:
        raise DomainError(_("Okänd roll."), field="role")
    fields_within(RoleMapping, {"group": group})
    unit = union = None
    if role == Role.MANAGER:
        if unit_id is None:
            raise DomainError(_("En chef behöver en enhet."), field="unit")
        unit = unit_of_org(organisation=organisation, pk=unit_id)
        if unit is None:
            raise DomainError(_("Enheten finns inte i organisationen."), field="unit")
    if role == Role.UNION_REP:
        if union_id is None:
            raise DomainError(_("En facklig företrädare behöver ett förbund."), field="union")
        union = union_of_org(organisation=organisation, pk=union_id)
        if union is None:
            raise DomainError(_("Förbundet finns inte i organisationen."), field="union")
    if RoleMapping.objects.filter(
        config=config, group=group, role=role, unit=unit, union=union
    ).exists():
        raise DomainError(_("Den gruppmappningen finns redan."), field="group")
    mapping = RoleMapping.objects.create(
        config=config, group=group, role=role, unit=unit, union=union
    )
    audit(
        organisation_id=organisation.pk,
        actor=actor,
        action="sso.mapping_add",
        target=mapping,
        after={"group": group, "role": role, "unit": unit_id, "union": union_id},
    )
    return mapping


@transaction.atomic(durable=True)
def role_mapping_remove(*, actor: User | None, mapping: RoleMapping) -> None:
    """Members of the group keep their roles until their next sign-in or SCIM update."""
    organisation_id = mapping.config.organisation_id
    audit(
        organisation_id=organisation_id,
        actor=actor,
        action="sso.mapping_remove",
        target=mapping,
        before={
            "group": mapping.group,
            "role": mapping.role,
            "unit": mapping.unit_id,
            "union": mapping.union_id,
        },
    )
    mapping.delete()
