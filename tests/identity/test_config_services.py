"""The SSO configuration services: SAML metadata read for real with pysaml2 (uploaded, or
fetched from a local HTTP server), the OIDC secret kept and never audited, the guard against
locking oneself out, and group → role mappings held to this organisation's units and unions."""

import json

import pytest

from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.identity.models import ExternalIdentity, RoleMapping, SsoConfig
from lom.identity.services.config import (
    role_mapping_add,
    role_mapping_remove,
    sso_config_delete,
    sso_config_save,
)
from tests.identity import config_fixtures
from tests.identity.config_fixtures import IDP_ENTITY_ID

metadata_xml = config_fixtures.metadata_xml
metadata_server = config_fixtures.metadata_server

SECRET = "s3cret-value-never-shown"


def _oidc(world, **kw):
    fields = {
        "protocol": "oidc",
        "oidc_issuer": "https://login.example.test/tenant/v2.0",
        "oidc_client_id": "lom-client",
        "oidc_client_secret": SECRET,
    } | kw
    return sso_config_save(actor=world.admin, organisation=world.org, **fields)


def test_saml_config_from_uploaded_metadata_keeps_the_idp_entity_id(world, metadata_xml):
    config = sso_config_save(
        actor=world.admin, organisation=world.org, protocol="saml", saml_metadata_xml=metadata_xml
    )
    assert config.saml_idp_entity_id == IDP_ENTITY_ID
    assert config.saml_metadata_xml == metadata_xml.strip()
    event = AuditEvent.objects.get(action="sso.config_create", organisation=world.org)
    assert event.after["saml_idp_entity_id"] == IDP_ENTITY_ID
    assert "saml_metadata_xml" not in event.after  # the size only, not the document


@pytest.mark.parametrize(
    "xml",
    [
        "<not xml",
        "<html><body>hello</body></html>",
        '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
    ],
)
def test_metadata_that_is_not_one_idp_is_refused_naming_the_field(world, xml):
    with pytest.raises(DomainError) as exc:
        sso_config_save(
            actor=world.admin, organisation=world.org, protocol="saml", saml_metadata_xml=xml
        )
    assert exc.value.field == "saml_metadata_xml"
    assert not SsoConfig.objects.filter(organisation=world.org).exists()


def test_saml_needs_metadata(world):
    with pytest.raises(DomainError) as exc:
        sso_config_save(actor=world.admin, organisation=world.org, protocol="saml")
    assert exc.value.field == "saml_metadata_url"


def test_metadata_url_is_fetched_on_save(world, metadata_server):
    config = sso_config_save(
        actor=world.admin,
        organisation=world.org,
        protocol="saml",
        saml_metadata_url=f"{metadata_server}/metadata.xml",
    )
    assert config.saml_idp_entity_id == IDP_ENTITY_ID
    assert config.saml_metadata_url.endswith("/metadata.xml")


@pytest.mark.parametrize(
    "url",
    ["/missing", "/not-metadata", "file:///etc/passwd", "ftp://127.0.0.1/x", "http://127.0.0.1:1/"],
)
def test_metadata_url_that_cannot_be_read_is_refused(world, metadata_server, url):
    full = f"{metadata_server}{url}" if url.startswith("/") else url
    with pytest.raises(DomainError) as exc:
        sso_config_save(
            actor=world.admin, organisation=world.org, protocol="saml", saml_metadata_url=full
        )
    assert exc.value.field == "saml_metadata_url"
    assert not SsoConfig.objects.exists()


def test_oidc_secret_is_required_on_create_and_kept_when_left_empty(world):
    with pytest.raises(DomainError) as exc:
        _oidc(world, oidc_client_secret="")
    assert exc.value.field == "oidc_client_secret"
    _oidc(world)
    config = _oidc(world, oidc_client_secret="", button_label="Logga in med Alfa-ID")
    assert config.oidc_client_secret == SECRET
    assert config.button_label == "Logga in med Alfa-ID"
    config = _oidc(world, oidc_client_secret="rotated")
    assert config.oidc_client_secret == "rotated"


def test_the_secret_never_reaches_the_audit_trail(world):
    _oidc(world)
    _oidc(world, oidc_client_secret="rotated")
    events = AuditEvent.objects.filter(action__startswith="sso.config", organisation=world.org)
    assert events.count() == 2
    for event in events:
        dumped = json.dumps([event.before, event.after]) + event.note
        assert SECRET not in dumped and "rotated" not in dumped
    assert events.last().after["client_secret_changed"] is True


def test_oidc_needs_issuer_and_client_id(world):
    for missing in ("oidc_issuer", "oidc_client_id"):
        with pytest.raises(DomainError) as exc:
            _oidc(world, **{missing: ""})
        assert exc.value.field == missing


def test_too_long_a_value_is_refused_naming_the_field(world):
    with pytest.raises(DomainError) as exc:
        _oidc(world, attr_groups="g" * 256)
    assert exc.value.field == "attr_groups"


def test_password_login_cannot_be_switched_off_by_an_admin_without_an_sso_link(world):
    _oidc(world)
    with pytest.raises(DomainError) as exc:
        _oidc(world, password_login_enabled=False)
    assert exc.value.field == "password_login_enabled"
    assert SsoConfig.objects.get(organisation=world.org).password_login_enabled is True
    ExternalIdentity.objects.create(
        organisation=world.org, user=world.admin, protocol="oidc", subject="admin-sub"
    )
    assert _oidc(world, password_login_enabled=False).password_login_enabled is False


def test_password_login_cannot_be_off_while_sso_is_disabled(world):
    ExternalIdentity.objects.create(
        organisation=world.org, user=world.admin, protocol="oidc", subject="admin-sub"
    )
    with pytest.raises(DomainError) as exc:
        _oidc(world, enabled=False, password_login_enabled=False)
    assert exc.value.field == "password_login_enabled"


def test_mappings_take_units_and_unions_of_this_organisation_only(world, other_world):
    _oidc(world)
    add = dict(actor=world.admin, organisation=world.org)
    with pytest.raises(DomainError) as exc:
        role_mapping_add(**add, group="LOM-Chefer", role="manager", unit_id=other_world.unit_a.pk)
    assert exc.value.field == "unit"
    with pytest.raises(DomainError) as exc:
        role_mapping_add(**add, group="LOM-Fack", role="union_rep", union_id=other_world.union.pk)
    assert exc.value.field == "union"
    with pytest.raises(DomainError) as exc:
        role_mapping_add(**add, group="LOM-Chefer", role="manager")
    assert exc.value.field == "unit"
    assert not RoleMapping.objects.exists()
    mapping = role_mapping_add(**add, group="LOM-Chefer", role="manager", unit_id=world.unit_a.pk)
    assert mapping.unit == world.unit_a
    with pytest.raises(DomainError):
        role_mapping_add(**add, group="LOM-Chefer", role="manager", unit_id=world.unit_a.pk)
    role_mapping_remove(actor=world.admin, mapping=mapping)
    assert not RoleMapping.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="sso.mapping").values_list("action", flat=True)
    )
    assert sorted(actions) == ["sso.mapping_add", "sso.mapping_remove"]


def test_mapping_needs_a_config(world):
    with pytest.raises(DomainError):
        role_mapping_add(actor=world.admin, organisation=world.org, group="g", role="coordinator")


def test_delete_removes_config_and_mappings(world):
    _oidc(world)
    role_mapping_add(actor=world.admin, organisation=world.org, group="g", role="coordinator")
    sso_config_delete(actor=world.admin, organisation=world.org)
    assert not SsoConfig.objects.exists() and not RoleMapping.objects.exists()
    assert AuditEvent.objects.filter(action="sso.config_delete").exists()
