"""OpenID Connect relying party: the authorization code flow with PKCE, one Authlib client per
organisation built at run time from its `SsoConfig`.

`oidc_start` sends the browser to the provider (state, nonce and the PKCE verifier kept in the
session); `oidc_verify_callback` checks what comes back (state, the provider's error, the code
exchanged over the back channel, the ID token's signature against the provider's JWKS, its
`iss`, `aud`, `exp` and nonce) and writes nothing in the database; `oidc_sign_in` then records
the ID token as used (replay refused) and signs the person in, in one transaction."""

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import errors as jose_errors

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.identity.models import Protocol, SeenAssertion, SsoConfig
from lom.identity.services.provisioning import IdentityClaims, _do_sso_sign_in
from lom.organisations.models import Organisation

METADATA_CACHE_SECONDS = 300  # discovery and JWKS are fetched again after five minutes
HTTP_TIMEOUT_SECONDS = 10
LEEWAY_SECONDS = 120  # clock skew allowed on exp / iat / auth_time
PENDING_KEY = "lom_oidc_pending"  # session: state → what to do when the provider answers
PENDING_MAX = 5  # sign-ins started in one session and not finished yet
# ID tokens are signed with the provider's private key; a shared-secret (HS*) token is refused.
ASYMMETRIC_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


class OidcRefusal(DomainError):
    """The provider's answer was refused; `code` names what was wrong (state, nonce, issuer,
    audience, expired, signature, claims, provider_error, token, unreachable, replay, stale)."""

    def __init__(self, message, *, code: str, status: int = 400):
        super().__init__(message, code=code)
        self.status = status


@dataclass(frozen=True)
class VerifiedLogin:
    """An ID token that passed every check, in LOM's terms."""

    claims: IdentityClaims
    replay_keys: tuple[str, ...]
    expires_at: datetime
    next_url: str
    reauthentication: bool


def _issuer(url: str) -> str:
    return url.rstrip("/")


def _fetch_json(url: str) -> dict[str, Any]:
    try:
        resp = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        resp.raise_for_status()
        data = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcRefusal(
            _("Identitetsleverantören gick inte att nå (%(url)s).") % {"url": url},
            code="unreachable",
            status=502,
        ) from exc
    if not isinstance(data, dict):
        raise OidcRefusal(
            _("Identitetsleverantören svarade inte med JSON (%(url)s).") % {"url": url},
            code="unreachable",
            status=502,
        )
    return data


def _metadata(config: SsoConfig) -> dict[str, Any]:
    """The provider's discovery document with its JWKS, cached briefly per issuer."""
    issuer = _issuer(config.oidc_issuer)
    key = "lom:oidc:metadata:" + hashlib.sha256(issuer.encode()).hexdigest()
    metadata = cache.get(key)
    if metadata is None:
        metadata = _fetch_json(f"{issuer}/.well-known/openid-configuration")
        if _issuer(str(metadata.get("issuer", ""))) != issuer:
            raise OidcRefusal(
                _(
                    "Identitetsleverantörens metadata anger en annan utfärdare (%(found)s) "
                    "än den som är inställd (%(issuer)s)."
                )
                % {"found": metadata.get("issuer", ""), "issuer": issuer},
                code="issuer",
            )
        for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not metadata.get(needed):
                raise OidcRefusal(
                    _("Identitetsleverantörens metadata saknar %(field)s.") % {"field": needed},
                    code="unreachable",
                    status=502,
                )
        metadata["jwks"] = _fetch_json(str(metadata["jwks_uri"]))
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            alg for alg in offered if alg in ASYMMETRIC_ALGS
        ] or ["RS256"]
        metadata["_loaded_at"] = time.time()
        cache.set(key, metadata, METADATA_CACHE_SECONDS)
    return dict(metadata)


def oidc_client(*, config: SsoConfig) -> DjangoOAuth2App:  # pure: builds a client, no write
    """An Authlib client for the organisation's provider, registered at run time."""
    name = f"lom-oidc-{config.organisation_id}"
    return DjangoOAuth2App(
        DjangoIntegration(name),
        name=name,
        client_id=config.oidc_client_id,
        client_secret=config.oidc_client_secret,
        client_kwargs={
            "scope": config.oidc_scopes,
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
        **_metadata(config),
    )


def oidc_start(
    request: HttpRequest, *, config: SsoConfig, redirect_uri: str, next_url: str, force: bool
) -> str:  # pure: keeps state, nonce and the PKCE verifier in the session, no database write
    """The provider's authorization URL to send the browser to."""
    client = oidc_client(config=config)
    state = generate_token(32)
    extra = {"prompt": "login", "max_age": "0"} if force else {}
    rv = client.create_authorization_url(redirect_uri, state=state, **extra)
    client.save_authorize_data(request, redirect_uri=redirect_uri, **rv)
    pending = dict(request.session.get(PENDING_KEY) or {})
    pending[state] = {
        "org": config.organisation_id,
        "next": next_url,
        "force": force,
        "at": int(time.time()),
    }
    request.session[PENDING_KEY] = dict(list(pending.items())[-PENDING_MAX:])
    return str(rv["url"])


def _text(userinfo: dict[str, Any], claim: str, limit: int) -> str:
    value = userinfo.get(claim) if claim else None
    return value.strip()[:limit] if isinstance(value, str) else ""


def _groups(userinfo: dict[str, Any], claim: str) -> tuple[str, ...]:
    value = userinfo.get(claim) if claim else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(g)[:255] for g in value[:500] if isinstance(g, str | int))


def _claim_refusal(exc: jose_errors.JoseError) -> OidcRefusal:
    if isinstance(exc, jose_errors.ExpiredTokenError):
        return OidcRefusal(_("ID-token har gått ut."), code="expired")
    claim = getattr(exc, "claim", "")
    if isinstance(exc, jose_errors.InvalidClaimError) and claim == "iss":
        return OidcRefusal(_("ID-token kom från fel utfärdare (iss)."), code="issuer")
    if isinstance(exc, jose_errors.InvalidClaimError) and claim in ("aud", "azp"):
        return OidcRefusal(
            _("ID-token var inte utfärdat till LOM (fel mottagare, aud)."), code="audience"
        )
    if isinstance(exc, jose_errors.InvalidClaimError) and claim == "nonce":
        return OidcRefusal(
            _("ID-token hörde inte till den här inloggningen (nonce stämmer inte)."),
            code="nonce",
        )
    if isinstance(exc, jose_errors.ClaimError):
        return OidcRefusal(
            _("ID-token saknar eller har ett ogiltigt värde för %(claim)s.") % {"claim": claim},
            code="claims",
        )
    return OidcRefusal(
        _("ID-tokens signatur kunde inte verifieras mot identitetsleverantörens nycklar."),
        code="signature",
    )


def _pop_pending(request: HttpRequest, state: str) -> dict[str, Any] | None:
    pending = dict(request.session.get(PENDING_KEY) or {})
    found = pending.pop(state, None)
    request.session[PENDING_KEY] = pending
    return found if isinstance(found, dict) else None


def _exchange(request: HttpRequest, config: SsoConfig) -> dict[str, Any]:
    client = oidc_client(config=config)
    issuer = client.server_metadata["issuer"]
    options = {
        "iss": {"essential": True, "values": [issuer]},
        "aud": {"essential": True, "values": [config.oidc_client_id]},
    }
    try:
        token = client.authorize_access_token(
            request, claims_options=options, leeway=LEEWAY_SECONDS
        )
    except MismatchingStateError as exc:
        raise _state_refusal() from exc
    except OAuthError as exc:
        raise OidcRefusal(
            _("Identitetsleverantören lämnade inte ut någon token (%(error)s).")
            % {"error": str(exc.error or "")[:100]},
            code="token",
        ) from exc
    except requests.RequestException as exc:
        raise OidcRefusal(
            _("Identitetsleverantören gick inte att nå."), code="unreachable", status=502
        ) from exc
    except jose_errors.JoseError as exc:
        raise _claim_refusal(exc) from exc
    userinfo = token.get("userinfo")
    if not userinfo:
        raise OidcRefusal(_("Identitetsleverantören skickade ingen ID-token."), code="claims")
    return dict(userinfo)


def _state_refusal() -> OidcRefusal:
    return OidcRefusal(
        _(
            "Svaret från identitetsleverantören hör inte till en inloggning som påbörjats i "
            "den här webbläsaren (state saknas, är fel eller redan använt). Börja om."
        ),
        code="state",
    )


def oidc_verify_callback(
    request: HttpRequest, *, config: SsoConfig
) -> VerifiedLogin:  # pure: checks the answer over HTTP, writes only the session
    """The verified sign-in the provider's answer carries, or an `OidcRefusal`."""
    error = request.GET.get("error", "")
    state = request.GET.get("state", "")
    pending = _pop_pending(request, state) if state else None
    if error:
        raise OidcRefusal(
            _("Identitetsleverantören avbröt inloggningen: %(error)s %(description)s")
            % {"error": error[:100], "description": request.GET.get("error_description", "")[:300]},
            code="provider_error",
        )
    if pending is None or pending.get("org") != config.organisation_id:
        raise _state_refusal()
    userinfo = _exchange(request, config)
    if pending.get("force"):
        auth_time = userinfo.get("auth_time")
        if not isinstance(auth_time, int) or auth_time < int(pending["at"]) - LEEWAY_SECONDS:
            raise OidcRefusal(
                _("Identitetsleverantören bekräftade inte en ny inloggning."), code="stale"
            )
    issuer = str(userinfo["iss"])
    keys = [f"nonce:{userinfo['nonce']}"]
    if userinfo.get("jti"):
        keys.append(f"jti:{userinfo['jti']}")
    replay_keys = tuple(
        k.split(":", 1)[0] + ":" + hashlib.sha256(f"{issuer}\n{k}".encode()).hexdigest()
        for k in keys
    )
    exp = int(userinfo["exp"])
    claims = IdentityClaims(
        protocol=Protocol.OIDC,
        issuer=issuer[:1000],
        subject=str(userinfo["sub"])[:1000],
        email=_text(userinfo, config.attr_email, 254),
        employee_number=_text(userinfo, config.attr_employee_number, 40),
        given_name=_text(userinfo, config.attr_given_name, 150),
        family_name=_text(userinfo, config.attr_family_name, 150),
        groups=_groups(userinfo, config.attr_groups),
    )
    return VerifiedLogin(
        claims=claims,
        replay_keys=replay_keys,
        expires_at=datetime.fromtimestamp(exp, tz=UTC),
        next_url=str(pending.get("next") or "/"),
        reauthentication=bool(pending.get("force")),
    )


def _replay_refusal() -> OidcRefusal:
    return OidcRefusal(
        _("ID-token har redan använts. Börja om inloggningen."), code="replay", status=403
    )


@transaction.atomic(durable=True)
def oidc_sign_in(*, organisation: Organisation, login: VerifiedLogin) -> User:
    """Record the ID token as used (a second use is refused) and sign its person in: the
    account, the employee link and the roles, all in this one transaction."""
    now = timezone.now()
    SeenAssertion.objects.filter(protocol=Protocol.OIDC, expires_at__lt=now).delete()
    if SeenAssertion.objects.filter(protocol=Protocol.OIDC, key__in=login.replay_keys).exists():
        raise _replay_refusal()
    keep_until = max(login.expires_at, now) + timedelta(seconds=LEEWAY_SECONDS)
    try:
        with transaction.atomic():
            SeenAssertion.objects.bulk_create(
                [
                    SeenAssertion(protocol=Protocol.OIDC, key=key, expires_at=keep_until)
                    for key in login.replay_keys
                ]
            )
    except IntegrityError as exc:  # the same token in a request running at the same time
        raise _replay_refusal() from exc
    return _do_sso_sign_in(organisation=organisation, claims=login.claims)
