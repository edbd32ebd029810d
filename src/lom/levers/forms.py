from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import NAME_MAX, TEXT_MAX
from lom.common.fields import DateInput, KronorField


class RoundFromUnplannedForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=NAME_MAX)
    opens_on = forms.DateField(label=_("Öppnar"), widget=DateInput())
    closes_on = forms.DateField(label=_("Stänger"), widget=DateInput())
    budget = KronorField(
        label=_("Budgetram (kr)"),
        required=False,
        allow_zero=False,
        help_text=_("Högst de oplanerade medlen. Lämna tomt för hela beloppet."),
    )
    call_text = forms.CharField(
        label=_("Utlysningstext"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Förifylld med planens behov. Lämna tomt för den förifyllda texten."),
    )
