"""The register's search form (GET) and the numbering series' settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import FIRST_YEAR, LAST_YEAR, NAME_MAX
from lom.diarium.models import (
    FORMAT_MAX,
    PREFIX_MAX,
    Direction,
    DocumentKind,
    DocumentSeries,
    Secrecy,
)
from lom.diarium.selectors import DocumentFilter


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("Alla")), *choices]


class DocumentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=NAME_MAX,
        help_text=_("Diarienummer, rubrik, avsändare/mottagare eller ärendenummer."),
    )
    kind = forms.ChoiceField(
        label=_("Handlingstyp"), required=False, choices=_any(DocumentKind.choices)
    )
    year = forms.IntegerField(
        label=_("År"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    date_from = forms.DateField(
        label=_("Registrerad från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Registrerad till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    secrecy = forms.ChoiceField(
        label=_("Sekretessmarkering"), required=False, choices=_any(Secrecy.choices)
    )
    direction = forms.ChoiceField(
        label=_("Riktning"), required=False, choices=_any(Direction.choices)
    )

    def filters(self) -> DocumentFilter:
        """The filters of a valid form (call `is_valid()` first)."""
        d = self.cleaned_data
        return DocumentFilter(
            q=(d.get("q") or "").strip(),
            kind=d.get("kind") or "",
            year=d.get("year"),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            secrecy=d.get("secrecy") or "",
            direction=d.get("direction") or "",
        )


class SeriesForm(forms.ModelForm):
    class Meta:
        model = DocumentSeries
        fields = ["prefix", "number_format", "number_width"]
        help_texts = {
            "number_format": _(
                "Använd {prefix}, {year} och {number}. Året är alltid registreringsåret."
            ),
            "number_width": _("Nollutfyllnad av löpnumret, t.ex. 4 ger 0042 (0 = ingen)."),
        }
        widgets = {
            "prefix": forms.TextInput(attrs={"maxlength": PREFIX_MAX}),
            "number_format": forms.TextInput(attrs={"maxlength": FORMAT_MAX}),
        }
