"""The real SAML IdP for the SAML tests: devidp.saml_idp in a process of its own on a free
port of 127.0.0.1 (one per test worker), and an organisation that signs in through it."""

import html
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from lom.identity.models import Protocol, RoleMapping, SsoConfig
from lom.organisations.models import Employee, Organisation, Role
from lom.organisations.services import unit_create

ROOT = Path(__file__).resolve().parents[2]
SLUG = "tillsynsverket"
_METADATA: dict[str, str] = {}  # the IdP's metadata, fetched once per IdP process


def idp_metadata(idp_base: str) -> str:
    if idp_base not in _METADATA:
        _METADATA[idp_base] = requests.get(f"{idp_base}/metadata", timeout=5).text
    return _METADATA[idp_base]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def saml_idp():
    """The base URL of a running test IdP (stopped at the end of the session)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "devidp.saml_idp", "--port", str(port), "--test-knobs"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("LOM_TEST_IDP_LOG", os.devnull), "a"),  # noqa: SIM115
    )
    try:
        # pysaml2 and xmlsec take seconds to load on a busy machine: wait up to a minute,
        # and stop at once if the IdP process died.
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/metadata", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the test SAML IdP did not start (exit code {proc.poll()})")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def make_saml_org(idp_base: str, *, slug: str = SLUG, sweden_connect: bool = False):
    """Statens tillsynsverk, signing in through the test IdP; LOM-Samordnare → coordinator."""
    org = Organisation.objects.create(name="Statens tillsynsverk", slug=slug)
    unit = unit_create(actor=None, organisation=org, name="Tillsyn Nord")
    config = SsoConfig.objects.create(
        organisation=org,
        protocol=Protocol.SAML,
        saml_metadata_xml=idp_metadata(idp_base),
        saml_idp_entity_id=f"{idp_base}/metadata",
        attr_given_name="givenName",
        attr_family_name="sn",
        sweden_connect=sweden_connect,
    )
    RoleMapping.objects.create(config=config, group="LOM-Samordnare", role=Role.COORDINATOR)
    employee = Employee.objects.create(
        organisation=org,
        unit=unit,
        first_name="Siri",
        last_name="Samordnare",
        email="siri@old.example",
        employee_number="TV-9001",
        employment_start=date(2020, 1, 1),
        birth_year=1980,
        gender="F",
    )
    return org, config, employee


def trust_sp(client, idp_base: str, slug: str = SLUG) -> None:
    """Give the IdP the SP's metadata (the test server is not reachable over HTTP)."""
    xml = client.get(reverse("identity:saml_metadata", args=[slug])).content
    requests.post(f"{idp_base}/_test/sp-metadata", data=xml, timeout=5).raise_for_status()


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, f"no {name} in {page[:500]}"
    return html.unescape(m.group(1))


def idp_response(
    client,
    idp_base: str,
    username: str,
    *,
    slug: str = SLUG,
    next_url="/",
    knobs: dict | None = None,
    force: bool = False,
) -> dict[str, str]:
    """Start a sign-in at LOM, sign in at the IdP's own form: the POST the IdP sends back."""
    trust_sp(client, idp_base, slug)
    query = {"next": next_url, **({"force": "1"} if force else {})}
    start = client.get(reverse("identity:saml_login", args=[slug]), query)
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(f"{idp_base}/sso/redirect?")
    form = requests.get(start["Location"], timeout=5)
    assert form.status_code == 200, form.text
    if knobs:
        requests.post(f"{idp_base}/_test/next", json=knobs, timeout=5).raise_for_status()
    answer = requests.post(
        f"{idp_base}/login",
        data={"key": hidden(form.text, "key"), "username": username, "password": "idp"},
        timeout=10,
    )
    assert answer.status_code == 200
    return {
        "SAMLResponse": hidden(answer.text, "SAMLResponse"),
        "RelayState": hidden(answer.text, "RelayState"),
    }


def acs_url(slug: str = SLUG) -> str:
    return reverse("identity:saml_acs", args=[slug])
