"""Forms of the password sign-in's second step and of re-authentication."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from lom.identity.services.account import CODE_MAX


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kod"),
        max_length=CODE_MAX,
        help_text=_("Sex siffror från autentiseringsappen, eller en av dina reservkoder."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Kod från appen"),
        max_length=CODE_MAX,
        help_text=_("Sex siffror som appen visar efter att du lagt till kontot."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=_("Lösenord"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, with_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["code"] = copy.deepcopy(CodeForm.base_fields["code"])
