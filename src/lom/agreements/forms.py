from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import LocalAgreement, MeasureType
from lom.common.fields import DateInput, KronorField
from lom.organisations.models import Union


class AgreementForm(forms.ModelForm):
    cap_per_person = KronorField(label=_("Tak per person och år (kr)"), required=False)
    cap_per_application = KronorField(label=_("Tak per ansökan (kr)"), required=False)
    unions = forms.ModelMultipleChoiceField(
        label=_("Fackliga parter"),
        required=False,
        queryset=Union.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    measure_types = forms.ModelMultipleChoiceField(
        label=_("Tillåtna insatstyper"),
        queryset=MeasureType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LocalAgreement
        fields = [
            "title",
            "valid_from",
            "valid_to",
            "decision_model",
            "purpose_text",
            "exclusions",
            "excludes_ordinary_training",
            "allow_individual",
            "allow_with_manager",
            "allow_group",
            "allow_development_project",
            "requires_manager_endorsement",
            "applicant_participation",
            "objection_days",
            "allows_carry_over",
            "follow_up_text",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "decision_model": forms.RadioSelect,
            "purpose_text": forms.Textarea(attrs={"rows": 5}),
            "exclusions": forms.Textarea(attrs={"rows": 3}),
            "follow_up_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unions"].queryset = Union.objects.filter(organisation=organisation)
        self.fields["measure_types"].queryset = MeasureType.objects.filter(
            pk__in=[
                pk
                for pk, sectors in MeasureType.objects.values_list("pk", "sectors")
                if organisation.kind in (sectors or [organisation.kind])
            ]
        )
        if self.instance.pk:
            self.initial["cap_per_person"] = self.instance.cap_per_person_ore
            self.initial["cap_per_application"] = self.instance.cap_per_application_ore
            self.initial["unions"] = list(self.instance.unions.all())
            self.initial["measure_types"] = list(self.instance.measure_types.all())
