"""The SSO settings form and the group → role mapping form of the settings page."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lom.identity.models import METADATA_XML_MAX, Protocol, RoleMapping, SsoConfig
from lom.organisations.forms import RoleScopeForm


class SsoConfigForm(forms.ModelForm):
    """Every setting an admin makes. The client secret is a password input that is never
    prefilled: left empty, the stored secret is kept."""

    protocol = forms.ChoiceField(
        label=_("Protokoll"), choices=Protocol.choices, widget=forms.RadioSelect
    )
    saml_metadata_url = forms.URLField(
        label=capfirst(SsoConfig._meta.get_field("saml_metadata_url").verbose_name),
        required=False,
        max_length=1000,
        assume_scheme="https",
    )
    oidc_issuer = forms.URLField(
        label=capfirst(SsoConfig._meta.get_field("oidc_issuer").verbose_name),
        required=False,
        max_length=1000,
        assume_scheme="https",
    )
    saml_metadata_file = forms.FileField(
        label=_("Ladda upp IdP:ns metadata (XML)"),
        required=False,
        help_text=_("Används i stället för metadata-URL:en. Högst 200 000 tecken."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/samlmetadata+xml"}),
    )
    oidc_client_secret = forms.CharField(
        label=_("Klienthemlighet"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = SsoConfig
        fields = [
            "protocol",
            "enabled",
            "button_label",
            "saml_metadata_url",
            "saml_metadata_file",
            "sweden_connect",
            "oidc_issuer",
            "oidc_client_id",
            "oidc_client_secret",
            "oidc_scopes",
            "attr_email",
            "attr_employee_number",
            "attr_groups",
            "attr_given_name",
            "attr_family_name",
            "employee_role_from_register",
            "password_login_enabled",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.pk is not None and self.instance.has_client_secret
        self.fields["oidc_client_secret"].help_text = (
            _("En hemlighet är sparad. Lämna tomt för att behålla den.")
            if stored
            else _("Visas aldrig igen efter att du har sparat.")
        )
        self.fields["oidc_client_secret"].initial = ""

    def clean_saml_metadata_file(self) -> str:
        """The uploaded metadata as text ("" when nothing was uploaded)."""
        upload = self.cleaned_data.get("saml_metadata_file")
        if not upload:
            return ""
        if upload.size > METADATA_XML_MAX * 4:
            raise forms.ValidationError(
                _("Filen är för stor: metadata får vara högst %(n)d tecken."),
                params={"n": METADATA_XML_MAX},
            )
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Filen ska vara XML i UTF-8.")) from exc
        if len(text) > METADATA_XML_MAX:
            raise forms.ValidationError(
                _("Filen är för stor: metadata får vara högst %(n)d tecken."),
                params={"n": METADATA_XML_MAX},
            )
        return text

    def service_fields(self) -> dict:
        """The cleaned data as `sso_config_save` takes it."""
        data = dict(self.cleaned_data)
        data["saml_metadata_xml"] = data.pop("saml_metadata_file") or ""
        return data


class RoleMappingForm(RoleScopeForm):
    group = forms.CharField(
        label=_("Grupp i IdP:n"),
        max_length=RoleMapping._meta.get_field("group").max_length,
        help_text=_("Gruppens namn som IdP:n skickar, t.ex. LOM-Samordnare."),
    )
    field_order = ["group", "role", "unit", "union"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["role"].label = _("Roll i LOM")

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "group": d["group"],
            "role": d["role"],
            "unit_id": d["unit"].pk if d["unit"] else None,
            "union_id": d["union"].pk if d["union"] else None,
        }
