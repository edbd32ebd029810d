"""Test settings: the same application, faster hashing, in-memory mail."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("LOM_BASE_URL", "http://testserver")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("LOM_ALLOW_SQLITE", "1")

from lom.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="lom-test-media-")
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="lom-test-static-"))
# Tests keep a per-process cache: many clear it in fixtures that touch no database. The database
# cache production uses is proven by tests/common/test_cache.py and, across two app servers,
# by tests/config/test_shared_state.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Two test processes side by side on one PostgreSQL server (the API contract's two roles) each
# need a test database of their own (SQLite's test database is in memory, per process).
if os.environ.get("LOM_TEST_DB_SUFFIX") and "postgresql" in DATABASES["default"]["ENGINE"]:  # noqa: F405
    _name = DATABASES["default"]["NAME"]  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_{_name}_{os.environ['LOM_TEST_DB_SUFFIX']}"}  # noqa: F405
# A second alias on the same test database, as a replica would be: the router sends reads there
# only where a test sets LOM_REPLICA_ALIAS = "replica" (tests/common/test_replica.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
LOM_REPLICA_ALIAS = None
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The API's rate limits stay on in tests, high enough for the suite (a test lowers them).
LOM_API_RATE_ANON = os.environ.get("LOM_API_RATE_ANON", "100000/min")
LOM_API_RATE_USER = os.environ.get("LOM_API_RATE_USER", "100000/min")

# --- SAML 2.0 service provider ---
# The test-only SP key pair (devidp/keys/); the tests' IdP has its own.
LOM_SAML_KEY_FILE = str(BASE_DIR / "devidp" / "keys" / "sp-test.key")  # noqa: F405
LOM_SAML_CERT_FILE = str(BASE_DIR / "devidp" / "keys" / "sp-test.crt")  # noqa: F405
