from django import forms
from django.utils.translation import gettext_lazy as _

from lom.identity.services.scim_tokens import TOKEN_NAME_MAX


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Namn på nyckeln"),
        max_length=TOKEN_NAME_MAX,
        initial="Entra ID",
        help_text=_("Till exempel identitetsleverantörens namn."),
    )
