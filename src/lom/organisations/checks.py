"""Bounds the core services hold every input to (the API bypasses the forms).

These sit beside `common.validation.required_text`, for optional texts and numbers."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from lom.common.bounds import MAX_AMOUNT_ORE
from lom.common.errors import DomainError
from lom.common.money import format_ore


def text_within(value: str | None, *, field: str, max_length: int) -> None:
    """Refuse a text longer than `max_length` characters (None and empty pass)."""
    if value is not None and len(value) > max_length:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": max_length}, field=field)


def count_within(value: int | None, *, field: str, maximum: int, minimum: int = 0) -> None:
    """Refuse a number outside [minimum, maximum] (None passes)."""
    if value is not None and not minimum <= value <= maximum:
        raise DomainError(
            _("Ange ett tal från %(a)d till %(b)d.") % {"a": minimum, "b": maximum}, field=field
        )


def amount_within(value: int | None, *, field: str, allow_zero: bool = True) -> None:
    """Refuse a negative amount (or zero), or one past MAX_AMOUNT_ORE (None passes)."""
    if value is None:
        return
    if value < 0 or (value == 0 and not allow_zero):
        raise DomainError(_("Beloppet måste vara större än noll."), field=field)
    if value > MAX_AMOUNT_ORE:
        raise DomainError(
            _("Beloppet är orimligt stort (högst %(m)s).") % {"m": format_ore(MAX_AMOUNT_ORE)},
            field=field,
        )


def fields_within(model: type[Model], values: Mapping[str, Any]) -> None:
    """Hold each text value to its model field: the field's max_length, and its choices when
    it has some. The field is named in the error."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        field = model._meta.get_field(name)
        max_length = getattr(field, "max_length", None)
        if max_length is not None:
            text_within(value, field=name, max_length=max_length)
        choices = getattr(field, "choices", None)
        if choices and value and value not in {str(c[0]) for c in choices}:
            raise DomainError(_("Okänt värde."), field=name)
