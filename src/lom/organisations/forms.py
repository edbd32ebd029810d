from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.fields import DateInput
from lom.organisations.models import Employee, Role, Union, Unit


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    code = forms.CharField(label=_("Kod"), max_length=40, required=False)
    parent = forms.ModelChoiceField(
        label=_("Överordnad enhet"), required=False, queryset=Unit.objects.none()
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.filter(organisation=organisation)


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = [
            "first_name",
            "last_name",
            "email",
            "unit",
            "occupational_group",
            "employment_start",
            "employment_form",
            "birth_year",
            "gender",
            "active",
        ]
        widgets = {"employment_start": DateInput()}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)


class RoleScopeForm(forms.Form):
    """A role, with the unit a manager's role covers and the union a representative's speaks
    for, chosen among the organisation's own."""

    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Enhet (för chef)"), required=False, queryset=Unit.objects.none()
    )
    union = forms.ModelChoiceField(
        label=_("Fackförbund (för facklig företrädare)"),
        required=False,
        queryset=Union.objects.none(),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
        self.fields["union"].queryset = Union.objects.filter(organisation=organisation)


class MembershipForm(RoleScopeForm):
    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    email = forms.EmailField(label=_("E-post (för nytt konto)"), max_length=254, required=False)
    field_order = ["username", "email", "role", "unit", "union"]

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class UnionForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=200,
        help_text=_("T.ex. Saco-S, OFR/ST, Seko, Kommunal, Vision."),
    )
