from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class DomainError(Exception):
    """A rule refused the action. The message is for the user (Swedish, translatable);
    `field` names the form field it belongs to, when there is one."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class PermissionDeniedError(DomainError):
    def __init__(self, message, *, code: str = "forbidden"):
        super().__init__(message, code=code)


class ConflictError(DomainError):
    """The thing is in a state that refuses the action (already signed, decided, locked, or
    changed by someone else meanwhile). The API answers 409; the UI shows it like any refusal."""

    def __init__(self, message, *, field: str | None = None, code: str = "conflict"):
        super().__init__(message, field=field, code=code)


# Codes of refusals that are about the state of a thing, not about the input: the API answers
# 409 for them whichever class raised them.
CONFLICT_CODES = frozenset(
    {"conflict", "state", "stale", "status", "newer_exists", "sealed", "signed", "locked"}
)


def is_conflict(exc: DomainError) -> bool:
    return isinstance(exc, ConflictError) or exc.code in CONFLICT_CODES


@contextmanager
def fields_renamed(names: Mapping[str, str]) -> Iterator[None]:
    """A refusal names the field as the caller named it: the services name fields as the forms
    do, and the API's JSON names some of them otherwise (`unit` → `unit_id`)."""
    try:
        yield
    except DomainError as exc:
        exc.field = names.get(exc.field or "", exc.field)
        raise
