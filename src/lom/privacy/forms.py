from django import forms
from django.utils.translation import gettext_lazy as _

from lom.privacy.classes import CHOICES, CLASSES, MAX_MONTHS

READ_CLASS_CHOICES = [("", _("Alla"))] + [(c.code, c.label) for c in CLASSES if c.special]


class RetentionForm(forms.Form):
    data_class = forms.ChoiceField(label=_("Uppgiftsslag"), choices=CHOICES)
    months = forms.IntegerField(
        label=_("Gallras efter (månader)"), min_value=1, max_value=MAX_MONTHS
    )


class ReadSearchForm(forms.Form):
    employee = forms.CharField(
        label=_("Medarbetare (namn eller anställningsnummer)"), max_length=100, required=False
    )
    reader = forms.CharField(label=_("Vem läste"), max_length=100, required=False)
    data_class = forms.ChoiceField(
        label=_("Uppgiftsslag"), choices=READ_CLASS_CHOICES, required=False
    )
    date_from = forms.DateField(
        label=_("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SubjectSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Medarbetare (namn, e-post eller anställningsnummer)"),
        max_length=100,
        required=False,
    )
