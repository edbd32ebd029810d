"""Test settings: the same application, faster hashing, in-memory mail."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")

from lom.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="lom-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="lom-test-static-")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
