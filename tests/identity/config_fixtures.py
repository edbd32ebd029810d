"""Fixtures of the SSO configuration tests: real IdP metadata (made with pysaml2 from a test
key pair), a local HTTP server that publishes it, and signed-in admin clients."""

import http.server
import threading
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from lom.common.auth_session import AUTH_AT_KEY
from lom.config import urls as site_urls
from lom.identity import account_urls
from lom.identity import urls as identity_urls

DATA = Path(__file__).parent / "data"
IDP_ENTITY_ID = "http://idp.example.test/metadata"


@pytest.fixture
def metadata_xml() -> str:
    return (DATA / "idp_metadata.xml").read_text()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/metadata.xml": (200, (DATA / "idp_metadata.xml").read_bytes()),
            "/not-metadata": (200, b"<html><body>hello</body></html>"),
        }
        status, body = routes.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def metadata_server():
    """A real HTTP server on 127.0.0.1 (free port) that publishes the IdP's metadata."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _reauth_stub(request):
    return HttpResponse("reauth")


def _with_reauth_page():
    """The URLs of the site, with a stand-in for the re-authentication page while it is not
    there yet (it belongs to the account part of the identity package)."""
    if any(getattr(p, "name", None) == "reauth" for p in account_urls.urlpatterns):
        return site_urls.urlpatterns
    stub = path("account/reauth/", _reauth_stub, name="reauth")
    identity = include(([*identity_urls.urlpatterns, stub], "identity"))
    rest = [p for p in site_urls.urlpatterns if str(p.pattern) != "sso/"]
    return [path("sso/", identity), *rest]


urlpatterns = _with_reauth_page()


@pytest.fixture
def reauth_urls(settings):
    settings.ROOT_URLCONF = "tests.identity.config_fixtures"


def signed_in(user, *, auth_age_seconds: int = 0) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTH_AT_KEY] = int(time.time()) - auth_age_seconds
    session.save()
    return client


@pytest.fixture
def sso_admin(world, reauth_urls) -> Client:
    """The org admin, signed in just now."""
    return signed_in(world.admin)


@pytest.fixture
def stale_sso_admin(world, reauth_urls) -> Client:
    """The org admin, signed in an hour ago (longer than the re-authentication window)."""
    return signed_in(world.admin, auth_age_seconds=3600)
