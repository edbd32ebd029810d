from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import DB_ID_MAX
from lom.common.money import MoneyParseError, format_kronor_input, parse_kronor


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class KronorField(forms.CharField):
    """A form field where people type kronor ('12 500,50'); cleaned value is öre (int)."""

    default_error_messages = {
        "format": _("Ange ett belopp i kronor, till exempel 12 500 eller 12 500,50."),
        "negative": _("Beloppet kan inte vara negativt."),
        "too_large": _("Beloppet är orimligt stort."),
    }

    def __init__(self, *, allow_zero: bool = True, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_kronor_input(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            ore = parse_kronor(value)
        except MoneyParseError as exc:
            key = "too_large" if str(exc) == "too_large" else "format"
            raise forms.ValidationError(self.error_messages[key], code=key) from exc
        if ore < 0 or (ore == 0 and not self.allow_zero):
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        return ore


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects that refuses out-of-range ids as invalid choices."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                out_of_range = abs(int(pk)) > DB_ID_MAX
            except (TypeError, ValueError):
                out_of_range = False  # the parent reports what is not a number
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
