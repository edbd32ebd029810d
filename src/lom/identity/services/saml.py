"""SAML 2.0 sign-in: check the IdP's response (pysaml2 with xmlsec1: signature, audience,
recipient, time window, InResponseTo), read the person's attributes (the organisation's
attribute names, or Sweden Connect's set), and sign the person in with a replay guard that
holds across all app servers (each accepted assertion id is recorded until it expires)."""

import base64
import binascii
import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.response import (
    IncorrectlySigned,
    StatusError,
    UnsolicitedResponse,
    VerificationError,
)
from saml2.s_utils import UnknownPrincipal
from saml2.saml import SCM_BEARER
from saml2.samlp import response_from_string
from saml2.sigver import MissingKey, SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from lom.accounts.models import User
from lom.common.errors import DomainError
from lom.identity.models import Protocol, SeenAssertion, SsoConfig
from lom.identity.services.provisioning import IdentityClaims, _do_sso_sign_in
from lom.organisations.models import Organisation

SAML_RESPONSE_MAX = 500_000
SEEN_KEPT_AFTER_EXPIRY = dt.timedelta(hours=1)  # well beyond any allowed clock skew
# Sweden Connect's attribute set (urn:oid names; the friendly names are matched too).
SC_PERSONAL_NUMBER = ("urn:oid:1.2.752.29.4.13", "personalIdentityNumber")
SC_GIVEN_NAME = ("urn:oid:2.5.4.42", "givenName")
SC_SN = ("urn:oid:2.5.4.4", "sn")
SC_DISPLAY_NAME = ("urn:oid:2.16.840.1.113730.3.1.241", "displayName")
SC_MAIL = ("urn:oid:0.9.2342.19200300.100.1.3", "mail")
# Standard names tried after the organisation's own attribute names.
STANDARD_EMAIL = (*SC_MAIL, "email", "emailAddress")
STANDARD_EMPLOYEE_NUMBER = ("urn:oid:2.16.840.1.113730.3.1.3", "employeeNumber")


class SamlRefusal(DomainError):
    """A SAML response LOM does not accept; `code` names the reason (audited)."""


@dataclass(frozen=True)
class VerifiedAssertion:
    claims: IdentityClaims
    assertion_id: str
    expires_at: dt.datetime
    in_response_to: str
    name_id: object  # saml2.saml.NameID: the session keeps it for single logout


def _refusal(code: str) -> SamlRefusal:
    messages = {
        "signature": _("Inloggningssvarets signatur kunde inte verifieras."),
        "audience": _("Inloggningssvaret var avsett för en annan tjänst (fel mottagare)."),
        "recipient": _("Inloggningssvaret skickades till fel adress."),
        "expired": _("Inloggningssvaret har gått ut eller är ännu inte giltigt."),
        "unsolicited": _(
            "Inloggningssvaret hör inte till någon inloggning som påbörjats här "
            "(redan använt eller obeställt)."
        ),
        "replay": _("Inloggningssvaret har redan använts."),
        "unknown_idp": _("Inloggningssvaret kom från en okänd identitetsleverantör."),
        "idp_status": _("Identitetsleverantören avbröt eller nekade inloggningen."),
        "invalid": _("Inloggningssvaret kunde inte läsas."),
    }
    return SamlRefusal(messages[code], code=code)


def _unverified(saml_response: str):
    """The response as sent, before any check: for its issuer and assertion id only."""
    if not saml_response or len(saml_response) > SAML_RESPONSE_MAX:
        raise _refusal("invalid")
    try:
        xml = base64.b64decode(saml_response, validate=False)
        parsed = response_from_string(xml.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError, SyntaxError):
        raise _refusal("invalid") from None
    if parsed is None:
        raise _refusal("invalid")
    return parsed


def _classify(exc: Exception) -> str:
    if isinstance(exc, (SignatureError, IncorrectlySigned, MissingKey)):
        return "signature"
    if isinstance(exc, (ResponseLifetimeExceed, ToEarly)):
        return "expired"
    if isinstance(exc, UnsolicitedResponse):
        return "unsolicited"
    if isinstance(exc, UnknownPrincipal):
        return "unknown_idp"
    if isinstance(exc, StatusError):
        return "idp_status"
    text = str(exc)
    if "AudienceRestrictions" in text:
        return "audience"
    if isinstance(exc, VerificationError) and "recipient" in text:
        return "recipient"
    if "Signature" in text or "signature" in text:
        return "signature"
    return "invalid"


def _values(attributes: dict[str, list[str]], *names: str) -> list[str]:
    for name in names:
        if name and attributes.get(name):
            return attributes[name]
    return []


def _first(attributes: dict[str, list[str]], *names: str) -> str:
    values = _values(attributes, *names)
    return str(values[0]).strip() if values else ""


def _attributes(assertion) -> dict[str, list[str]]:
    """Every attribute of the assertion, by its name and by its friendly name."""
    out: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [str(v.text).strip() for v in attribute.attribute_value if v.text]
            for key in (attribute.name, attribute.friendly_name):
                if key:
                    out.setdefault(key, values)
    return out


def claims_from_assertion(
    *, config: SsoConfig, issuer: str, subject: str, attributes: dict[str, list[str]]
) -> IdentityClaims:  # pure: maps attributes to LOM's terms
    given = _first(attributes, config.attr_given_name, *SC_GIVEN_NAME)
    family = _first(attributes, config.attr_family_name, *SC_SN)
    if config.sweden_connect and not (given or family):
        given = _first(attributes, *SC_DISPLAY_NAME)
    return IdentityClaims(
        protocol=Protocol.SAML,
        issuer=issuer,
        subject=subject,
        email=_first(attributes, config.attr_email, *STANDARD_EMAIL),
        employee_number=_first(attributes, config.attr_employee_number, *STANDARD_EMPLOYEE_NUMBER),
        given_name=given,
        family_name=family,
        groups=tuple(_values(attributes, config.attr_groups)),
        personal_number=_first(attributes, *SC_PERSONAL_NUMBER) if config.sweden_connect else "",
    )


def _expiry(assertion) -> dt.datetime:
    stamps = []
    for sc in assertion.subject.subject_confirmation:
        data = sc.subject_confirmation_data
        if sc.method == SCM_BEARER and data is not None and data.not_on_or_after:
            stamps.append(data.not_on_or_after)
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        stamps.append(assertion.conditions.not_on_or_after)
    if not stamps:
        return timezone.now() + dt.timedelta(hours=1)
    epoch = max(calendar.timegm(str_to_time(s)) for s in stamps)
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def verify_saml_response(
    *,
    config: SsoConfig,
    sp_config: SPConfig,
    saml_response: str,
    outstanding: dict[str, str],
) -> VerifiedAssertion:  # pure: checks a response, writes nothing
    """The verified assertion, or SamlRefusal naming what was wrong. The attributes are not
    kept anywhere (pysaml2's identity cache stays in memory): a personal identity number
    leaves this function only inside the claims, which provisioning hashes."""
    unverified = _unverified(saml_response)
    issuer = unverified.issuer.text.strip() if unverified.issuer is not None else ""
    known = set(sp_config.metadata.identity_providers())
    if not issuer or issuer not in known:
        raise _refusal("unknown_idp")
    ids = [a.id for a in unverified.assertion if a.id]
    if ids and SeenAssertion.objects.filter(protocol=Protocol.SAML, key__in=ids).exists():
        raise _refusal("replay")
    client = Saml2Client(sp_config)
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding
        )
    except Exception as exc:  # pysaml2 raises many kinds; each becomes a named refusal
        raise _refusal(_classify(exc)) from None
    if response is None or response.assertion is None:
        raise _refusal("invalid")
    assertion = response.assertion
    name_id = response.name_id
    subject = str(name_id.text).strip() if name_id is not None and name_id.text else ""
    claims = claims_from_assertion(
        config=config, issuer=issuer, subject=subject, attributes=_attributes(assertion)
    )
    return VerifiedAssertion(
        claims=claims,
        assertion_id=str(assertion.id),
        expires_at=_expiry(assertion),
        in_response_to=str(response.in_response_to or ""),
        name_id=name_id,
    )


@transaction.atomic(durable=True)
def saml_sign_in(*, organisation: Organisation, verified: VerifiedAssertion) -> User:
    """Record the assertion as used (a second use anywhere is refused), then sign the person
    in: the user is created or updated and given the roles the IdP's groups map to. Records
    of assertions long expired are dropped (the time window refuses those assertions)."""
    SeenAssertion.objects.filter(
        protocol=Protocol.SAML, expires_at__lt=timezone.now() - SEEN_KEPT_AFTER_EXPIRY
    ).delete()
    try:
        with transaction.atomic():
            SeenAssertion.objects.create(
                protocol=Protocol.SAML,
                key=verified.assertion_id[:255],
                expires_at=verified.expires_at,
            )
    except IntegrityError:
        raise _refusal("replay") from None
    return _do_sso_sign_in(organisation=organisation, claims=verified.claims)
