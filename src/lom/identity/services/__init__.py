"""Writes of the identity package: SSO configuration, sign-in, SCIM provisioning."""

from lom.identity.services.provisioning import (
    IdentityClaims,
    NoRoleError,
    identity_hash,
    sso_refusal_record,
    sso_sign_in,
)

__all__ = [
    "IdentityClaims",
    "NoRoleError",
    "identity_hash",
    "sso_refusal_record",
    "sso_sign_in",
]
