"""The checks behind /readyz. Each returns None when it holds, else a short reason that names
no secret (no password, no address of a mailbox). Each is cheap: the migration check and the
SMTP check keep their answer for a short time in this process."""

import errno
import logging
import os
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lom.operations.models import WorkerHeartbeat
from lom.operations.selectors import heartbeat_newest

logger = logging.getLogger("lom.operations.health")

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MIGRATIONS_CACHE_SECONDS = 30.0
SMTP_CACHE_SECONDS = 60.0

_lock = threading.Lock()
_cached: dict[str, tuple[float, str | None]] = {}


def forget_cached() -> None:
    """Drop the kept answers (a test changes what they depend on)."""
    with _lock:
        _cached.clear()


def _kept(key: str, seconds: float, check: Callable[[], str | None]) -> str | None:
    now = time.monotonic()
    with _lock:
        hit = _cached.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    answer = check()
    with _lock:
        _cached[key] = (now, answer)
    return answer


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:  # any failure to answer means not ready
        logger.error("readyz: database does not answer (%s)", type(exc).__name__)
        return "the database does not answer"
    return None


def _unapplied_migrations() -> str | None:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        logger.error("readyz: %d unapplied migrations (%s)", len(plan), names)
        return f"{len(plan)} unapplied migrations: {names}"
    return None


def check_migrations() -> str | None:
    """No unapplied migration. Only "all applied" is kept (for 30 s): a missing one is looked
    for again at the next probe, so readiness returns as soon as `migrate` has run."""
    now = time.monotonic()
    with _lock:
        hit = _cached.get("migrations")
    if hit is not None and now - hit[0] < MIGRATIONS_CACHE_SECONDS:
        return None
    try:
        answer = _unapplied_migrations()
    except Exception as exc:
        logger.error("readyz: migrations could not be read (%s)", type(exc).__name__)
        return "the migration state could not be read"
    if answer is None:
        with _lock:
            _cached["migrations"] = (now, None)
    return answer


def _heartbeat_age(*, role: str, limit: int, what: str) -> str | None:
    beat = heartbeat_newest(role=role)
    if beat is None:
        logger.error("readyz: no %s heartbeat", what)
        return f"no {what} has reported (no heartbeat)"
    age = timezone.now() - beat.seen_at
    if age > timedelta(seconds=limit):
        logger.error("readyz: newest %s heartbeat %d s old", what, age.total_seconds())
        return f"the newest {what} heartbeat is {int(age.total_seconds())} s old (limit {limit} s)"
    return None


def _tasks_run_in_workers() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend == "django_tasks_db.DatabaseBackend"


def check_worker() -> str | None:
    """The newest worker heartbeat is younger than LOM_READY_HEARTBEAT_MAX_AGE (only when tasks
    are run by workers at all: the immediate backend of the demo needs none)."""
    if not _tasks_run_in_workers():
        return None
    return _heartbeat_age(
        role=WorkerHeartbeat.Role.WORKER, limit=settings.LOM_READY_HEARTBEAT_MAX_AGE, what="worker"
    )


def check_scheduler() -> str | None:
    return _heartbeat_age(
        role=WorkerHeartbeat.Role.SCHEDULER,
        limit=settings.LOM_READY_SCHEDULER_MAX_AGE,
        what="scheduler",
    )


def check_media() -> str | None:
    """MEDIA_ROOT takes a small file (written, flushed to disk, removed)."""
    probe = Path(settings.MEDIA_ROOT) / f".readyz-{os.getpid()}-{threading.get_ident()}"
    try:
        try:
            with open(probe, "wb") as fh:
                fh.write(b"readyz\n" * 64)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            probe.unlink(missing_ok=True)  # also when the write failed half-way
    except OSError as exc:
        name = errno.errorcode.get(exc.errno or 0, "error")
        reason = "the disk is full" if exc.errno == errno.ENOSPC else f"not writable ({name})"
        logger.error("readyz: media directory %s", reason)
        return f"media directory: {reason}"
    return None


def _smtp_answers() -> str | None:
    host, port = settings.EMAIL_HOST, int(settings.EMAIL_PORT)
    timeout = settings.LOM_READY_SMTP_TIMEOUT
    client = smtplib.SMTP_SSL if getattr(settings, "EMAIL_USE_SSL", False) else smtplib.SMTP
    try:
        with client(host, port, timeout=timeout) as smtp:
            code, _msg = smtp.noop()
    except (OSError, smtplib.SMTPException) as exc:
        logger.error("readyz: SMTP server %s:%s unreachable (%s)", host, port, type(exc).__name__)
        return f"the SMTP server does not answer ({type(exc).__name__})"
    if code != 250:
        logger.error("readyz: SMTP server %s:%s answered NOOP with %s", host, port, code)
        return f"the SMTP server answered {code}"
    return None


def check_smtp() -> str | None:
    """The SMTP server answers a connection and a NOOP (only with the SMTP backend); the answer
    is kept for 60 s."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return None
    key = f"smtp:{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return _kept(key, SMTP_CACHE_SECONDS, _smtp_answers)


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "worker": check_worker,
    "scheduler": check_scheduler,
    "media": check_media,
    "smtp": check_smtp,
}


def readiness() -> dict[str, str]:
    """The checks that failed, by name, with their reason (empty: ready). The database
    checks are skipped when the database does not answer; a check that raises has failed."""
    failed: dict[str, str] = {}
    for name, check in CHECKS.items():
        if "database" in failed and name in ("migrations", "worker", "scheduler"):
            failed[name] = "not checked: the database does not answer"
            continue
        try:
            reason = check()
        except Exception as exc:  # a probe never answers 500
            logger.exception("readyz: check %s raised", name)
            reason = f"the check failed ({type(exc).__name__})"
        if reason is not None:
            failed[name] = reason
    return failed
