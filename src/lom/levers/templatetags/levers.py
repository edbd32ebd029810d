"""`{% load levers %}{{ item.effect_kr|kronor }}`: a lever's whole kronor, Swedish style."""

from django import template

from lom.common.money import format_ore

register = template.Library()


@register.filter
def kronor(value: int | None) -> str:
    """12500 -> '12 500 kr' (whole kronor; the ledger's öre are shown with `kr`)."""
    if value is None:
        return "–"
    return format_ore(int(value) * 100).replace(",00", "")


@register.filter
def rate(value: float | None) -> str:
    """0.03 -> '3 %', 0.125 -> '12,5 %'."""
    if value is None:
        return "–"
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}\u00a0%"
