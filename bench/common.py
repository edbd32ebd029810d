"""What the generator and the runner agree on: database names, benchmark identities, tokens."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:54330"
BENCH_PASSWORD = "bench"  # every generated user; the data set is synthetic
BENCH_SECRET_KEY = "bench-only-secret-key-never-use-in-production"


# The application code measured: the working tree, or a frozen copy of it (run.py --snapshot)
# so that edits made while a long benchmark runs do not mix two versions into one result.
CODE_ROOT = Path(os.environ.get("LOM_BENCH_CODE_ROOT", str(ROOT)))


def ensure_paths() -> None:
    for p in (str(ROOT), str(CODE_ROOT / "src")):  # code first, then the bench package
        if p in sys.path:
            sys.path.remove(p)
        sys.path.insert(0, p)


def scale_label(scale: float) -> str:
    return f"{scale:g}"


def db_name_for_scale(scale: float) -> str:
    """0.1 -> lom_bench_0_1, 1 -> lom_bench_1."""
    return "lom_bench_" + scale_label(scale).replace(".", "_").replace("-", "_")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def server_url(url: str) -> str:
    return with_database(url, "")


def resolve_database_url(scale: float, explicit: str | None, server: str | None) -> str:
    """--database-url wins; then DATABASE_URL (when it names a PostgreSQL server, its database
    name is replaced by the scale's name only if it does not already start with lom_bench);
    then the default benchmark server."""
    if explicit:
        return explicit
    if server:
        return with_database(server, db_name_for_scale(scale))
    env = os.environ.get("DATABASE_URL", "")
    if env.startswith(("postgres://", "postgresql://")):
        if database_name(env).startswith("lom_bench"):
            return env
        return with_database(env, db_name_for_scale(scale))
    return with_database(DEFAULT_SERVER, db_name_for_scale(scale))


# Benchmark identities. The generator creates them, the runner finds them by these names.
def org_prefix(org_id: int) -> str:
    return f"o{org_id}"


def username(org_id: int, role: str) -> str:
    """o1.coordinator, o1.manager, o1.employee, o1.e123 (an applicant), o1.m45 (a manager)."""
    return f"{org_prefix(org_id)}.{role}"


def api_token_raw(org_id: int) -> str:
    """Deterministic raw API key of the benchmark coordinator of an organisation. Only its
    sha256 is stored (ApiToken.key_hash), as for real tokens."""
    digest = hashlib.sha256(f"lom-bench-token-{org_id}".encode()).hexdigest()[:32]
    return f"lom_bench{org_id:05d}{digest}"


def setup_django(database_url: str, *, debug: bool = False) -> None:
    ensure_paths()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("LOM_BASE_URL", "http://127.0.0.1:8000")
    os.environ["DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    import django

    django.setup()


def is_loopback_url(url: str) -> bool:
    """True when every address the URL's host resolves to is a loopback address (127.0.0.0/8,
    ::1): load is only ever sent to this machine."""
    import ipaddress
    import socket

    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def largest_organisation() -> tuple[int, int] | None:
    """(id, employees) of the organisation with the most employees, the one the benchmarks
    measure by default; None when the database has none. Django must be set up first."""
    from django.db.models import Count

    from lom.organisations.models import Employee

    row = (
        Employee.objects.values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")
        .first()
    )
    return (int(row["organisation_id"]), int(row["n"])) if row else None
