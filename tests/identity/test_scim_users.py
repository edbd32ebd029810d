"""SCIM Users as Entra ID and Okta send them: create, read, filter, change, deactivate, and the
effect on the user's next request (browser session and API token)."""

from django.conf import settings
from django.test import Client
from django.utils.module_loading import import_string

from lom.accounts.models import ApiToken, User
from lom.common.models import AuditEvent
from lom.identity.models import ManagedAccount
from lom.organisations.models import Membership, Role
from tests.identity.scim_fixtures import *  # noqa: F403 (the fixtures)
from tests.identity.scim_fixtures import ENTERPRISE, entra_user, okta_user


def _create(scim, user_name="sara@alfa.se", **kw):
    response = scim.post("Users", entra_user(user_name, **kw))
    assert response.status_code == 201, response.content
    return response.json()


def test_entra_create_makes_a_managed_account(scim, world):
    body = _create(scim)
    assert body["userName"] == "sara@alfa.se"
    assert body["active"] is True
    assert body["emails"][0]["value"] == "sara@alfa.se"
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{body['id']}")
    user = User.objects.get(pk=int(body["id"]))
    assert (user.first_name, user.last_name, user.has_usable_password()) == (
        "Sara",
        "Samordnare",
        False,
    )
    account = ManagedAccount.objects.get(user=user)
    assert (account.organisation, account.source, account.external_id) == (
        world.org,
        "scim",
        "ext-sara@alfa.se",
    )
    assert AuditEvent.objects.filter(
        organisation=world.org, action="scim.user_create", target_id=user.pk
    ).exists()


def test_okta_create_ignores_attributes_lom_does_not_keep(scim):
    response = scim.post("Users", okta_user("olle@alfa.se"))
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/scim+json"
    assert response.json()["name"]["givenName"] == "Olle"


def test_create_links_the_employee_record_by_employee_number(scim, world):
    world.colleague_rec.user = None
    world.colleague_rec.employee_number = "A-77"
    world.colleague_rec.save(update_fields=["user", "employee_number"])
    body = _create(scim, "kim@alfa.se", employee_number="A-77")
    world.colleague_rec.refresh_from_db()
    assert world.colleague_rec.user_id == int(body["id"])
    assert body[ENTERPRISE]["employeeNumber"] == "A-77"
    # On the register: the employee role (employee_role_from_register), given by the IdP.
    assert Membership.objects.filter(
        user_id=int(body["id"]), role=Role.EMPLOYEE, source="idp"
    ).exists()


def test_get_and_filter_by_user_name_and_external_id(scim):
    body = _create(scim)
    assert scim.get(f"Users/{body['id']}").json()["userName"] == "sara@alfa.se"
    listed = scim.get('Users?filter=userName eq "SARA@alfa.se"').json()
    assert listed["totalResults"] == 1
    assert listed["Resources"][0]["id"] == body["id"]
    assert scim.get('Users?filter=externalId eq "ext-sara@alfa.se"').json()["totalResults"] == 1
    assert scim.get('Users?filter=userName eq "nobody@alfa.se"').json()["totalResults"] == 0


def test_paging(scim):
    for n in range(3):
        _create(scim, f"p{n}@alfa.se")
    page = scim.get("Users?startIndex=2&count=1").json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert page["Resources"][0]["userName"] == "p1@alfa.se"


def test_unsupported_filter_is_400_invalid_filter(scim):
    response = scim.get('Users?filter=name.givenName co "Sa"')
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_entra_deactivation_signs_the_user_out_and_stops_api_tokens(scim, scim_config, world):
    body = _create(scim)
    user = User.objects.get(pk=int(body["id"]))
    Membership.objects.create(organisation=world.org, user=user, role=Role.COORDINATOR)
    browser = Client()
    browser.force_login(user)
    assert browser.get("/funds/").status_code == 200
    _token, raw = ApiToken.issue(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/cases").status_code == 200

    response = scim.patch(
        f"Users/{body['id']}", [{"op": "Replace", "path": "active", "value": "False"}]
    )
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False

    page = browser.get("/funds/")
    assert page.status_code == 302 and "/login" in page["Location"]
    assert api.get("/api/v1/cases").status_code == 401

    # Okta's shape: a value object without a path. Access is back.
    response = scim.patch(f"Users/{body['id']}", [{"op": "replace", "value": {"active": True}}])
    assert response.json()["active"] is True
    assert api.get("/api/v1/cases").status_code == 200
    browser.force_login(user)
    assert browser.get("/funds/").status_code == 200


def test_patch_attributes_and_put_replace(scim):
    body = _create(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        [
            {"op": "Replace", "path": "name.givenName", "value": "Sanna"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "sanna@alfa.se"},
            {"op": "Add", "path": f"{ENTERPRISE}:employeeNumber", "value": "B-2"},
            {"op": "Replace", "path": "title", "value": "Handläggare"},
        ],
    )
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["name"]["givenName"] == "Sanna"
    assert out["emails"][0]["value"] == "sanna@alfa.se"
    assert out[ENTERPRISE]["employeeNumber"] == "B-2"
    replaced = scim.call("PUT", f"Users/{body['id']}", entra_user("sanna@alfa.se"))
    assert replaced.status_code == 200
    assert replaced.json()["userName"] == "sanna@alfa.se"
    assert replaced.json()[ENTERPRISE]["employeeNumber"] == ""


def test_delete_deactivates_and_answers_204(scim, world):
    body = _create(scim)
    response = scim.call("DELETE", f"Users/{body['id']}")
    assert response.status_code == 204
    user = User.objects.get(pk=int(body["id"]))
    assert user.is_active is False
    assert AuditEvent.objects.filter(action="scim.user_deactivate", target_id=user.pk).exists()
    # Provisioned again later: the same account comes back active.
    again = scim.post("Users", entra_user("sara@alfa.se"))
    assert again.status_code == 201
    assert again.json()["id"] == body["id"] and again.json()["active"] is True


def test_duplicate_user_name_is_409(scim, world):
    _create(scim)
    response = scim.post("Users", entra_user("sara@alfa.se"))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    # A local account's name is taken too.
    response = scim.post("Users", entra_user(world.coordinator.username, email="c@alfa.se"))
    assert response.status_code == 409
    assert User.objects.filter(username__iexact="sara@alfa.se").count() == 1


def test_malformed_json_and_bad_values_are_400_and_change_nothing(scim, world):
    before = User.objects.count()
    bad = scim.call("POST", "Users", raw_body="{not json")
    assert bad.status_code == 400
    assert bad.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert bad.json()["scimType"] == "invalidSyntax"
    for body, attribute in [
        ({"userName": ""}, "userName"),
        ({"userName": "x" * 151}, "userName"),
        (entra_user("a@alfa.se") | {"active": "perhaps"}, "active"),
        (entra_user("a@alfa.se") | {"emails": [{"value": "not-an-email"}]}, "emails"),
        (entra_user("a@alfa.se") | {ENTERPRISE: {"employeeNumber": "9" * 41}}, "employeeNumber"),
    ]:
        response = scim.post("Users", body)
        assert response.status_code == 400, body
        assert response.json()["scimType"] == "invalidValue"
        assert attribute in response.json()["detail"]
    assert User.objects.count() == before
    assert AuditEvent.objects.filter(organisation=world.org, action="scim.refused").count() == 6


def test_bad_patch_is_400_and_changes_nothing(scim):
    body = _create(scim)
    unknown = scim.patch(f"Users/{body['id']}", [{"op": "replace", "path": "shoeSize", "value": 9}])
    assert unknown.status_code == 400 and unknown.json()["scimType"] == "invalidPath"
    wrong_op = scim.patch(f"Users/{body['id']}", [{"op": "move", "path": "active"}])
    assert wrong_op.status_code == 400
    half = scim.patch(
        f"Users/{body['id']}",
        [
            {"op": "replace", "path": "active", "value": False},
            {"op": "replace", "path": "active", "value": "maybe"},
        ],
    )
    assert half.status_code == 400
    assert User.objects.get(pk=int(body["id"])).is_active is True


def test_unknown_and_other_organisations_user_are_404(scim, other_scim):
    body = _create(scim)
    assert scim.get("Users/999999").status_code == 404
    assert scim.get("Users/abc").status_code == 404
    other = other_scim.get(f"Users/{body['id']}")
    assert other.status_code == 404
    assert other.json()["status"] == "404"
    assert other_scim.call("DELETE", f"Users/{body['id']}").status_code == 404
    assert User.objects.get(pk=int(body["id"])).is_active is True
    # A local (unmanaged) user of the organisation is not the IdP's either.
    assert scim.get(f"Users/{User.objects.get(username='alfa-admin').pk}").status_code == 404


def test_tokens_are_required_and_per_organisation(scim, other_scim, world):
    body = _create(scim)
    for raw in ("", "scim_wrong", "Basic abc"):
        scim.raw = raw
        response = scim.get("Users")
        assert response.status_code == 401
        assert response.json()["status"] == "401"
    # Under the organisation's own URL, another organisation's token is refused.
    other_scim.base = f"/scim/v2/{world.org.slug}/"
    assert other_scim.get("Users").status_code == 401
    assert other_scim.get(f"Users/{body['id']}").status_code == 401
    assert AuditEvent.objects.filter(organisation=world.org, action="scim.refused").exists()


def test_organisation_url_works_with_its_own_token(scim, world):
    scim.base = f"/scim/v2/{world.org.slug}/"
    body = _create(scim)
    assert f"/scim/v2/{world.org.slug}/Users/" in body["meta"]["location"]
    assert scim.get(f"Users/{body['id']}").status_code == 200


def test_discovery_endpoints(scim):
    config = scim.get("ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    types = scim.get("ResourceTypes").json()
    assert {t["id"] for t in types["Resources"]} == {"User", "Group"}
    schemas = scim.get("Schemas").json()
    assert ENTERPRISE in {s["id"] for s in schemas["Resources"]}


def test_oversized_body_is_413_and_changes_nothing(scim):
    before = User.objects.count()
    body = entra_user("big@alfa.se") | {"title": "x" * 1_100_000}
    response = scim.post("Users", body)
    assert response.status_code == 413
    assert response.json()["status"] == "413"
    assert User.objects.count() == before
    assert AuditEvent.objects.filter(action="scim.refused", after__status=413).exists()


def test_renaming_to_a_taken_user_name_is_409(scim, world):
    body = _create(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        [{"op": "replace", "path": "userName", "value": world.coordinator.username.upper()}],
    )
    assert response.status_code == 409
    assert User.objects.get(pk=int(body["id"])).username == "sara@alfa.se"


def test_every_session_backend_refuses_a_deactivated_user(scim):
    """Signing out everywhere rests on this: no configured backend hands a session an
    inactive user (a backend that allowed all users would undo SCIM deactivation)."""
    body = _create(scim)
    scim.call("DELETE", f"Users/{body['id']}")
    for path in settings.AUTHENTICATION_BACKENDS:
        backend = import_string(path)()
        if hasattr(backend, "get_user"):
            assert backend.get_user(int(body["id"])) is None, path
