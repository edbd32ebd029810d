"""The feedback form of the accessibility statement: a public form (no sign-in), its fields
bounded, with a honeypot field a person never sees."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lom.operations.accessibility import (
    FEEDBACK_MESSAGE_MAX,
    FEEDBACK_NAME_MAX,
    FEEDBACK_PAGE_MAX,
)

# The honeypot's name: a field a robot fills and a person, who never sees it, leaves empty.
HONEYPOT = "website"


class AccessibilityFeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("Vad fungerar inte?"),
        help_text=_("Beskriv vad du försökte göra och vad som hindrade dig."),
        max_length=FEEDBACK_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    page = forms.CharField(
        label=_("Vilken sida gäller det? (valfritt)"),
        max_length=FEEDBACK_PAGE_MAX,
        required=False,
    )
    name = forms.CharField(
        label=_("Ditt namn (valfritt)"),
        max_length=FEEDBACK_NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Din e-postadress (valfritt)"),
        help_text=_("Om du vill ha svar."),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    org = forms.SlugField(max_length=50, required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label=_("Lämna fältet tomt"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
