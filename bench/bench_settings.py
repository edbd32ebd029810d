"""Production settings plus the bare /ping view the benchmark compares every page with.

Everything else comes from the environment exactly as in production (DEBUG off, so the cached
template loader is on). Only a fallback SECRET_KEY is supplied so the harness can start.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-use-in-production")
os.environ.setdefault("LOM_BASE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # measured over plain HTTP on loopback

from lom.config.settings import *  # noqa: F403

LOM_BENCH_PING = True
