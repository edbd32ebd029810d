"""Where a webhook may be sent: HTTPS only, never to a private, loopback, link-local or otherwise
internal address (unless LOM_WEBHOOK_ALLOW_PRIVATE is on, for a test or a closed network).

The host is checked when the endpoint is saved and again before each delivery; the connection
itself checks the address it actually reached, so a name that resolves to a public address when
checked and to an internal one a moment later (DNS rebinding) is still refused."""

import ipaddress
import socket
import ssl
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool

from lom.common.errors import DomainError


class RefusedAddressError(OSError):
    """The connection reached an address webhooks may not be sent to."""


def address_allowed(address: str) -> bool:  # pure: is this IP address a public one
    if settings.LOM_WEBHOOK_ALLOW_PRIVATE:
        return True
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def check_url(url: str) -> str:  # pure: a check (resolves the name, writes nothing)
    """The URL when it may receive webhooks; otherwise a refusal naming the `url` field: not
    https, no host, a host that does not resolve, or one that resolves to an internal address."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise DomainError(_("Adressen måste börja med https://."), field="url", code="https")
    host = parts.hostname
    if not host:
        raise DomainError(_("Adressen saknar värdnamn."), field="url")
    if parts.username or parts.password:
        raise DomainError(
            _("Adressen får inte innehålla användarnamn eller lösenord."), field="url"
        )
    try:
        port = parts.port or 443
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        raise DomainError(
            _("Värdnamnet %(h)s kunde inte slås upp.") % {"h": host}, field="url", code="dns"
        ) from None
    addresses = {str(info[4][0]) for info in found}
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise DomainError(
            _("Adressen pekar på ett internt nät (privat, loopback eller länklokal adress)."),
            field="url",
            code="private_address",
        )
    return url


class _CheckedConnection(HTTPSConnection):
    """Refuses the connection when the peer it reached is an internal address."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        peer = str(sock.getpeername()[0])
        if not address_allowed(peer):
            sock.close()
            raise RefusedAddressError(f"refused internal address {peer}")
        return sock


class _CheckedPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedConnection


@lru_cache(maxsize=4)
def _tls_context(ca_bundle: str) -> ssl.SSLContext:
    """The system's trusted CAs, plus LOM_WEBHOOK_CA_BUNDLE's when set. Verification is on."""
    context = ssl.create_default_context()
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


class CheckedAdapter(HTTPAdapter):
    """HTTPS only, through connections that check the address they reached."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = _tls_context(settings.LOM_WEBHOOK_CA_BUNDLE or "")
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"https": _CheckedPool}
        self.poolmanager.key_fn_by_scheme = {"https": self.poolmanager.key_fn_by_scheme["https"]}
