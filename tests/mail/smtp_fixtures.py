"""A real SMTP server for the tests (aiosmtpd in a thread on a free local port).

`smtp_server` starts it once per test process; `smtp` (function scope) points Django's SMTP
backend at it and empties its inbox. The server refuses on request: `smtp.refuse(code)` makes it
answer every RCPT TO with that reply (e.g. 451 temporary, 550 permanent) until `smtp.accept()`.
What arrives is parsed with the standard library's e-mail parser (`smtp.messages`)."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, content_type: str) -> str:
        found = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return found.get_content() if found is not None else ""


@dataclass
class _Handler:
    inbox: list[Received] = field(default_factory=list)
    refusal: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusal is not None:
            return f"{self.refusal} Recipient refused (test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Received]:
        return self.handler.inbox

    def refuse(self, code: int) -> None:
        self.handler.refusal = code

    def accept(self) -> None:
        self.handler.refusal = None

    def reset(self) -> None:
        self.handler.inbox.clear()
        self.handler.refusal = None


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """The real SMTP server, empty, with Django's SMTP backend pointed at it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()
