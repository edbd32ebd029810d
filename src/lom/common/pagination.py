"""Keyset (cursor) pagination, the one way every list of the API is paged.

A page is read as `limit + 1` rows ordered by a unique key; the extra row only says there is a
next page, so no list ever counts its rows (no `COUNT(*)`). The cursor is opaque to the client:
the ordering values of the last row shown, encoded. A cursor that does not decode is refused
with a message naming the parameter."""

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Field, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lom.common.errors import DomainError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CURSOR_MAX = 400

M = TypeVar("M", bound=Model)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def _encode(values: list[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> DomainError:
    return DomainError(_("Ogiltig markör (cursor) för nästa sida."), field="cursor", code="cursor")


def _decode(cursor: str, model: type[Model], fields: Sequence[str]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise _bad_cursor()
    out = []
    for name, value in zip(fields, values, strict=True):
        field = _field(model, name.lstrip("-"))
        try:
            out.append(field.to_python(value))
        except Exception:
            raise _bad_cursor() from None
    return out


def keyset_page(
    qs: QuerySet[M],
    *,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    order: Sequence[str] = ("-id",),
) -> tuple[list[M], str | None]:
    """One page of `qs` in `order` after `cursor`, and the cursor of the next page (None on
    the last page). The last field of `order` must be unique (e.g. "-id"); every field must be a
    plain, non-null field of the model."""
    limit = max(1, min(limit, MAX_LIMIT))
    qs = qs.order_by(*order)
    if cursor:
        if len(cursor) > CURSOR_MAX:
            raise _bad_cursor()
        values = _decode(cursor, qs.model, order)
        after = Q()
        for i, name in enumerate(order):
            field = name.lstrip("-")
            step = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": values[i]})
            for j in range(i):
                step &= Q(**{order[j].lstrip("-"): values[j]})
            after |= step
        qs = qs.filter(after)
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode([_attr(last, name.lstrip("-")) for name in order])


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{name} is a relation's reverse side, not a field to order by")
    return field


def _attr(row: Model, name: str) -> Any:
    return getattr(row, _field(type(row), name).attname)
