"""The bounds every fund-mode service holds its input to (the API reaches the services
without the forms): texts, amounts in öre, counts."""

from django.utils.translation import gettext as _

from lom.common.bounds import MAX_AMOUNT_ORE
from lom.common.errors import DomainError
from lom.common.money import format_ore

# Lengths of the model fields that are not one of the common bounds.
CRITERION_MAX = 300
ROUND_NAME_MAX = 120


def amount_too_large() -> str:
    return _("Beloppet får vara högst %(m)s.") % {"m": format_ore(MAX_AMOUNT_ORE)}


def amount_within(amount: int, *, field: str) -> int:
    """An amount in öre from 0 up to the bound, or a refusal naming `field`."""
    if amount < 0:
        raise DomainError(_("Beloppet kan inte vara negativt."), field=field)
    if amount > MAX_AMOUNT_ORE:
        raise DomainError(amount_too_large(), field=field)
    return amount


def text_within(value: str | None, *, field: str, max_length: int) -> str:
    """The stripped text, or a refusal naming `field` when it is longer than `max_length`."""
    text = (value or "").strip()
    if len(text) > max_length:
        raise DomainError(_("Texten får vara högst %(n)d tecken.") % {"n": max_length}, field=field)
    return text
