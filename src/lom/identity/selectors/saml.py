"""Reads for SAML 2.0 sign-in: an organisation's SAML settings, and the pysaml2 service
provider configuration built from them for one request (entity id, ACS and single logout URLs
from the request's host and the organisation's slug; the IdP from its metadata)."""

import hashlib
import os

import requests
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from lom.common.errors import DomainError
from lom.identity.models import Protocol, SsoConfig

METADATA_CACHE_SECONDS = 3600
METADATA_FETCH_TIMEOUT = 10
METADATA_MAX_BYTES = 2_000_000
BUILT_MAX = 64
_BUILT: dict[tuple, SPConfig] = {}  # built SP configurations, per settings version and host


def saml_config(*, slug: str) -> SsoConfig | None:
    """The organisation's SAML settings, if it signs in through a SAML IdP."""
    return (
        SsoConfig.objects.select_related("organisation")
        .filter(organisation__slug=slug, protocol=Protocol.SAML, enabled=True)
        .first()
    )


def sp_key_pair() -> tuple[str, str]:
    """The SP's signing key and certificate (paths); refused when not configured."""
    key, cert = settings.LOM_SAML_KEY_FILE, settings.LOM_SAML_CERT_FILE
    if not key or not cert or not (os.path.isfile(key) and os.path.isfile(cert)):
        raise DomainError(
            _(
                "Inloggning via SAML är inte driftsatt: tjänstens nyckelpar saknas "
                "(LOM_SAML_KEY_FILE och LOM_SAML_CERT_FILE). Kontakta driften."
            ),
            code="sp_keys_missing",
        )
    return key, cert


def idp_metadata_xml(*, config: SsoConfig) -> str:
    """The IdP's metadata: the uploaded XML, else fetched from its URL (cached an hour)."""
    if config.saml_metadata_xml.strip():
        return config.saml_metadata_xml
    url = config.saml_metadata_url
    if not url:
        raise DomainError(
            _("IdP:ns metadata saknas i organisationens inloggningsinställningar."),
            code="no_metadata",
        )
    key = "lom-saml-md:" + hashlib.sha256(url.encode()).hexdigest()
    xml = cache.get(key)
    if xml is None:
        try:
            resp = requests.get(url, timeout=METADATA_FETCH_TIMEOUT)
            resp.raise_for_status()
        except requests.RequestException:
            raise DomainError(
                _("IdP:ns metadata kunde inte hämtas från %(url)s.") % {"url": url},
                code="metadata_unreachable",
            ) from None
        if len(resp.content) > METADATA_MAX_BYTES:
            raise DomainError(_("IdP:ns metadata är för stor."), code="metadata_too_large")
        xml = resp.content.decode("utf-8", errors="replace")
        cache.set(key, xml, METADATA_CACHE_SECONDS)
    return str(xml)


def sp_urls(*, base_url: str, slug: str) -> dict[str, str]:
    """Entity id (= the metadata URL), ACS and single logout URLs of one organisation's SP."""
    base = base_url.rstrip("/")
    return {
        "entity_id": base + reverse("identity:saml_metadata", args=[slug]),
        "acs": base + reverse("identity:saml_acs", args=[slug]),
        "ls": base + reverse("identity:saml_ls", args=[slug]),
        "ls_post": base + reverse("identity:saml_ls_post", args=[slug]),
    }


def sp_config(*, config: SsoConfig, base_url: str, force_authn: bool = False) -> SPConfig:
    """pysaml2's SP configuration for one organisation. Signed AuthnRequests; assertions must
    be signed, for us (audience), to our ACS (recipient), in time and in response to a
    request we sent (no unsolicited responses). Built once per settings version and host
    (building one parses the metadata: tens of milliseconds), then reused (read only)."""
    key, cert = sp_key_pair()
    metadata = idp_metadata_xml(config=config)
    version = (
        config.pk,
        config.updated_at.isoformat() if config.updated_at else "",
        config.organisation.slug,
        config.organisation.name,
        config.saml_idp_entity_id,
        base_url,
        force_authn,
        key,
        cert,
        hashlib.sha256(metadata.encode()).hexdigest(),
    )
    built = _BUILT.get(version)
    if built is None:
        built = _build_sp_config(config, base_url, force_authn, key, cert, metadata)
        if len(_BUILT) >= BUILT_MAX:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[version] = built
    return built


def _build_sp_config(
    config: SsoConfig, base_url: str, force_authn: bool, key: str, cert: str, metadata: str
) -> SPConfig:
    urls = sp_urls(base_url=base_url, slug=config.organisation.slug)
    sp: dict = {
        "name": config.organisation.name,
        "endpoints": {
            "assertion_consumer_service": [(urls["acs"], BINDING_HTTP_POST)],
            "single_logout_service": [
                (urls["ls"], BINDING_HTTP_REDIRECT),
                (urls["ls_post"], BINDING_HTTP_POST),
            ],
        },
        "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
        "authn_requests_signed": True,
        "logout_requests_signed": True,
        "logout_responses_signed": True,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "allow_unsolicited": False,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "force_authn": force_authn,
    }
    if config.saml_idp_entity_id:
        sp["idp"] = [config.saml_idp_entity_id]
    conf = SPConfig()
    try:
        conf.load(
            {
                "entityid": urls["entity_id"],
                "xmlsec_binary": settings.LOM_SAML_XMLSEC_BINARY,
                "allow_unknown_attributes": True,
                "accepted_time_diff": settings.LOM_SAML_CLOCK_SKEW,
                "key_file": key,
                "cert_file": cert,
                "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
                "service": {"sp": sp},
                "metadata": {"inline": [metadata]},
            }
        )
    except (SAMLError, SyntaxError, ValueError):  # ParseError is a SyntaxError
        raise DomainError(
            _("IdP:ns metadata kunde inte läsas (inte giltig SAML-metadata)."),
            code="bad_metadata",
        ) from None
    return conf
