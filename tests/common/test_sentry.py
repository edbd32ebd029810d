"""Error reports: with SENTRY_DSN set, a failing request sends an event to the DSN's server,
carrying the request id and no cookie. Run in a subprocess so the SDK stays out of this one."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from tests.config.production import manage, production_env

SCRIPT = """
import sentry_sdk
from django.conf import settings
from django.test import Client
settings.ROOT_URLCONF = "tests.common.boom_urls"
c = Client(raise_request_exception=False, HTTP_X_REQUEST_ID="sentry-req-42")
c.cookies["sessionid"] = "kaka-som-inte-far-lamna-lom"
r = c.post("/test-boom/", {"personnummer": "19121212-1212"})
assert r.status_code == 500, r.status_code
sentry_sdk.flush(timeout=10)
"""


@pytest.fixture
def sentry_server():
    """A stand-in for Sentry: records the body of every envelope posted to it."""
    received: list[tuple[str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                body = brotli.decompress(body)
            received.append((self.path, body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def test_a_failing_request_reaches_sentry_with_the_request_id_and_no_cookie(
    tmp_path, sentry_server
):
    port, received = sentry_server
    env = production_env(
        f"sqlite:///{tmp_path / 'lom.sqlite3'}",
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/7",
        SENTRY_ENVIRONMENT="ci",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
    )
    assert manage(env, "migrate", "--noinput").returncode == 0
    result = manage(env, "shell", stdin=SCRIPT)  # not in argv: the SDK reports argv
    assert result.returncode == 0, result.stderr
    paths = {path for path, _body in received}
    assert paths == {"/api/7/envelope/"}
    events = [
        json.loads(line)
        for _path, body in received
        for line in body.decode().splitlines()
        if line.startswith("{") and '"exception"' in line
    ]
    assert len(events) == 1
    event = events[0]
    assert event["tags"]["request_id"] == "sentry-req-42"
    assert event["environment"] == "ci"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    everything = b"".join(body for _path, body in received).decode()
    assert "kaka-som-inte-far-lamna-lom" not in everything
    assert "19121212" not in everything
    assert "cookies" not in event.get("request", {})
