"""Start the local test OIDC provider.

    python -m devidp.oidc --port 8102 \
        --redirect-uri http://127.0.0.1:8000/sso/oidc/tillsynsverket/callback/

`--port 0` picks a free port. The first line on stdout says where it listens:
`devidp.oidc ready issuer=http://127.0.0.1:<port>/o`. Client: `--client-id` (default `lom`)
with `--client-secret` (default `lom-dev-secret`), confidential, PKCE required. Test-only knobs:
`--test-clients` also registers `<client-id>-expired` (its ID tokens expired an hour before
they were issued), `<client-id>-wrong-issuer` (its ID tokens name another `iss`),
`<client-id>-wrong-audience` (another `aud`) and `<client-id>-tampered` (a group added after
signing, so the signature fails);
`--id-token-lifetime SECONDS` and `--id-token-issuer URL` do the same for every client."""

import argparse
import os
import sys
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

# The test clients `--test-clients` adds, `<client-id>-<knob>`, each misbehaving in one way.
KNOBS = ("expired", "wrong-issuer", "wrong-audience", "tampered")


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m devidp.oidc", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8102)
    p.add_argument("--redirect-uri", action="append", default=[], required=True)
    p.add_argument("--client-id", default="lom")
    p.add_argument("--client-secret", default="lom-dev-secret")
    p.add_argument("--test-clients", action="store_true")
    p.add_argument("--id-token-lifetime", type=int, default=300)
    p.add_argument("--id-token-issuer", default="")
    p.add_argument("--data-dir", default="")
    return p.parse_args(argv)


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _seed(args: argparse.Namespace) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    from devidp.oidc.validators import PEOPLE

    for username, person in PEOPLE.items():
        user = User(
            username=username,
            email=person.get("email", ""),
            first_name=person.get("given_name", ""),
            last_name=person.get("family_name", ""),
        )
        user.set_password("idp")
        user.save()
    client_ids = [args.client_id]
    if args.test_clients:
        client_ids += [f"{args.client_id}-{knob}" for knob in KNOBS]
    for client_id in client_ids:
        Application.objects.create(
            name=client_id,
            client_id=client_id,
            client_secret=args.client_secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(args.redirect_uri),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main(argv: list[str]) -> None:
    args = _args(argv)
    # Bind first, so that `--port 0` knows its port (and so the issuer) before Django starts.
    server = ThreadedWSGIServer((args.host, args.port), WSGIRequestHandler)
    issuer = f"http://{args.host}:{server.server_port}/o"
    knobs = KNOBS if args.test_clients else ()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="devidp-oidc-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="devidp.oidc.settings",
        DEVIDP_OIDC_DB=os.path.join(data_dir, "idp.sqlite3"),
        DEVIDP_OIDC_KEY=_private_key_pem(),
        DEVIDP_OIDC_ISSUER=issuer,
        DEVIDP_OIDC_ID_TOKEN_LIFETIME=str(args.id_token_lifetime),
        DEVIDP_OIDC_ID_TOKEN_ISSUER=args.id_token_issuer,
        DEVIDP_OIDC_KNOBS=" ".join(f"{args.client_id}-{k}={k}" for k in knobs),
    )
    if os.path.exists(os.environ["DEVIDP_OIDC_DB"]):
        os.remove(os.environ["DEVIDP_OIDC_DB"])
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    _seed(args)
    server.set_app(get_wsgi_application())
    print(f"devidp.oidc ready issuer={issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
