"""Fixtures of the SSO configuration tests: real IdP metadata (made with pysaml2 from a test
key pair), a local HTTP server that publishes it, and signed-in admin clients."""

import http.server
import threading
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import signed_in

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


@pytest.fixture
def sso_admin(world) -> Client:
    """The org admin, signed in just now."""
    return signed_in(world.admin)


@pytest.fixture
def stale_sso_admin(world) -> Client:
    """The org admin, signed in an hour ago (longer than the re-authentication window)."""
    return signed_in(world.admin, auth_age_seconds=3600)
