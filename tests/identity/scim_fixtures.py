"""Fixtures of the SCIM tests: an organisation with an SSO configuration that maps the IdP
group LOM-Samordnare to coordinator, its SCIM token, and a client that speaks SCIM."""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lom.identity.models import RoleMapping, SsoConfig
from lom.identity.services.scim_tokens import scim_token_issue
from lom.organisations.models import Role

__all__ = ["other_scim", "scim", "scim_config"]

SCIM_JSON = "application/scim+json"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@dataclass
class ScimClient:
    client: Client
    raw: str
    base: str = "/scim/v2/"

    def call(self, method: str, path: str, body: Any = None, *, raw_body: str | None = None):
        data = raw_body if raw_body is not None else json.dumps(body) if body is not None else ""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"} if self.raw else {}
        return self.client.generic(
            method, self.base + path, data=data, content_type=SCIM_JSON, **headers
        )

    def get(self, path: str):
        return self.call("GET", path)

    def post(self, path: str, body: Any):
        return self.call("POST", path, body)

    def patch(self, path: str, operations: list[dict]):
        return self.call("PATCH", path, {"schemas": [PATCH_OP], "Operations": operations})


def entra_user(user_name: str, *, employee_number: str = "", email: str = "") -> dict:
    """A User as Entra ID's provisioning service POSTs it."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": f"ext-{user_name}",
        "userName": user_name,
        "active": True,
        "displayName": "Sara Samordnare",
        "emails": [{"primary": True, "type": "work", "value": email or user_name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Sara Samordnare", "familyName": "Samordnare", "givenName": "Sara"},
        "roles": [],
        ENTERPRISE: {"employeeNumber": employee_number, "department": "HR"},
    }


def okta_user(user_name: str) -> dict:
    """A User as Okta POSTs it (password and locale included, groups empty)."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "name": {"givenName": "Olle", "familyName": "Okta"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Olle Okta",
        "locale": "en-US",
        "externalId": "00u1abcd",
        "groups": [],
        "password": "ignored-1234",
        "active": True,
    }


@pytest.fixture
def scim_config(world):
    config = SsoConfig.objects.create(organisation=world.org, protocol="saml")
    RoleMapping.objects.create(config=config, group="LOM-Samordnare", role=Role.COORDINATOR)
    return config


@pytest.fixture
def scim(world, scim_config) -> ScimClient:
    _token, raw = scim_token_issue(actor=None, organisation=world.org, name="Entra ID")
    return ScimClient(client=Client(), raw=raw)


@pytest.fixture
def other_scim(other_world) -> ScimClient:
    _token, raw = scim_token_issue(actor=None, organisation=other_world.org, name="Okta")
    return ScimClient(client=Client(), raw=raw)
