"""Settings of the local test OIDC provider; `python -m devidp.oidc` fills the DEVIDP_OIDC_*
variables before Django starts."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "devidp-oidc-test-only"  # noqa: S105 - a local test provider, never deployed
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "devidp.oidc.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEVIDP_OIDC_DB", ":memory:"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/accounts/login/"
# LOM and this provider both run on 127.0.0.1: distinct cookie names keep their sessions apart.
SESSION_COOKIE_NAME = "devidp_oidc_session"
CSRF_COOKIE_NAME = "devidp_oidc_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("DEVIDP_OIDC_KEY", ""),
    "OIDC_ISS_ENDPOINT": os.environ.get("DEVIDP_OIDC_ISSUER", ""),
    "PKCE_REQUIRED": True,
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("DEVIDP_OIDC_ID_TOKEN_LIFETIME", "300")),
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "OAUTH2_VALIDATOR_CLASS": "devidp.oidc.validators.DevIdpValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "E-post",
        "profile": "Namn",
        "groups": "Grupper",
    },
}

# Test-only knobs: an ID token `iss` for every client (DEVIDP_OIDC_ID_TOKEN_ISSUER), and
# clients that misbehave on purpose, `client_id=knob` pairs: "wrong-issuer" (another `iss`),
# "expired" (expired when issued), "wrong-audience" (another `aud`), "tampered" (claims changed
# after signing).
DEVIDP_ID_TOKEN_ISSUER = os.environ.get("DEVIDP_OIDC_ID_TOKEN_ISSUER", "")
DEVIDP_CLIENT_KNOBS = dict(
    pair.split("=", 1) for pair in os.environ.get("DEVIDP_OIDC_KNOBS", "").split() if "=" in pair
)
WRONG_ISSUER = "https://wrong-issuer.invalid/"
