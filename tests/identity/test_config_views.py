"""The SSO settings page: the org admin configures SAML from an uploaded metadata file or OIDC
with a secret that is never shown again, maps groups to roles, and must have signed in
recently to change anything."""

from django.core.files.uploadedfile import SimpleUploadedFile

from lom.common.models import AuditEvent
from lom.identity.models import RoleMapping, SsoConfig
from tests.identity import config_fixtures
from tests.identity.config_fixtures import IDP_ENTITY_ID, signed_in

sso_admin = config_fixtures.sso_admin
stale_sso_admin = config_fixtures.stale_sso_admin
metadata_xml = config_fixtures.metadata_xml
URL = "/sso/settings/"
SECRET = "very-secret-client-secret"

BASE = {
    "attr_email": "email",
    "attr_employee_number": "employeeNumber",
    "attr_groups": "groups",
    "attr_given_name": "given_name",
    "attr_family_name": "family_name",
    "oidc_scopes": "openid email profile",
    "enabled": "on",
    "employee_role_from_register": "on",
    "password_login_enabled": "on",
}
OIDC = BASE | {
    "protocol": "oidc",
    "oidc_issuer": "https://login.example.test/v2.0",
    "oidc_client_id": "lom",
    "oidc_client_secret": SECRET,
}


def test_page_shows_what_the_idp_needs_and_is_in_the_admin_menu(sso_admin, world):
    response = sso_admin.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    slug = world.org.slug
    assert f"http://testserver/sso/saml/{slug}/metadata/" in html
    assert f"http://testserver/sso/saml/{slug}/acs/" in html
    assert f"http://testserver/sso/oidc/{slug}/callback/" in html
    assert 'href="/sso/settings/"' in sso_admin.get("/").content.decode()


def test_other_roles_may_not_open_it(world):
    assert signed_in(world.coordinator).get(URL).status_code == 403
    assert 'href="/sso/settings/"' not in signed_in(world.coordinator).get("/").content.decode()


def test_saml_from_an_uploaded_metadata_file(sso_admin, world, metadata_xml):
    upload = SimpleUploadedFile("idp.xml", metadata_xml.encode(), "application/xml")
    response = sso_admin.post(
        URL, BASE | {"protocol": "saml", "saml_metadata_file": upload, "saml_metadata_url": ""}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert SsoConfig.objects.get(organisation=world.org).saml_idp_entity_id == IDP_ENTITY_ID


def test_bad_metadata_file_is_refused_on_its_field_and_the_form_keeps_what_was_typed(
    sso_admin, world
):
    upload = SimpleUploadedFile("idp.xml", b"<html>nope</html>", "application/xml")
    response = sso_admin.post(
        URL,
        BASE | {"protocol": "saml", "saml_metadata_file": upload, "button_label": "Alfa-ID"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_saml_metadata_file_error"' in html
    assert "exakt en identitetsleverantör" in html
    assert 'value="Alfa-ID"' in html
    assert not SsoConfig.objects.exists()


def test_oidc_secret_is_never_echoed_and_kept_when_left_empty(sso_admin, world):
    assert sso_admin.post(URL, OIDC).status_code == 302
    page = sso_admin.get(URL).content.decode()
    assert SECRET not in page
    assert "En klienthemlighet är sparad." in page
    # A refused save does not echo the typed secret either.
    refused = sso_admin.post(URL, OIDC | {"attr_groups": "", "oidc_client_secret": "new-one"})
    assert refused.status_code == 400
    assert "new-one" not in refused.content.decode() and SECRET not in refused.content.decode()
    assert sso_admin.post(URL, OIDC | {"oidc_client_secret": ""}).status_code == 302
    assert SsoConfig.objects.get(organisation=world.org).oidc_client_secret == SECRET


def test_mappings_are_added_and_removed_on_the_page(sso_admin, world, other_world):
    sso_admin.post(URL, OIDC)
    refused = sso_admin.post(
        "/sso/settings/mappings/",
        {"group": "LOM-Chefer", "role": "manager", "unit": other_world.unit_a.pk},
    )
    assert refused.status_code == 400
    assert 'value="LOM-Chefer"' in refused.content.decode()
    ok = sso_admin.post(
        "/sso/settings/mappings/",
        {"group": "LOM-Chefer", "role": "manager", "unit": world.unit_a.pk},
    )
    assert ok.status_code == 302
    mapping = RoleMapping.objects.get(group="LOM-Chefer")
    assert "LOM-Chefer" in sso_admin.get(URL).content.decode()
    assert sso_admin.post(f"/sso/settings/mappings/{mapping.pk}/remove/").status_code == 302
    assert not RoleMapping.objects.exists()


def test_a_mapping_of_another_organisation_cannot_be_removed(sso_admin, world, other_world):
    sso_admin.post(URL, OIDC)
    other_admin = signed_in(other_world.admin)
    other_admin.post(URL, OIDC)
    other_admin.post("/sso/settings/mappings/", {"group": "G", "role": "coordinator"})
    theirs = RoleMapping.objects.get(config__organisation=other_world.org)
    assert sso_admin.post(f"/sso/settings/mappings/{theirs.pk}/remove/").status_code == 404
    assert RoleMapping.objects.filter(pk=theirs.pk).exists()


def test_password_off_without_an_sso_link_is_refused_with_a_clear_message(sso_admin, world):
    sso_admin.post(URL, OIDC)
    data = {k: v for k, v in OIDC.items() if k != "password_login_enabled"}
    response = sso_admin.post(URL, data)
    assert response.status_code == 400
    assert "låser du ute dig själv" in response.content.decode()
    assert SsoConfig.objects.get(organisation=world.org).password_login_enabled is True


def test_a_change_needs_a_recent_sign_in(stale_sso_admin, world):
    assert stale_sso_admin.get(URL).status_code == 200  # looking is fine
    for path in (URL, "/sso/settings/mappings/", "/sso/settings/delete/"):
        response = stale_sso_admin.post(path, OIDC)
        assert response.status_code == 302
        assert response["Location"].startswith("/sso/account/reauth/?next=")
    assert not SsoConfig.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="sso.").exists()


def test_delete(sso_admin, world):
    sso_admin.post(URL, OIDC)
    assert sso_admin.post("/sso/settings/delete/").status_code == 302
    assert not SsoConfig.objects.exists()
