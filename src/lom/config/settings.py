"""Settings for LOM, read from the environment (twelve-factor).

DEBUG defaults to off. With DEBUG off the settings production cannot do without must be given
(`required`): we refuse to start, naming the missing variable, rather than run on a guessable
key, an unknown host name or a throw-away database. docs/operations.md lists every variable.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)


def required(name: str, why: str, *, dev_default: str = "") -> str:
    """The value of the environment variable `name`; with DEBUG on, `dev_default` stands in for
    a missing one. Missing in production: start-up stops with a message naming it."""
    value = env.str(name, default="").strip()
    if value:
        return value
    if DEBUG and dev_default:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} is not set. {why} Set the {name} environment variable "
        "(or DEBUG=1 for local development); docs/operations.md lists every setting."
    )


SECRET_KEY = required(
    "SECRET_KEY",
    "It signs sessions and tokens: at least 50 random characters.",
    dev_default="dev-only-insecure-key-do-not-use-in-production",
)
ALLOWED_HOSTS = [
    h.strip()
    for h in required(
        "ALLOWED_HOSTS",
        "The host names LOM answers to, comma separated (e.g. lom.example.se).",
        dev_default="127.0.0.1,localhost",
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "djangosaml2",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The API docs page's Swagger UI and its static files (served by us, no CDN).
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lom.common",
    "lom.accounts",
    "lom.organisations",
    "lom.mail",
    "lom.webhooks",
    "lom.diarium",
    "lom.identity",
    "lom.agreements",
    "lom.funds",
    "lom.cases",
    "lom.decisions",
    "lom.followup",
    "lom.reports",
    "lom.planning",
    "lom.fundmode",
    "lom.support",
    "lom.library",
    "lom.sector",
    "lom.events",
    "lom.outreach",
    "lom.register",
    "lom.privacy",
    "lom.levers",
    "lom.operations",
    "lom.api",
    "lom.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "lom.common.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
    "lom.common.middleware.LanguageCookieMiddleware",
    "lom.common.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lom.common.middleware.StorageFullMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "lom.identity.middleware.SessionTimeoutMiddleware",
    "lom.organisations.middleware.ActiveOrganisationMiddleware",
    "lom.outreach.middleware.ApplicationReachMiddleware",
]

ROOT_URLCONF = "lom.config.urls"
WSGI_APPLICATION = "lom.config.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "lom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lom.site.context_processors.active_organisation",
            ],
            "builtins": ["lom.common.templatetags.money", "lom.common.templatetags.ui"],
        },
    }
]

# PostgreSQL in production. The SQLite file under var/ is for development; with DEBUG off it is
# used only when LOM_ALLOW_SQLITE=1 says so (a single-process trial), never by accident.
_SQLITE_DEFAULT = f"sqlite:///{BASE_DIR / 'var' / 'lom.sqlite3'}"
DATABASES = {
    "default": env.db_url_config(
        required(
            "DATABASE_URL",
            "The database, e.g. postgres://lom:secret@db.example.se:5432/lom.",
            dev_default=_SQLITE_DEFAULT,
        )
        if not env.bool("LOM_ALLOW_SQLITE", default=False)
        else env.str("DATABASE_URL", default=_SQLITE_DEFAULT)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a write transaction takes the lock when it begins, so two approvals
    # cannot both read the same balance and then both write.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (DATABASE_URL points at it): no server-side cursors,
# which would outlive the transaction that opened them. Psycopg 3's prepared statements stay off
# (Django's default). docs/operations.md, "PgBouncer and read replicas".
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
if DATABASE_TRANSACTION_POOLING:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Optional: a PostgreSQL streaming replica. Reports and exports read from it inside
# `lom.common.replica.reading_from_replica()`; everything else uses the primary (the router's rule
# and replica lag: docs/operations.md). LOM_REPLICA_MAX_LAG_SECONDS: how long a report waits for
# the replica to replay the primary's latest changes before it reads from the primary instead.
LOM_REPLICA_ALIAS: str | None = None
LOM_REPLICA_MAX_LAG_SECONDS = env.float("LOM_REPLICA_MAX_LAG_SECONDS", default=2.0)
_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="").strip()
if _REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL.")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0),
        CONN_HEALTH_CHECKS=True,
        DISABLE_SERVER_SIDE_CURSORS=DATABASE_TRANSACTION_POOLING,
        TEST={"MIRROR": "default"},
    )
    LOM_REPLICA_ALIAS = "replica"
DATABASE_ROUTERS = ["lom.common.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_HOURS", default=1)  # hours
# Lock the combination of user name and client address: wrong passwords for many users from
# one address (an office behind one NAT, or every user behind a misconfigured proxy) lock
# none of the others out, and an attacker elsewhere cannot lock a user out of their own desk.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "lom.common.clientip.client_ip"

# --- Behind a reverse proxy ---
# The number of reverse proxies in front of the app servers that append the client's address
# to X-Forwarded-For (nginx: one). 0: no proxy, the peer address (REMOTE_ADDR) is the client.
LOM_PROXY_COUNT = env.int("LOM_PROXY_COUNT", default=0)
# Optional: the proxies' own addresses or networks (comma separated). When set, the header is
# believed only on requests that come from one of them.
LOM_TRUSTED_PROXIES = env.list("LOM_TRUSTED_PROXIES", default=[])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "src" / "lom" / "locale"]
# English dates read 2024-01-01 or 1 January 2024 (lom/formats/en); Swedish keeps Django's.
FORMAT_MODULE_PATH = ["lom.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"  # never served directly: attachments go through a permission check

# Attachments: the types an application may carry, and the size limit.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="lom@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- TLS, behind the proxy ---
# The proxy ends TLS and tells the app with X-Forwarded-Proto (which it must set itself,
# overwriting what a client sent): LOM_PROXY_SSL_HEADER=1 makes Django believe it.
LOM_PROXY_SSL_HEADER = env.bool("LOM_PROXY_SSL_HEADER", default=False)
if LOM_PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS, except the probes, which a load balancer or the
# orchestrator may call over plain HTTP on the app server's own port.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

if not DEBUG:
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]

# Logs go to standard error, one JSON object per line in production (LOG_FORMAT=json), plain
# text in development. One line per request (lom.request) and per domain event (lom.event),
# both at INFO; everything else from LOG_LEVEL up. docs/operations.md describes the fields.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "lom.common.logs.JsonFormatter"},
        "text": {"()": "lom.common.logs.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "lom.request": {"level": env.str("LOG_REQUESTS_LEVEL", default="INFO")},
        "lom.event": {"level": env.str("LOG_EVENTS_LEVEL", default="INFO")},
        # The workers' and the scheduler's starts, requeued tasks and job runs; mail and webhook
        # deliveries.
        "lom.operations": {"level": "INFO"},
        "lom.mail": {"level": "INFO"},
        "lom.webhooks": {"level": "INFO"},
    },
}

# The cache holds nothing that is only in one process: it is a table in the database (shared by
# every app server and worker; created by `manage.py migrate`), or none at all
# (LOM_CACHE=none: no caching, and the API rate limits and public-page counter limits, which
# count in the cache, do not hold).
LOM_CACHE = env.str("LOM_CACHE", default="database")
CACHE_TABLE = "lom_cache"
if LOM_CACHE == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": env.int("LOM_CACHE_MAX_ENTRIES", default=100_000)},
        }
    }
elif LOM_CACHE == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(f"LOM_CACHE must be database or none, not {LOM_CACHE!r}.")

# Error reports to Sentry (or GlitchTip) when SENTRY_DSN is set; nothing personal is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from lom.common.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        release=env.str("SENTRY_RELEASE", default=""),
    )

# Background work (reports, reminders): django-tasks with its database backend; workers scale
# by adding `manage.py run_worker` processes. Tests run tasks immediately.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

# Forecast: warn when the projected unused share at period end exceeds this (percent).
LOM_UNUSED_WARNING_PERCENT = env.int("LOM_UNUSED_WARNING_PERCENT", default=20)

# API rate limits ("requests/period", period s, min, hour or day; empty switches a limit off):
# per client address for anonymous calls, per user for authenticated ones. Counted in the
# default cache, so several worker processes share a count only if that cache is shared.
LOM_API_RATE_ANON = env.str("LOM_API_RATE_ANON", default="60/min")
LOM_API_RATE_USER = env.str("LOM_API_RATE_USER", default="1200/min")

# Sign-in through identity providers (SAML 2.0, OpenID Connect) and SCIM provisioning.
# The key of the HMAC that turns a personal identity number from an e-ID assertion into the
# hash that links it to an employee record; the number itself is never stored. Defaults to a
# key derived from SECRET_KEY; set it on its own so rotating SECRET_KEY keeps the links.
LOM_IDENTITY_HASH_KEY = env.str("LOM_IDENTITY_HASH_KEY", default="") or ("idhash:" + SECRET_KEY)

# Sessions: signed out after LOM_SESSION_IDLE_MINUTES without a request, and in any case
# LOM_SESSION_ABSOLUTE_HOURS after signing in. The most sensitive acts need a sign-in or a
# confirmation within the last LOM_REAUTH_MINUTES.
LOM_SESSION_IDLE_MINUTES = env.int("LOM_SESSION_IDLE_MINUTES", default=30)
LOM_SESSION_ABSOLUTE_HOURS = env.int("LOM_SESSION_ABSOLUTE_HOURS", default=10)
LOM_REAUTH_MINUTES = env.int("LOM_REAUTH_MINUTES", default=15)

# --- Login page, two-factor and sessions ---
# Password sign-ins of staff (coordinator, decision maker, administrator, fund officer, and
# superusers) need a second factor (TOTP, or a recovery code). LOM_TOTP_REQUIRED=0 makes it
# optional for everyone (the local demo only).
LOM_TOTP_REQUIRED = env.bool("LOM_TOTP_REQUIRED", default=True)
LOM_TOTP_ISSUER = env.str("LOM_TOTP_ISSUER", default="LOM")
# Wrong codes allowed on the second step before the sign-in starts over.
LOM_TOTP_MAX_ATTEMPTS = env.int("LOM_TOTP_MAX_ATTEMPTS", default=5)
OTP_TOTP_ISSUER = LOM_TOTP_ISSUER

# --- SAML 2.0 service provider ---
# One SP per organisation (entity id = its metadata URL, /sso/saml/<slug>/metadata/), its IdP
# from the organisation's SSO settings. The SP's key pair signs AuthnRequests and logout
# messages: set LOM_SAML_KEY_FILE / LOM_SAML_CERT_FILE (PEM paths) in production; with DEBUG on,
# the test-only pair in devidp/keys/ is used. Without a pair, SAML sign-in answers an error page.
_SAML_DEV_KEYS = BASE_DIR / "devidp" / "keys"
LOM_SAML_KEY_FILE = env.str(
    "LOM_SAML_KEY_FILE", default=str(_SAML_DEV_KEYS / "sp-test.key") if DEBUG else ""
)
LOM_SAML_CERT_FILE = env.str(
    "LOM_SAML_CERT_FILE", default=str(_SAML_DEV_KEYS / "sp-test.crt") if DEBUG else ""
)
LOM_SAML_XMLSEC_BINARY = env.str("LOM_SAML_XMLSEC_BINARY", default="/usr/bin/xmlsec1")
# Allowed clock difference between LOM and the IdP, seconds.
LOM_SAML_CLOCK_SKEW = env.int("LOM_SAML_CLOCK_SKEW", default=60)
# The outstanding AuthnRequests live in a cookie session of their own that reaches the
# assertion consumer service on the IdP's cross-site POST (SameSite=None needs Secure).
SAML_SESSION_COOKIE_NAME = "lom_saml"
SAML_SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# pysaml2 and djangosaml2 log whole assertions (attributes, personal identity numbers) at
# DEBUG: keep them at WARNING whatever LOG_LEVEL says.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    "saml2": {"level": "WARNING"},
    "djangosaml2": {"level": "WARNING"},
}

# --- Mail that reaches people ---
# Every link in a mail is absolute, built from LOM_BASE_URL (scheme and host, no trailing
# slash, e.g. https://lom.myndigheten.se). Required with DEBUG off: LOM refuses to start without.
LOM_BASE_URL = required(
    "LOM_BASE_URL",
    "The address people reach LOM at (e.g. https://lom.example.se): the links in every mail "
    "are built from it.",
    dev_default="http://127.0.0.1:8000",
).rstrip("/")
# Delivery by the task queue: a failed attempt is tried again after each of these delays
# (seconds); when they are used up, or the server refuses for good (5xx), the mail is listed
# for the organisation's administrator to send again.
LOM_MAIL_RETRY_DELAYS = [
    int(s) for s in env.list("LOM_MAIL_RETRY_DELAYS", default=["60", "300", "1800", "7200"])
]
# Seconds to wait for the SMTP server.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Webhooks ---
# Endpoints must be public HTTPS addresses; LOM_WEBHOOK_ALLOW_PRIVATE=1 also allows private,
# loopback and link-local ones (a closed network, a test). TLS is always verified; a PEM file in
# LOM_WEBHOOK_CA_BUNDLE adds a CA (for receivers with certificates from a private CA).
LOM_WEBHOOK_ALLOW_PRIVATE = env.bool("LOM_WEBHOOK_ALLOW_PRIVATE", default=False)
LOM_WEBHOOK_CA_BUNDLE = env.str("LOM_WEBHOOK_CA_BUNDLE", default="")

# --- Staff register import ---
# An export file from the HR/payroll system may be at most this large and this long.
LOM_REGISTER_MAX_BYTES = env.int("LOM_REGISTER_MAX_BYTES", default=60 * 1024 * 1024)
LOM_REGISTER_MAX_ROWS = env.int("LOM_REGISTER_MAX_ROWS", default=1_000_000)

# --- Public pages, library search, sector benchmarks ---
# Visits one client address may add to one public-page counter per window.
LOM_PUBLIC_COUNT_LIMIT = env.int("LOM_PUBLIC_COUNT_LIMIT", default=60)
LOM_PUBLIC_COUNT_WINDOW_SECONDS = env.int("LOM_PUBLIC_COUNT_WINDOW_SECONDS", default=3600)
# Library search: "text" (full-text), or "hybrid"/"embedding" when the embedding model is
# installed (it falls back to text otherwise). LOM_LIBRARY_ENCODER: dotted path of another
# encoder class; LOM_LIBRARY_EMBED_ENTRIES=1 computes embeddings even while searching by text.
LOM_LIBRARY_SEARCH = env.str("LOM_LIBRARY_SEARCH", default="text")
if LOM_LIBRARY_SEARCH not in ("text", "hybrid", "embedding"):
    raise ImproperlyConfigured(
        f"LOM_LIBRARY_SEARCH must be text, hybrid or embedding, not {LOM_LIBRARY_SEARCH!r}."
    )
LOM_LIBRARY_ENCODER = env.str("LOM_LIBRARY_ENCODER", default="")
LOM_LIBRARY_EMBED_ENTRIES = env.bool("LOM_LIBRARY_EMBED_ENTRIES", default=False)
# Sector benchmarks older than this are refreshed before they are shown.
LOM_BENCHMARK_MAX_AGE = timedelta(hours=env.int("LOM_BENCHMARK_MAX_AGE_HOURS", default=6))

# --- Operations ---
# Background workers (`manage.py run_worker`) write a heartbeat every
# LOM_WORKER_HEARTBEAT_SECONDS; a running task whose worker has not beaten for
# LOM_WORKER_LOST_AFTER_SECONDS goes back to the queue, and fails for good after
# LOM_TASK_MAX_ATTEMPTS tries. Finished task results are kept LOM_TASK_RESULT_KEEP_DAYS days.
LOM_WORKER_HEARTBEAT_SECONDS = env.int("LOM_WORKER_HEARTBEAT_SECONDS", default=10)
LOM_WORKER_LOST_AFTER_SECONDS = env.int("LOM_WORKER_LOST_AFTER_SECONDS", default=60)
LOM_TASK_MAX_ATTEMPTS = env.int("LOM_TASK_MAX_ATTEMPTS", default=3)
LOM_TASK_RESULT_KEEP_DAYS = env.int("LOM_TASK_RESULT_KEEP_DAYS", default=14)
# The scheduler (`manage.py run_scheduler`) looks for due jobs every LOM_SCHEDULER_TICK_SECONDS.
LOM_SCHEDULER_TICK_SECONDS = env.int("LOM_SCHEDULER_TICK_SECONDS", default=5)
# /readyz: the newest worker heartbeat and the scheduler's last tick may be at most this old
# (seconds); the SMTP server must answer within LOM_READY_SMTP_TIMEOUT seconds.
LOM_READY_HEARTBEAT_MAX_AGE = env.int("LOM_READY_HEARTBEAT_MAX_AGE", default=120)
LOM_READY_SCHEDULER_MAX_AGE = env.int("LOM_READY_SCHEDULER_MAX_AGE", default=120)
LOM_READY_SMTP_TIMEOUT = env.float("LOM_READY_SMTP_TIMEOUT", default=3.0)

# --- Personal data ---
# Retention (gallring): the default period of a data class for every organisation of this
# installation, in months, overriding the table in lom.privacy.classes; an organisation's
# administrator may still set its own within the class's bounds. E.g.
# LOM_RETENTION_DEFAULT_MONTHS="mail.body=6,case.draft=12". Unknown classes or periods out of
# bounds stop `manage.py check`/`migrate` with a message naming them.
LOM_RETENTION_DEFAULT_MONTHS = env.dict("LOM_RETENTION_DEFAULT_MONTHS", default={})
