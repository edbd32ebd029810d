"""A real local HTTPS receiver for webhook deliveries: http.server with TLS in a thread, its
certificate self-signed for 127.0.0.1 and trusted through LOM_WEBHOOK_CA_BUNDLE. It checks every
delivery's signature with the secret it was given, answers 401 to a bad one, and otherwise the
next status of its script (200 when the script is empty)."""

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def verify_signature(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (the API guide shows the same)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t = parts.get("t", "")
    if not t.isdigit() or abs(int(dt.datetime.now(dt.UTC).timestamp()) - int(t)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass
class Received:
    event: str
    delivery: str
    signature_ok: bool
    body: dict


@dataclass
class Receiver:
    url: str
    secret: str = ""
    script: deque = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)

    def answer(self, *statuses: int) -> None:
        self.script.extend(statuses)

    def events(self) -> list[str]:
        return [r.event for r in self.received]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def receiver(certificate, settings):
    cert_file, key_file = certificate
    settings.LOM_WEBHOOK_CA_BUNDLE = str(cert_file)
    settings.LOM_WEBHOOK_ALLOW_PRIVATE = True
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = verify_signature(
                secret=state.secret, header=self.headers.get("X-LOM-Signature", ""), body=body
            )
            state.received.append(
                Received(
                    event=self.headers.get("X-LOM-Event", ""),
                    delivery=self.headers.get("X-LOM-Delivery", ""),
                    signature_ok=ok,
                    body=json.loads(body or b"{}"),
                )
            )
            status = (state.script.popleft() if state.script else 200) if ok else 401
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"https://127.0.0.1:{server.server_address[1]}/hooks/lom"
    yield state
    server.shutdown()
    server.server_close()
