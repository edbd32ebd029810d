"""Bounds the decision and planning services hold their input to (the API and the demo
loaders bypass the forms): optional text with a maximum length, amounts within range.
Messages name the field, like `lom.common.validation.required_text`."""

from django.utils.translation import gettext as _

from lom.common.bounds import MAX_AMOUNT_ORE
from lom.common.errors import DomainError


def optional_text(value: str | None, *, field: str, max_length: int) -> str:
    """The stripped text (may be empty), refused naming the field when it is too long."""
    value = (value or "").strip()
    if len(value) > max_length:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": max_length}, field=field)
    return value


def check_amount(value: int | None, *, field: str) -> None:
    """An amount in öre within 0 … MAX_AMOUNT_ORE (None: not given). Also for a sum."""
    if value is None:
        return
    if value < 0:
        raise DomainError(_("Beloppet kan inte vara negativt."), field=field)
    if value > MAX_AMOUNT_ORE:
        raise DomainError(_("Beloppet är orimligt stort."), field=field)
