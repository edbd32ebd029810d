from django import template

from lom.common.money import format_ore

register = template.Library()


@register.filter
def kr(value):
    """Render öre as Swedish kronor: {{ case.requested_ore|kr }}."""
    return format_ore(value)
