"""The client's address, the one place that decides it.

Behind a reverse proxy REMOTE_ADDR is the proxy's address; the client's is in X-Forwarded-For,
a header the client can also send itself. Only the hops our own proxies appended are trusted:
with `LOM_PROXY_COUNT` = N proxies in front (each appending the address it saw, as nginx's
`$proxy_add_x_forwarded_for` does), the client is the N-th entry from the right; anything to
the left of it was written by the client and is ignored. N = 0 (the default) means no proxy:
REMOTE_ADDR only. With `LOM_TRUSTED_PROXIES` set (addresses or networks), the header is read
only on requests whose REMOTE_ADDR is one of them, so a request that bypasses the proxy cannot
choose its own address.

The chain is parsed by django-ipware (python-ipware): its `proxy_count` counts the proxies named
in the header after the client, hence N - 1. Login lockouts (axes), the API's anonymous rate
limit and the public page counters all use `client_ip`.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _from_trusted_proxy(remote_addr: str) -> bool:
    trusted = tuple(getattr(settings, "LOM_TRUSTED_PROXIES", ()) or ())
    if not trusted:
        return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in _networks(trusted))


def client_ip(request: HttpRequest) -> str:
    """The client's address as the configured trusted proxies report it ("" if unknown)."""
    remote_addr = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "LOM_PROXY_COUNT", 0) or 0)
    if proxies <= 0 or not request.META.get(FORWARDED_HEADER):
        return remote_addr
    if not _from_trusted_proxy(remote_addr):
        return remote_addr
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=[FORWARDED_HEADER],
        strict=False,
    )
    # Fewer hops than proxies: the request did not pass through all of them.
    return address or remote_addr
