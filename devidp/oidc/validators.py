"""The claims LOM reads (email, names, employeeNumber, groups) from `devidp/users.json`, and
the test-only knobs: a wrong `iss`, an ID token expired on issue, a wrong `aud`, claims
changed after signing."""

import base64
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator

USERS_FILE = Path(__file__).resolve().parents[1] / "users.json"
PEOPLE = {p["username"]: p for p in json.loads(USERS_FILE.read_text())["users"]}


class DevIdpValidator(OAuth2Validator):
    # Every claim goes into the ID token, whatever the scopes (groups has no standard scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        person = PEOPLE.get(request.user.username, {})
        return {
            "preferred_username": request.user.username,
            "email": person.get("email", ""),
            "given_name": person.get("given_name", ""),
            "family_name": person.get("family_name", ""),
            "employeeNumber": person.get("employee_number", ""),
            "groups": list(person.get("groups", [])),
        }

    @staticmethod
    def _knob(request) -> str:
        return settings.DEVIDP_CLIENT_KNOBS.get(getattr(request.client, "client_id", ""), "")

    def get_oidc_issuer_endpoint(self, request):
        if self._knob(request) == "wrong-issuer":
            return settings.WRONG_ISSUER
        return settings.DEVIDP_ID_TOKEN_ISSUER or super().get_oidc_issuer_endpoint(request)

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        if self._knob(request) == "expired":
            expires = timezone.now() - timedelta(hours=1)
            claims["exp"] = int(expires.timestamp())
        if self._knob(request) == "wrong-audience":
            claims["aud"] = "another-relying-party"
        return claims, expires

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if self._knob(request) != "tampered":
            return signed
        # Give the person one more group after signing: the signature no longer matches.
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = [*claims.get("groups", []), "LOM-Administratörer"]
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"
