"""SCIM Groups as Entra ID and Okta send them: membership gives and takes roles through the
organisation's group → role mappings, seen on the user's next request."""

from django.test import Client

from lom.accounts.models import User
from lom.common.models import AuditEvent
from lom.identity.models import ScimGroup
from lom.organisations.models import Membership, Role
from tests.identity.scim_fixtures import *  # noqa: F403 (the fixtures)
from tests.identity.scim_fixtures import entra_user

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _user(scim, name="sara@alfa.se"):
    response = scim.post("Users", entra_user(name))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _group(scim, name="LOM-Samordnare", members=()):
    body = {
        "schemas": [GROUP],
        "externalId": f"ext-{name}",
        "displayName": name,
        "meta": {"resourceType": "Group"},
    }
    if members:
        body["members"] = [{"value": m} for m in members]
    response = scim.post("Groups", body)
    assert response.status_code == 201, response.content
    return response.json()


def _is_coordinator(user_id) -> bool:
    return Membership.objects.filter(
        user_id=int(user_id), role=Role.COORDINATOR, source="idp"
    ).exists()


def test_entra_member_add_and_remove_change_roles_on_the_next_request(scim, world):
    user_id = _user(scim)
    browser = Client()
    browser.force_login(User.objects.get(pk=int(user_id)))
    assert browser.get("/funds/new/").status_code == 403  # no role yet
    group = _group(scim)
    add = scim.patch(
        f"Groups/{group['id']}",
        [{"op": "Add", "path": "members", "value": [{"$ref": None, "value": user_id}]}],
    )
    assert add.status_code == 200, add.content
    assert [m["value"] for m in add.json()["members"]] == [user_id]
    assert _is_coordinator(user_id)
    assert browser.get("/funds/new/").status_code == 200
    assert scim.get(f"Users/{user_id}").json()["groups"][0]["display"] == "LOM-Samordnare"

    remove = scim.patch(
        f"Groups/{group['id']}",
        [{"op": "Remove", "path": "members", "value": [{"$ref": None, "value": user_id}]}],
    )
    assert remove.status_code == 200
    assert not _is_coordinator(user_id)
    assert browser.get("/funds/new/").status_code == 403
    assert (
        AuditEvent.objects.filter(
            organisation=world.org, action="scim.group_patch", target_id=int(group["id"])
        ).count()
        == 2
    )


def test_okta_shapes_filter_remove_and_rename(scim):
    user_id = _user(scim)
    group = _group(scim, "Okta-grupp")
    scim.patch(
        f"Groups/{group['id']}",
        [{"op": "add", "path": "members", "value": [{"value": user_id, "display": "sara"}]}],
    )
    assert not _is_coordinator(user_id)  # the group maps to no role
    renamed = scim.patch(
        f"Groups/{group['id']}",
        [{"op": "replace", "value": {"id": group["id"], "displayName": "LOM-Samordnare"}}],
    )
    assert renamed.json()["displayName"] == "LOM-Samordnare"
    assert _is_coordinator(user_id)
    scim.patch(
        f"Groups/{group['id']}", [{"op": "remove", "path": f'members[value eq "{user_id}"]'}]
    )
    assert not _is_coordinator(user_id)


def test_create_with_members_get_filter_put_and_delete(scim):
    user_id = _user(scim)
    group = _group(scim, members=[user_id])
    assert _is_coordinator(user_id)
    assert scim.get(f"Groups/{group['id']}").json()["members"][0]["value"] == user_id
    found = scim.get('Groups?filter=displayName eq "LOM-Samordnare"&excludedAttributes=members')
    assert found.json()["totalResults"] == 1
    assert "members" not in found.json()["Resources"][0]
    assert scim.get('Groups?filter=displayName eq "Annan"').json()["totalResults"] == 0
    put = scim.call(
        "PUT", f"Groups/{group['id']}", {"schemas": [GROUP], "displayName": "LOM-Samordnare"}
    )
    assert put.status_code == 200 and put.json()["members"] == []
    assert not _is_coordinator(user_id)
    add = [{"op": "add", "path": "members", "value": [{"value": user_id}]}]
    scim.patch(f"Groups/{group['id']}", add)
    assert _is_coordinator(user_id)
    assert scim.call("DELETE", f"Groups/{group['id']}").status_code == 204
    assert not ScimGroup.objects.filter(pk=int(group["id"])).exists()
    assert not _is_coordinator(user_id)


def test_manual_roles_survive_group_changes(scim, world):
    user_id = _user(scim)
    Membership.objects.create(organisation=world.org, user_id=int(user_id), role=Role.AUDITOR)
    group = _group(scim, members=[user_id])
    scim.call("DELETE", f"Groups/{group['id']}")
    assert Membership.objects.filter(user_id=int(user_id), role=Role.AUDITOR).exists()


def test_group_refusals(scim, other_scim, world):
    user_id = _user(scim)
    group = _group(scim)
    assert scim.post("Groups", {"displayName": "LOM-Samordnare"}).status_code == 409
    assert scim.post("Groups", {"displayName": ""}).status_code == 400
    local = str(world.coordinator.pk)  # not an IdP account: no member of an IdP group
    bad = scim.patch(
        f"Groups/{group['id']}", [{"op": "add", "path": "members", "value": [{"value": local}]}]
    )
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidValue"
    assert "members" in bad.json()["detail"] or local in bad.json()["detail"]
    assert scim.get("Groups/424242").status_code == 404
    assert other_scim.get(f"Groups/{group['id']}").status_code == 404
    other_member = other_scim.post("Users", entra_user("olle@beta.se")).json()["id"]
    cross = scim.patch(
        f"Groups/{group['id']}",
        [{"op": "add", "path": "members", "value": [{"value": other_member}]}],
    )
    assert cross.status_code == 400
    assert ScimGroup.objects.get(pk=int(group["id"])).members.count() == 0
    assert scim.get('Groups?filter=members eq "1"').json()["scimType"] == "invalidFilter"
    assert user_id


def test_without_sso_config_groups_are_kept_and_give_no_role(scim, scim_config):
    scim_config.delete()
    user_id = _user(scim)
    group = _group(scim, members=[user_id])
    assert ScimGroup.objects.get(pk=int(group["id"])).members.filter(pk=int(user_id)).exists()
    assert not Membership.objects.filter(user_id=int(user_id)).exists()


def test_a_scim_change_keeps_the_roles_the_last_sign_in_gave(scim, scim_config, world):
    from lom.identity.models import ManagedAccount, RoleMapping
    from lom.identity.services import IdentityClaims, sso_sign_in

    RoleMapping.objects.create(config=scim_config, group="Alla anställda", role=Role.EMPLOYEE)

    user = sso_sign_in(
        organisation=world.org,
        claims=IdentityClaims(
            protocol="saml",
            issuer="https://idp.alfa.se",
            subject="sara",
            email="sara@alfa.se",
            groups=("LOM-Samordnare",),
        ),
    )
    assert _is_coordinator(user.pk)
    # The IdP then pushes another group with the user in it: the coordinator role that the
    # sign-in's groups gave stays; only the next sign-in's own groups change it.
    ManagedAccount.objects.filter(user=user).update(source="scim")
    group = _group(scim, "Alla anställda")
    add = scim.patch(
        f"Groups/{group['id']}",
        [{"op": "Add", "path": "members", "value": [{"value": str(user.pk)}]}],
    )
    assert add.status_code == 200, add.content
    assert _is_coordinator(user.pk)
    assert Membership.objects.filter(user=user, role=Role.EMPLOYEE, source="idp").exists()
    sso_sign_in(
        organisation=world.org,
        claims=IdentityClaims(
            protocol="saml", issuer="https://idp.alfa.se", subject="sara", groups=()
        ),
    )
    assert not _is_coordinator(user.pk)
    assert Membership.objects.filter(user=user, role=Role.EMPLOYEE, source="idp").exists()


def test_listing_users_and_groups_reads_a_page_in_a_fixed_number_of_queries(scim):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert scim.get(path).status_code == 200
        return len(ctx.captured_queries)

    ids = [_user(scim, f"u{i}@alfa.se") for i in range(2)]
    _group(scim, "G1", members=ids)
    _group(scim, "G2", members=ids[:1])
    few = (queries("Users"), queries("Groups"))
    more = [_user(scim, f"v{i}@alfa.se") for i in range(5)]
    _group(scim, "G3", members=ids + more)
    _group(scim, "G4", members=more)
    listed = scim.get("Users").json()["Resources"]
    assert {g["display"] for r in listed if r["id"] == ids[0] for g in r["groups"]} == {
        "G1",
        "G2",
        "G3",
    }
    assert (queries("Users"), queries("Groups")) == few
