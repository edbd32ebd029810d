"""Reports and exports read from a PostgreSQL streaming replica, when one is configured.

`DATABASE_REPLICA_URL` adds the database alias `replica` (settings.LOM_REPLICA_ALIAS names it).
Reads go there only inside an explicit scope, `reading_from_replica()`, which the report
builders open around the work that only reads (the annual report's figures, the dashboard's
figures, the list exports). Everything else reads and writes the primary (`default`), as does
everything without the setting. Inside the scope:

- every write goes to the primary (`db_for_write` always answers `default`, also for an object
  that was read from the replica);
- reads inside a transaction on the primary stay on the primary (a transaction must see its own
  writes, and a row locked with `select_for_update` is a write);
- reads of the tables that must see their own writes, or that another process has just written
  (sessions, users, the audit trail, the task queue, the report jobs), stay on the primary.

Lag: a replica replays the primary's changes a little later (usually well under a second). With
`LOM_REPLICA_MAX_LAG_SECONDS` above 0 the scope first waits, at most that long, until the
replica has replayed everything the primary had written when the scope opened, so a report asked
for right after a change includes it; a replica that does not catch up in time, or that cannot be
reached, is not used for that scope (the primary answers, and a warning is logged).
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

# The alias reads go to inside the current scope; None outside any scope (or when the scope
# found no usable replica).
_reading_from: ContextVar[str | None] = ContextVar("lom_reading_from", default=None)

# Tables that must see their own writes, or rows another process has just written.
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "accounts",
        "auth",
        "axes",
        "otp_totp",
        "otp_static",
        "django_tasks_database",
        "djangosaml2",
    }
)
PRIMARY_ONLY_MODELS = frozenset({"common.auditevent", "common.readlog", "reports.reportjob"})

POLL_SECONDS = 0.05

P = ParamSpec("P")
T = TypeVar("T")


def replica_alias() -> str | None:
    """The configured replica's alias, or None without one."""
    alias = getattr(settings, "LOM_REPLICA_ALIAS", None)
    return alias if alias and alias in connections else None


def current_read_alias() -> str | None:
    """The alias reads go to in the current scope (None: the primary)."""
    return _reading_from.get()


@contextmanager
def reading_from_replica(*, max_lag_seconds: float | None = None) -> Iterator[str]:
    """Within the block (or the decorated function), reads go to the replica; writes, and
    reads inside a transaction, still go to the primary. Yields the alias reads go to.
    `max_lag_seconds` overrides settings.LOM_REPLICA_MAX_LAG_SECONDS (0: do not wait)."""
    alias = replica_alias()
    if alias is not None and _reading_from.get() is None:
        wait = settings.LOM_REPLICA_MAX_LAG_SECONDS if max_lag_seconds is None else max_lag_seconds
        if wait > 0 and not replica_caught_up(alias=alias, timeout=wait):
            alias = None
    token = _reading_from.set(alias if alias is not None else _reading_from.get())
    try:
        yield _reading_from.get() or DEFAULT_DB_ALIAS
    finally:
        _reading_from.reset(token)


def rows_from_replica(make_rows: Callable[P, Iterable[T]]) -> Callable[P, Iterator[T]]:
    """Decorates a generator of an export's rows: they are read from the replica (when one is
    configured) while they are consumed, which for a streamed CSV is after the view returned."""

    def rows(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        with reading_from_replica():
            yield from make_rows(*args, **kwargs)

    return rows


def primary_lsn() -> str | None:
    """The primary's current write position (PostgreSQL), or None elsewhere."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        return None
    with conn.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        return cur.fetchone()[0]


def replay_lag_bytes(*, alias: str, lsn: str) -> int | None:
    """How many bytes of WAL the replica still has to replay to reach `lsn` (0 when it has);
    None when the database is not a replica (a test mirror, a primary)."""
    with connections[alias].cursor() as cur:
        cur.execute(
            "SELECT pg_is_in_recovery(), "
            "greatest(pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()), 0)::bigint",
            [lsn],
        )
        in_recovery, behind = cur.fetchone()
    return int(behind or 0) if in_recovery else None


def replica_caught_up(*, alias: str, timeout: float) -> bool:
    """Wait, at most `timeout` seconds, until the replica has replayed what the primary has
    written so far. False (and a warning) when it did not, or could not be asked."""
    if connections[alias].vendor != "postgresql":
        return True
    started = time.monotonic()
    try:
        lsn = primary_lsn()
        if lsn is None:
            return True
        while True:
            behind = replay_lag_bytes(alias=alias, lsn=lsn)
            if not behind:
                return True
            if time.monotonic() - started >= timeout:
                log.warning(
                    "replica %s is %d bytes behind after %.1f s: reading from the primary",
                    alias,
                    behind,
                    timeout,
                )
                return False
            time.sleep(POLL_SECONDS)
    except DatabaseError:
        log.warning("replica %s cannot be asked: reading from the primary", alias, exc_info=True)
        connections[alias].close()
        return False


def _primary_only(model: Any) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads inside `reading_from_replica()` to the replica, all
    else to the primary (see the module's docstring)."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        alias = _reading_from.get()
        if alias is None or _primary_only(model) or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read there may point at one read here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # Only the primary is migrated; a replica receives the schema by replication.
        return db == DEFAULT_DB_ALIAS
