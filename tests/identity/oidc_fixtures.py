"""The local test OIDC provider (devidp.oidc) as a real process on a free port, and a browser
stand-in (`requests`) that signs in on its login form."""

import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from lom.identity.models import Protocol, RoleMapping, SsoConfig
from lom.organisations.models import Employee, Role
from lom.organisations.services import employee_save

ROOT = Path(__file__).resolve().parents[2]
SLUG = "alfa"  # the `world` organisation
CALLBACK = f"http://testserver/sso/oidc/{SLUG}/callback/"
CLIENT_SECRET = "lom-test-secret"
IDP_PASSWORD = json.loads((ROOT / "devidp" / "users.json").read_text())["password"]


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_secret: str = CLIENT_SECRET


def _wait_for_ready(proc: subprocess.Popen, seconds: float) -> str:
    """The provider's first line on stdout (where it listens), or "" when it did not start."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            return proc.stdout.readline()
        if proc.poll() is not None:
            break
    return ""


@pytest.fixture(scope="session")
def oidc_provider():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    with tempfile.TemporaryFile(prefix="devidp-oidc-", suffix=".log") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "devidp.oidc", "--port", "0",
                "--redirect-uri", CALLBACK, "--client-secret", CLIENT_SECRET, "--test-clients",
            ],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
        try:
            match = re.search(r"issuer=(\S+)", _wait_for_ready(proc, 30))
            if not match:
                log.seek(0)
                pytest.fail(f"devidp.oidc did not start: {log.read()[-2000:]!r}")
            yield Provider(issuer=match.group(1))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


def configure_oidc(world, provider: Provider, *, client_id: str = "lom") -> SsoConfig:
    """The `world` organisation signs in through the test provider; LOM-Samordnare →
    coordinator; the person TV-9001 is in the staff register without an account."""
    config = SsoConfig.objects.create(
        organisation=world.org,
        protocol=Protocol.OIDC,
        oidc_issuer=provider.issuer,
        oidc_client_id=client_id,
        oidc_client_secret=provider.client_secret,
        oidc_scopes="openid email profile",
    )
    RoleMapping.objects.create(config=config, group="LOM-Samordnare", role=Role.COORDINATOR)
    employee = employee_save(
        actor=None,
        organisation=world.org,
        unit=world.unit_a,
        first_name="Siri",
        last_name="Samordnare",
        email="siri.privat@example.org",
        occupational_group="HR-specialist",
        employment_start=date(2018, 1, 1),
        employment_form="permanent",
        birth_year=1985,
        gender="F",
        active=True,
    )
    Employee.objects.filter(pk=employee.pk).update(employee_number="TV-9001")
    return config


def authorize_at_provider(
    authorize_url: str, username: str, *, password: str = IDP_PASSWORD
) -> str:
    """Sign in on the provider's own login form; the path + query of LOM's callback URL the
    provider redirects to."""
    s = requests.Session()
    r = s.get(authorize_url, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text[:500]
    login_url = urljoin(authorize_url, r.headers["Location"])
    r = s.get(login_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
    assert token, r.text[:500]
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    r = s.post(
        login_url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": password,
            "next": next_url,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 302, r.text[:500]
    r = s.get(urljoin(login_url, r.headers["Location"]), allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text[:500]
    callback = r.headers["Location"]
    assert callback.startswith("http://testserver/"), callback
    return callback[len("http://testserver") :]


def start_login(client, *, query: str = "") -> str:
    """LOM's login view: the provider's authorization URL it redirects to."""
    resp = client.get(f"/sso/oidc/{SLUG}/login/{query}")
    assert resp.status_code == 302, resp.content[:500]
    return resp["Location"]
