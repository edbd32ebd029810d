from django import template

register = template.Library()


@register.filter
def a11y(bound_field):
    """Render a widget that points at its help text and error message (WCAG 3.3.1, 1.3.1)."""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    attrs = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if bound_field.field.required:
        attrs["required"] = True
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field):
    return bound_field.widget_type == "checkbox"


@register.filter
def is_multi_checkbox(bound_field):
    return bound_field.widget_type in ("checkboxselectmultiple", "radioselect")


@register.simple_tag(takes_context=True)
def query(context, **kwargs):
    """The current query string with some keys replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def error_anchor(bound_field) -> str:
    """The id an error summary links to: a group of radio buttons or checkboxes has no element
    with the field's own id, so the link goes to its first option."""
    widget = bound_field.field.widget
    if getattr(widget, "input_type", "") in ("radio", "checkbox") and hasattr(widget, "choices"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id
