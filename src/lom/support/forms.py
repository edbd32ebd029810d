from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX
from lom.common.fields import KronorField
from lom.support.eligibility import MonthRecord
from lom.support.models import Slot, SupportApplication


class HoursField(forms.CharField):
    """Hours a week, typed as '16', '15,9' or '15.9'; cleaned to a Decimal with one decimal."""

    default_error_messages = {
        "format": _("Ange timmar per vecka som ett tal, till exempel 16 eller 15,5."),
        "range": _("Ange timmar per vecka mellan 0 och 168."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.1f}".replace(".", ",")
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            hours = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
        except InvalidOperation as exc:
            raise forms.ValidationError(self.error_messages["format"], code="format") from exc
        if not hours.is_finite():
            raise forms.ValidationError(self.error_messages["format"], code="format")
        if hours < 0 or hours > 168:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return hours.quantize(Decimal("0.1"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Sista anställningsdag (eller dagens datum)"),
        widget=DateInput(),
        help_text=_("De 24 månaderna räknas bakåt från den här månaden, den inräknad."),
    )

    def clean_as_of(self):
        d = self.cleaned_data["as_of"]
        if not date(2000, 1, 1) <= d <= date(2100, 12, 31):
            raise forms.ValidationError(_("Ange ett datum mellan år 2000 och 2100."))
        return d


class MonthRowForm(forms.Form):
    month = forms.DateField(widget=forms.HiddenInput())
    hours_per_week = HoursField(label=_("Timmar per vecka i genomsnitt"), required=False)
    income = KronorField(label=_("Inkomst (kr)"), required=False)


MonthFormSet = forms.formset_factory(MonthRowForm, extra=0, max_num=60, validate_max=True)


def month_records(formset) -> list[MonthRecord]:
    """The rows of a valid month formset as the records the eligibility check takes."""
    return [
        MonthRecord(
            month=f.cleaned_data["month"],
            hours_per_week=f.cleaned_data.get("hours_per_week"),
            income_ore=f.cleaned_data.get("income"),
        )
        for f in formset
        if f.cleaned_data.get("month")
    ]


class SupportApplicationForm(forms.Form):
    """The employee's own part of an application; the summary of the check comes from the
    server's re-run of it."""

    wish = forms.ChoiceField(
        label=_("Vilket stöd vill du ha?"),
        choices=SupportApplication.Wish.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Beskriv med egna ord vad du behöver (frivilligt)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact = forms.ChoiceField(
        label=_("Hur vill du bli kontaktad?"),
        choices=SupportApplication.Contact.choices,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_(
            "Jag samtycker till att vägledaren ser sammanfattningen av min prövning: att "
            "grundvillkoret är uppfyllt, regelåret, datumet och antalet månader som räknas."
        ),
        help_text=_("Tabellen månad för månad skickas inte med."),
        error_messages={"required": _("Du behöver samtycka för att kunna skicka ansökan.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med anställningsuppgifter (CSV eller xlsx)"),
        help_text=_(
            "Kolumner: medarbetar_id (eller epost), månad (ÅÅÅÅ-MM), timmar_per_vecka, "
            "inkomst_kr. En rad per medarbetare och månad."
        ),
    )


class RuleForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    months_required = forms.IntegerField(
        label=_("Antal månader som krävs"), min_value=1, max_value=120, initial=12
    )
    window_months = forms.IntegerField(
        label=_("Ramtid i månader"), min_value=1, max_value=120, initial=24
    )
    min_hours_per_week = HoursField(label=_("Lägsta timmar per vecka i genomsnitt"))
    min_monthly_income = KronorField(label=_("Lägsta månadsinkomst (kr)"))
    confirmed = forms.BooleanField(label=_("Bekräftad mot avtalet"), required=False)
    source = forms.CharField(label=_("Källa"), max_length=200, required=False)


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starttid"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Längd (minuter)"), min_value=15, max_value=240, initial=60
    )
    mode = forms.ChoiceField(
        label=_("Form"), choices=Slot.Mode.choices, widget=forms.RadioSelect, initial="online"
    )
    place = forms.CharField(label=_("Plats (för samtal på plats)"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Videolänk (för digitala samtal)"), required=False, assume_scheme="https"
    )

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Orsak (visas för den andra parten)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Anteckning"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bara du och den andra parten i samtalet kan läsa anteckningarna."),
    )
