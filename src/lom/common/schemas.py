"""API schemas and parameters every router shares."""

from typing import Annotated, Generic, TypeVar

from ninja import Field, Schema

from lom.common.bounds import DB_ID_MAX
from lom.common.pagination import CURSOR_MAX, DEFAULT_LIMIT, MAX_LIMIT

__all__ = ["DEFAULT_LIMIT"]


class FieldErrorOut(Schema):
    """One refused field of a request that did not match the schema."""

    field: str
    detail: str
    code: str


class ErrorOut(Schema):
    """A refusal, in one shape for every status: what went wrong (for the user, in the caller's
    language), the field it concerns, a stable code; for a request that did not match the
    schema (422) every refused field; for 429 how many seconds to wait."""

    detail: str
    field: str | None = None
    code: str = "invalid"
    errors: list[FieldErrorOut] | None = None
    retry_after: int | None = None


T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list. `next_cursor` is passed as `cursor` to read the next page; it is
    null on the last page. Lists are never counted."""

    items: list[T]
    next_cursor: str | None


# An id the database can hold (a larger one would be a 500 on SQLite, not "not found").
Id = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
# The opaque cursor of a page, as returned in `next_cursor`.
Cursor = Annotated[str, Field(min_length=1, max_length=CURSOR_MAX, pattern=r"^[A-Za-z0-9_-]+$")]
# How many items a page holds (the default is DEFAULT_LIMIT).
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
