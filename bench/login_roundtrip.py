"""Login round trip, in server milliseconds: password, password + TOTP, SAML 2.0, OpenID
Connect. Not a test: it prints figures for README.

    .venv/bin/python bench/login_roundtrip.py [--runs 20]

Runs LOM in-process (Django's test client on a fresh in-memory SQLite database, production
password hasher PBKDF2) against the two local test identity providers started as processes of
their own (devidp.saml_idp, devidp.oidc). For each kind of login it times only LOM's own
requests: the password POST (and the TOTP step); for SAML the redirect to the IdP and the
assertion consumer (signature checked with xmlsec1, replay record, provisioning, login); for
OIDC the redirect and the callback (which includes LOM's token request to the provider and the
JWKS signature check). The IdP's own login form is not counted. The machine is shared and noisy,
so every figure is also given as a ratio to a baseline measured in the same run: `GET /healthz`
(one database query)."""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    for p in (str(ROOT / "src"), str(ROOT)):
        if p not in sys.path:
            sys.path.insert(0, p)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lom.config.test_settings"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from django.conf import settings

    # The production hasher: a password login pays for PBKDF2 as it does in service.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t0) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup()

    from django.test import Client
    from tests.browser import give_authenticator, totp_now
    from tests.factories import make_world
    from tests.identity import oidc_fixtures as oidc
    from tests.identity import saml_fixtures as saml

    world = make_world("alfa")
    for user in (world.employee, world.coordinator):
        user.set_password("pw")
        user.save()
    oidc_gen = oidc.oidc_provider.__wrapped__()
    provider = next(oidc_gen)
    saml_gen = saml.saml_idp.__wrapped__()
    idp_base = next(saml_gen)
    try:
        oidc.configure_oidc(world, provider)
        saml.make_saml_org(idp_base)

        def healthz():
            c = Client()
            ms, r = timed(lambda: c.get("/healthz"))
            assert r.status_code == 200
            return ms

        def password():
            c = Client()
            ms, r = timed(
                lambda: c.post("/login/", {"username": world.employee.username, "password": "pw"})
            )
            assert r.status_code == 302 and r["Location"] == "/", r.status_code
            return ms

        def password_totp():
            give_authenticator(world.coordinator.username)
            c = Client()
            ms1, r = timed(
                lambda: c.post(
                    "/login/", {"username": world.coordinator.username, "password": "pw"}
                )
            )
            assert r.status_code == 302 and "two-factor" in r["Location"], r.status_code
            ms2, r = timed(lambda: c.post(r["Location"], {"code": totp_now()}))
            assert r.status_code == 302 and r["Location"] == "/", r.status_code
            return ms1 + ms2

        def saml_login():
            c = Client()
            saml.trust_sp(c, idp_base)
            ms1, start = timed(lambda: c.get(f"/sso/saml/{saml.SLUG}/login/", {"next": "/"}))
            assert start.status_code == 302
            form = saml.requests.get(start["Location"], timeout=5)
            answer = saml.requests.post(
                f"{idp_base}/login",
                data={
                    "key": saml.hidden(form.text, "key"),
                    "username": "sso-samordnare",
                    "password": "idp",
                },
                timeout=10,
            )
            data = {
                "SAMLResponse": saml.hidden(answer.text, "SAMLResponse"),
                "RelayState": saml.hidden(answer.text, "RelayState"),
            }
            ms2, r = timed(lambda: c.post(saml.acs_url(), data))
            assert r.status_code == 302, r.content[:300]
            return ms1 + ms2

        def oidc_login():
            c = Client()
            ms1, authorize = timed(lambda: oidc.start_login(c))
            callback = oidc.authorize_at_provider(authorize, "sso-samordnare")
            ms2, r = timed(lambda: c.get(callback))
            assert r.status_code == 302, r.content[:300]
            return ms1 + ms2

        kinds = {
            "baseline GET /healthz": healthz,
            "password (no second factor)": password,
            "password + TOTP (staff)": password_totp,
            "SAML 2.0 (redirect + ACS)": saml_login,
            "OpenID Connect (redirect + callback)": oidc_login,
        }
        for fn in kinds.values():  # warm-up: first sign-in creates the account, caches metadata
            fn()
        samples: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(args.runs):  # interleaved, so a noisy moment hits every kind alike
            for name, fn in kinds.items():
                samples[name].append(fn())
        base = statistics.median(samples["baseline GET /healthz"])
        print(f"{'login':40} {'median ms':>10} {'p90 ms':>8} {'× baseline':>11}")
        for name, values in samples.items():
            values.sort()
            med = statistics.median(values)
            p90 = values[math.ceil(0.9 * len(values)) - 1]  # nearest rank
            print(f"{name:40} {med:10.1f} {p90:8.1f} {med / base:11.1f}")
        print(f"runs: {args.runs} each, interleaved; baseline median {base:.2f} ms")
    finally:
        for gen in (oidc_gen, saml_gen):
            gen.close()


if __name__ == "__main__":
    main()
