"""API schemas and parameters every router shares."""

from datetime import date, datetime, timedelta
from typing import Annotated, Generic, TypeVar

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from lom.common.bounds import DB_ID_MAX, FIRST_YEAR, LAST_YEAR, MAX_UTC_OFFSET_HOURS
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


def _year_in_range(value: date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            _("Datumet måste ligga mellan år %(first)s och %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def _bounded_day(value: date) -> date:
    _year_in_range(value)
    return value


def _bounded_moment(value: datetime) -> datetime:
    _year_in_range(value)
    offset = value.utcoffset()
    if offset is not None and abs(offset) > timedelta(hours=MAX_UTC_OFFSET_HOURS):
        raise PydanticCustomError(
            "offset_out_of_range",
            _("Tidszonen får ligga högst %(hours)s timmar från UTC.")
            % {"hours": MAX_UTC_OFFSET_HOURS},
        )
    return value


# A date given to the API (years FIRST_YEAR to LAST_YEAR).
Day = Annotated[
    date,
    AfterValidator(_bounded_day),
    Field(json_schema_extra={"x-year-range": [FIRST_YEAR, LAST_YEAR]}),
]
# A date and time given to the API (same years; an offset within ±14 hours; without an
# offset it is the organisation's local time).
Moment = Annotated[
    datetime,
    AfterValidator(_bounded_moment),
    Field(json_schema_extra={"x-year-range": [FIRST_YEAR, LAST_YEAR]}),
]


def inline_choices(choices: type[TextChoices]) -> WithJsonSchema:
    """`Annotated[Model.Kind, inline_choices(Model.Kind)]`: the choices written out where they
    are used. The document names an enum after its class, and the models' choices share names
    (`Kind`, `Status`, `Outcome`): as components the last one would replace the others."""
    return WithJsonSchema({"type": "string", "enum": list(choices.values)})
