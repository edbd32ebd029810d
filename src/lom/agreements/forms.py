from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import AgreementVersion, LocalAgreement, MeasureType
from lom.agreements.rules import RULE_FIELDS
from lom.common.bounds import TEXT_MAX
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
    # Only when changing an agreement: changed rules become a draft version from this date.
    effective_from = forms.DateField(
        label=_("De ändrade reglerna ska gälla från"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "En ändring av reglerna blir ett utkast till en ny version. Utkastet gäller inte "
            "förrän arbetsgivaren och alla fackliga parter har godkänt det; till dess gäller "
            "den nuvarande versionen, och varje ärende behåller alltid versionen det skickades "
            "in under. Rubrik och giltighetstid ändras direkt."
        ),
    )
    change_note = forms.CharField(
        label=_("Vad som ändras och varför"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = LocalAgreement
        fields = [
            "title",
            "valid_from",
            "valid_to",
            "decision_model",
            "quorum",
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
            "objection_answer_days",
            "reconsideration_days",
            "allows_carry_over",
            "follow_up_text",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "decision_model": forms.RadioSelect,
            "quorum": forms.RadioSelect,
            "purpose_text": forms.Textarea(attrs={"rows": 5}),
            "exclusions": forms.Textarea(attrs={"rows": 3}),
            "follow_up_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation, draft: AgreementVersion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        unions = self.fields["unions"]
        assert isinstance(unions, forms.ModelMultipleChoiceField)
        unions.queryset = Union.objects.filter(organisation=organisation)
        # Only the measure types of the organisation's sector (a region is not offered a
        # state-sector type such as avtalspension); filtered here, as SQLite cannot query JSON.
        types = self.fields["measure_types"]
        assert isinstance(types, forms.ModelMultipleChoiceField)
        types.queryset = MeasureType.objects.filter(
            pk__in=[
                pk
                for pk, sectors in MeasureType.objects.values_list("pk", "sectors")
                if organisation.kind in (sectors or [organisation.kind])
            ]
        )
        if not self.instance.pk:
            # A new agreement is the signed agreement, in force as entered (version 1).
            del self.fields["effective_from"]
            del self.fields["change_note"]
            return
        self.initial["cap_per_person"] = self.instance.cap_per_person_ore
        self.initial["cap_per_application"] = self.instance.cap_per_application_ore
        self.initial["unions"] = list(self.instance.unions.all())
        self.initial["measure_types"] = list(self.instance.measure_types.all())
        if draft is not None:
            rules = draft.rules
            # The form shows the draft being prepared, so a second edit continues it.
            self.initial.update({k: rules[k] for k in RULE_FIELDS if k in rules})
            self.initial["cap_per_person"] = rules.get("cap_per_person_ore")
            self.initial["cap_per_application"] = rules.get("cap_per_application_ore")
            self.initial["unions"] = list(Union.objects.filter(pk__in=rules.get("union_ids", ())))
            self.initial["measure_types"] = list(
                MeasureType.objects.filter(pk__in=rules.get("measure_type_ids", ()))
            )
            self.initial["effective_from"] = draft.effective_from
            self.initial["change_note"] = draft.change_note


class VersionApproveForm(forms.Form):
    """The party approving: a union's id, or empty for the employer."""

    union = forms.IntegerField(required=False, min_value=1)
