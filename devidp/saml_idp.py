"""A local SAML 2.0 identity provider for development and the tests (never for production).

pysaml2's IdP (`saml2.server.Server`) behind a small WSGI app with a real login form. It knows
the people in devidp/users.json (password "idp"), signs its assertions with the test-only key
pair in devidp/keys/, and sends:

- SSO: AuthnRequest in by HTTP-Redirect (its signature is checked), Response out by HTTP-POST;
- SLO: LogoutRequest in by HTTP-Redirect or HTTP-POST, LogoutResponse back by HTTP-Redirect.

Service providers it knows: the metadata given with --sp-metadata (URL or file, repeatable);
besides, an AuthnRequest from an unknown SP whose issuer (entity id) is an http(s) URL makes it
fetch the SP's metadata from that URL (LOM's SP entity id is its metadata URL).

Run: python -m devidp.saml_idp --port 8101 [--host 127.0.0.1] [--sp-metadata URL-or-file]
     [--test-knobs]

With --test-knobs (tests only) it also answers:
- POST /_test/next          JSON {"expired": true} or {"audience": "..."}: the next response only;
- POST /_test/sp-metadata   body: SP metadata XML to trust;
- GET  /_test/idp-logout?sp=<entity id>&name_id=<subject>: an IdP-initiated LogoutRequest
  (302 to the SP's single logout service).
"""

from __future__ import annotations

import argparse
import html
import json
import secrets
import threading
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError, saml
from saml2.assertion import Policy
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import UnknownSystemEntity
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.samlp import authn_request_from_string
from saml2.server import Server
from saml2.time_util import in_a_while

HERE = Path(__file__).resolve().parent
USERS = json.loads((HERE / "users.json").read_text(encoding="utf-8"))
KEY_FILE = str(HERE / "keys" / "idp-test.key")
CERT_FILE = str(HERE / "keys" / "idp-test.crt")
XMLSEC = "/usr/bin/xmlsec1"
PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # noqa: S105
# Sweden Connect attribute names (urn:oid form, as its IdPs send them).
SC_PERSONAL_NUMBER = "urn:oid:1.2.752.29.4.13"
SC_GIVEN_NAME = "urn:oid:2.5.4.42"
SC_SN = "urn:oid:2.5.4.4"
SC_DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
SC_MAIL = "urn:oid:0.9.2342.19200300.100.1.3"


def attributes_of(user: dict[str, Any]) -> dict[str, list[str]]:
    """The attributes released for one person: Sweden Connect's set for an e-ID user."""
    if user.get("personal_number"):
        out = {
            SC_PERSONAL_NUMBER: [user["personal_number"]],
            SC_GIVEN_NAME: [user["given_name"]],
            SC_SN: [user["family_name"]],
            SC_DISPLAY_NAME: [f"{user['given_name']} {user['family_name']}"],
        }
        if user.get("email"):
            out[SC_MAIL] = [user["email"]]
        return out
    out = {
        "email": [user["email"]],
        "givenName": [user["given_name"]],
        "sn": [user["family_name"]],
        "groups": list(user.get("groups", [])),
    }
    if user.get("employee_number"):
        out["employeeNumber"] = [user["employee_number"]]
    return {k: v for k, v in out.items() if v and v != [""]}


class KnobPolicy(Policy):
    """The release policy, with the test knobs: a lifetime in the past, a foreign audience."""

    def __init__(self, *, expired: bool = False, audience: str = "", mds=None):
        super().__init__(
            restrictions={
                "default": {
                    "lifetime": {"minutes": -10 if expired else 5},
                    "attribute_restrictions": None,
                    "name_form": NAME_FORMAT_URI,
                }
            },
            mds=mds,
        )
        self.audience = audience
        self.expired = expired

    def conditions(self, sp_entity_id):
        conditions = super().conditions(self.audience or sp_entity_id)
        if self.expired:  # valid from 20 to 10 minutes ago
            conditions.not_before = in_a_while(minutes=-20)
        return conditions


class Idp:
    def __init__(self, *, base: str, sp_metadata: list[str], knobs_on: bool):
        self.base = base
        self.knobs_on = knobs_on
        self.knobs: dict[str, Any] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self.trusted: set[str] = set()
        self.lock = threading.Lock()
        conf = IdPConfig()
        conf.load(
            {
                "entityid": f"{base}/metadata",
                "name": "LOM test IdP",
                "xmlsec_binary": XMLSEC,
                "key_file": KEY_FILE,
                "cert_file": CERT_FILE,
                "accepted_time_diff": 60,
                "service": {
                    "idp": {
                        "name": "LOM test IdP",
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)
                            ],
                            "single_logout_service": [
                                (f"{base}/slo/redirect", BINDING_HTTP_REDIRECT),
                                (f"{base}/slo/post", BINDING_HTTP_POST),
                            ],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": True,
                        "sign_assertion": True,
                        "sign_response": True,
                    }
                },
                "metadata": {},
            }
        )
        self.server = Server(config=conf)
        for source in sp_metadata:
            if source.startswith(("http://", "https://")):
                self.trust(fetch(source))
            else:
                self.trust(Path(source).read_text(encoding="utf-8"))

    # --- metadata -------------------------------------------------------------------------
    def trust(self, xml: str) -> None:
        with self.lock:
            if xml in self.trusted:
                return
            self.trusted.add(xml)
            self.server.metadata.load("inline", xml)

    def knows(self, entity_id: str) -> bool:
        try:
            return bool(self.server.metadata[entity_id])
        except (KeyError, UnknownSystemEntity):
            return False

    def metadata_xml(self) -> str:
        return str(entity_descriptor(self.server.config))

    # --- single sign-on -------------------------------------------------------------------
    def authn_request(self, query: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """Check an AuthnRequest (HTTP-Redirect) and keep it until the person signs in."""
        raw = self.server.unravel(query["SAMLRequest"], BINDING_HTTP_REDIRECT, "AuthnRequest")
        unverified = authn_request_from_string(raw)
        sp = unverified.issuer.text if unverified and unverified.issuer is not None else ""
        if not self.knows(sp) and sp.startswith(("http://", "https://")):
            self.trust(fetch(sp))
        if not self.knows(sp):
            raise ValueError(f"unknown service provider {sp}")
        # The SP's signature over the query string is checked against its metadata.
        req = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        key = secrets.token_urlsafe(16)
        pending = {
            "id": req.message.id,
            "sp": sp,
            "relay_state": query.get("RelayState", ""),
            "force": req.message.force_authn in ("true", "1"),
        }
        with self.lock:
            self.pending[key] = pending
        return key, pending

    def authn_response(self, key: str, username: str, password: str) -> str | None:
        """The auto-posting form carrying the signed Response, or None for a bad password."""
        user = next((u for u in USERS["users"] if u["username"] == username), None)
        if user is None or password != USERS["password"]:
            return None
        with self.lock:
            pending = self.pending.pop(key)
            knobs, self.knobs = self.knobs, {}
        acs = self.server.config.metadata.assertion_consumer_service(
            pending["sp"], BINDING_HTTP_POST
        )[0]["location"]
        name_id = saml.NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            sp_name_qualifier=pending["sp"],
            name_qualifier=self.server.config.entityid,
            text=username,
        )
        response = self.server.create_authn_response(
            identity=attributes_of(user),
            in_response_to=pending["id"],
            destination=acs,
            sp_entity_id=pending["sp"],
            name_id=name_id,
            userid=username,
            authn={"class_ref": PASSWORD_CLASS, "authn_auth": self.server.config.entityid},
            sign_response=True,
            sign_assertion=True,
            release_policy=KnobPolicy(
                expired=bool(knobs.get("expired")),
                audience=str(knobs.get("audience", "")),
                mds=self.server.metadata,
            ),
        )
        args = self.server.apply_binding(
            BINDING_HTTP_POST, str(response), acs, pending["relay_state"], response=True
        )
        return args["data"]

    # --- single logout --------------------------------------------------------------------
    def logout(self, data: dict[str, str], binding: str) -> str:
        """Answer an SP's LogoutRequest: the URL (HTTP-Redirect) carrying the LogoutResponse."""
        req = self.server.parse_logout_request(
            data["SAMLRequest"],
            binding,
            relay_state=data.get("RelayState"),
            sigalg=data.get("SigAlg"),
            signature=data.get("Signature"),
        )
        response = self.server.create_logout_response(req.message, [BINDING_HTTP_REDIRECT])
        sp = req.message.issuer.text
        destination = self.server.config.metadata.single_logout_service(
            sp, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        args = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            data.get("RelayState", ""),
            response=True,
            sigalg=self.server.signing_algorithm,
        )
        return dict(args["headers"])["Location"]

    def idp_logout(self, sp: str, subject: str) -> str:
        """An IdP-initiated LogoutRequest to the SP (HTTP-Redirect): its URL."""
        destination = self.server.config.metadata.single_logout_service(
            sp, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        name_id = saml.NameID(
            format=NAMEID_FORMAT_PERSISTENT,
            sp_name_qualifier=sp,
            name_qualifier=self.server.config.entityid,
            text=subject,
        )
        _, request = self.server.create_logout_request(
            destination, self.server.config.entityid, name_id=name_id, sign=False
        )
        args = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(request),
            destination,
            "",
            sigalg=self.server.signing_algorithm,
        )
        return dict(args["headers"])["Location"]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (test IdP, http(s) only)
        return resp.read().decode("utf-8")


LOGIN_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Test-IdP: logga in</title></head>
<body><main>
<h1>Test-IdP (endast för utveckling och test)</h1>
<p>Tjänsten {sp} vill att du loggar in.</p>
{error}
<form method="post" action="/login">
<input type="hidden" name="key" value="{key}">
<p><label for="username">Användarnamn hos IdP</label>
<input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">Lösenord hos IdP</label>
<input id="password" name="password" type="password" required></p>
<p><button type="submit">Logga in hos IdP</button></p>
</form>
<p>Personer: {people}. Lösenord: idp.</p>
</main></body></html>
"""


def login_page(key: str, sp: str, error: str = "") -> str:
    people = ", ".join(html.escape(u["username"]) for u in USERS["users"])
    return LOGIN_PAGE.format(
        key=html.escape(key),
        sp=html.escape(sp),
        error=f'<p role="alert">{html.escape(error)}</p>' if error else "",
        people=people,
    )


def make_app(idp: Idp):
    def app(environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        body = b""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}

        def reply(status: str, text: str, ctype: str = "text/html; charset=utf-8", headers=()):
            start_response(status, [("Content-Type", ctype), *headers])
            return [text.encode("utf-8")]

        try:
            if path == "/metadata":
                return reply("200 OK", idp.metadata_xml(), "application/samlmetadata+xml")
            if path == "/sso/redirect":
                key, pending = idp.authn_request(query)
                return reply("200 OK", login_page(key, pending["sp"]))
            if path == "/login" and method == "POST":
                page = idp.authn_response(form["key"], form["username"], form["password"])
                if page is None:
                    sp = idp.pending[form["key"]]["sp"]
                    return reply("200 OK", login_page(form["key"], sp, "Fel lösenord."))
                return reply("200 OK", page)
            if path == "/slo/redirect":
                return reply(
                    "302 Found",
                    "",
                    headers=[("Location", idp.logout(query, BINDING_HTTP_REDIRECT))],
                )
            if path == "/slo/post" and method == "POST":
                return reply(
                    "302 Found", "", headers=[("Location", idp.logout(form, BINDING_HTTP_POST))]
                )
            if idp.knobs_on and path == "/_test/next" and method == "POST":
                idp.knobs = json.loads(body or b"{}")
                return reply("204 No Content", "")
            if idp.knobs_on and path == "/_test/sp-metadata" and method == "POST":
                idp.trust(body.decode("utf-8"))
                return reply("204 No Content", "")
            if idp.knobs_on and path == "/_test/idp-logout":
                url = idp.idp_logout(query["sp"], query["name_id"])
                return reply("302 Found", "", headers=[("Location", url)])
        except (KeyError, ValueError, SAMLError) as exc:
            return reply("400 Bad Request", f"bad request: {exc}", "text/plain; charset=utf-8")
        return reply("404 Not Found", "not found", "text/plain; charset=utf-8")

    return app


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--base-url", default="", help="default http://<host>:<port>")
    parser.add_argument("--sp-metadata", action="append", default=[])
    parser.add_argument("--test-knobs", action="store_true")
    args = parser.parse_args(argv)
    base = args.base_url or f"http://{args.host}:{args.port}"
    idp = Idp(base=base, sp_metadata=args.sp_metadata, knobs_on=args.test_knobs)
    httpd = make_server(
        args.host, args.port, make_app(idp), ThreadingWSGIServer, handler_class=QuietHandler
    )
    print(f"test SAML IdP at {base} (metadata: {base}/metadata)", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
