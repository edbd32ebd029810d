from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import NAME_MAX
from lom.webhooks.events import event_choices
from lom.webhooks.models import URL_MAX


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Adress (URL)"),
        max_length=URL_MAX,
        help_text=_("Mottagarens HTTPS-adress, till exempel https://diarium.example.se/lom."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Vilket system som tar emot, så att ni känner igen mottagaren."),
    )
    events = forms.MultipleChoiceField(
        label=_("Händelser"),
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj de händelser mottagaren ska få."),
    )
