from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, MAX_COUNT, SHORT_TEXT_MAX, TEXT_MAX
from lom.common.fields import KronorField
from lom.fundmode.models import CostKind, FundAttachment, FundRound, ProviderKind
from lom.organisations.models import Employee, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=120, help_text=_("T.ex. Period 2025–2027."))
    start = forms.DateField(label=_("Från"), widget=DATE)
    end = forms.DateField(label=_("Till"), widget=DATE)
    claim_deadline = forms.DateField(
        label=_("Sista dag för rekvisition"),
        widget=DATE,
        help_text=_("Medel som inte rekvirerats då förfaller."),
    )
    total_ore = KronorField(label=_("Totalt belopp (kr)"), allow_zero=False)


class PayrollForm(forms.Form):
    def __init__(self, *args, members=(), initial_payroll=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_payroll = initial_payroll or {}
        for m in members:
            self.fields[f"payroll_{m.pk}"] = KronorField(
                label=_("Lönesumma för %(name)s (kr)") % {"name": m.name},
                required=False,
                initial=initial_payroll.get(m.pk),
            )
        self.members = list(members)

    def payrolls(self) -> dict[int, int]:
        """Member id -> payroll in öre, for the members whose field is filled in."""
        return {
            m.pk: self.cleaned_data[f"payroll_{m.pk}"]
            for m in self.members
            if self.cleaned_data.get(f"payroll_{m.pk}") is not None
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med lönesummor"),
        help_text=_(
            "CSV (semikolon eller komma) eller XLSX: organisationens kortnamn, "
            "organisationsnummer eller namn i första kolumnen, lönesumman i kronor i andra."
        ),
    )


class CriterionForm(forms.Form):
    text = forms.CharField(label=_("Kriterium"), max_length=300)
    help_text = forms.CharField(
        label=_("Vägledning till handläggaren"),
        required=False,
        max_length=SHORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PrenotifyForm(forms.Form):
    round: "forms.ModelChoiceField[FundRound]" = forms.ModelChoiceField(
        label=_("Period"), queryset=FundRound.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Planerad insats"), max_length=200)
    measure_type = forms.ModelChoiceField(
        label=_("Insatstyp"), queryset=MeasureType.objects.all(), required=False
    )
    estimated_ore = KronorField(label=_("Uppskattad kostnad (kr)"), allow_zero=False)
    planned_start = forms.DateField(label=_("Planerad start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planerat slut"), widget=DATE)

    def __init__(self, *args, rounds=None, measure_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        if measure_types is not None:
            self.fields["measure_type"].queryset = measure_types


def _cost_fields(form, prefix_label: str = "") -> None:
    for kind, label in CostKind.choices:
        form.fields[f"cost_{kind}"] = KronorField(label=f"{label} (kr)", required=False)
        form.fields[f"costdesc_{kind}"] = forms.CharField(
            label=_("Specifikation: %(k)s") % {"k": label}, required=False, max_length=200
        )


def costs_from(cleaned) -> dict[str, tuple[int, str]]:
    return {
        kind: (cleaned.get(f"cost_{kind}") or 0, cleaned.get(f"costdesc_{kind}") or "")
        for kind in CostKind.values
        if cleaned.get(f"cost_{kind}")
    }


class NotificationForm(forms.Form):
    title = forms.CharField(label=_("Insats"), max_length=200)
    background = forms.CharField(
        label=_("Bakgrund"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    need = forms.CharField(
        label=_("Behov"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vilket behov av kompetensförsörjning eller omställning insatsen svarar mot."),
    )
    measure_type = forms.ModelChoiceField(
        label=_("Insatstyp"), queryset=MeasureType.objects.all(), required=False
    )
    description = forms.CharField(
        label=_("Beskrivning av insatsen"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    provider_kind = forms.ChoiceField(label=_("Utförare"), choices=ProviderKind.choices)
    provider_name = forms.CharField(
        label=_("Leverantörens namn"),
        required=False,
        max_length=200,
        help_text=_("Bara när en leverantör utför insatsen."),
    )
    planned_start = forms.DateField(label=_("Planerad start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planerat slut"), widget=DATE)

    def __init__(self, *args, measure_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if measure_types is not None:
            self.fields["measure_type"].queryset = measure_types
        _cost_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("provider_kind") == ProviderKind.SUPPLIER and not data.get("provider_name"):
            self.add_error("provider_name", _("Ange leverantörens namn."))
        return data


class ParticipantForm(forms.Form):
    occupation_code = forms.RegexField(
        label=_("Yrkeskod (SSYK)"),
        regex=r"^\d{4}$",
        required=False,
        error_messages={"invalid": _("Yrkeskoden ska vara fyra siffror (SSYK).")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    gender = forms.ChoiceField(label=_("Kön"), choices=Employee.Gender.choices, required=False)
    count = forms.IntegerField(label=_("Antal"), min_value=0, max_value=MAX_COUNT, required=False)

    def clean(self):
        data = super().clean()
        if data.get("count") and not (data.get("occupation_code") and data.get("gender")):
            raise forms.ValidationError(_("Ange yrkeskod och kön för varje rad med ett antal."))
        return data


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3, max_num=200)


def groups_from(formset) -> list[tuple[str, str, int]]:
    return [
        (f.cleaned_data["occupation_code"], f.cleaned_data["gender"], f.cleaned_data["count"])
        for f in formset
        if f.cleaned_data.get("count")
    ]


class EmployeePickForm(forms.Form):
    employees = forms.MultipleChoiceField(
        label=_("Medarbetare"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bara antal per yrkeskod och kön skickas till fonden, aldrig namn."),
    )
    occupation_code = forms.RegexField(
        label=_("Yrkeskod (SSYK) för de valda"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Yrkeskoden ska vara fyra siffror (SSYK).")},
    )

    def __init__(self, *args, employees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].choices = [
            (str(e.pk), f"{e.full_name} ({e.occupational_group or '–'})") for e in employees
        ]


class FundAttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ av bilaga"),
        choices=[
            (FundAttachment.Kind.MINUTES, FundAttachment.Kind.MINUTES.label),
            (FundAttachment.Kind.OTHER, FundAttachment.Kind.OTHER.label),
        ],
    )
    file = forms.FileField(
        label=_("Bilaga"), help_text=_("PDF, bild (PNG/JPG) eller Office-fil. Högst 10 MB.")
    )


class DecisionForm(forms.Form):
    MET = [("yes", _("Uppfyllt")), ("no", _("Inte uppfyllt"))]

    costs_reasonable = forms.BooleanField(label=_("Kostnaderna är rimliga"), required=False)
    cost_comment = forms.CharField(
        label=_("Kommentar om kostnaderna"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(
        label=_("Beslut"),
        widget=forms.RadioSelect,
        choices=[
            ("approved", _("Bevilja")),
            ("more_info", _("Begär komplettering")),
            ("rejected", _("Avslå")),
        ],
    )
    amount_ore = KronorField(
        label=_("Beviljat belopp (kr)"),
        required=False,
        allow_zero=False,
        help_text=_("Lämna tomt för att bevilja det anmälda beloppet."),
    )
    partial_claims_allowed = forms.BooleanField(label=_("Delrekvisition tillåten"), required=False)
    # A re-decision names the approving decision it replaces (the one standing when the page
    # was opened): another officer's decision in between makes it refused, not overwritten.
    supersedes = forms.IntegerField(
        required=False, min_value=1, max_value=DB_ID_MAX, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Krävs vid avslag, begäran om komplettering, lägre belopp och när ett kriterium inte "
            "är uppfyllt."
        ),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for c in self.criteria:
            fields[f"met_{c.pk}"] = forms.ChoiceField(
                label=c.text_shown, choices=self.MET, widget=forms.RadioSelect
            )
            fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Kommentar: %(c)s") % {"c": c.text_shown},
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        fields.update(self.fields)
        self.fields = fields

    def answers(self) -> dict[int, tuple[bool, str]]:
        return {
            c.pk: (
                self.cleaned_data[f"met_{c.pk}"] == "yes",
                self.cleaned_data.get(f"comment_{c.pk}") or "",
            )
            for c in self.criteria
        }


class ClaimForm(forms.Form):
    internal_salary = KronorField(
        label=_("Interna lönekostnader (kr)"),
        required=False,
        help_text=_("Lönekostnad för egen personal som utfört insatsen."),
    )
    invoice1 = forms.FileField(label=_("Faktura 1"), required=False)
    invoice2 = forms.FileField(label=_("Faktura 2"), required=False)
    invoice3 = forms.FileField(label=_("Faktura 3"), required=False)
    is_final = forms.BooleanField(
        label=_("Slutrekvisition"),
        required=False,
        initial=True,
        help_text=_("Det som inte rekvireras återgår till potten när slutrekvisitionen betalas."),
    )
    term_start = forms.DateField(
        label=_("Delrekvisitionen gäller perioden från"), required=False, widget=DATE
    )
    term_end = forms.DateField(
        label=_("till och med"),
        required=False,
        widget=DATE,
        help_text=_("Terminen eller perioden som delrekvisitionen gäller; den måste vara slut."),
    )

    def __init__(self, *args, partial_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _cost_fields(self)
        if not partial_allowed:
            for name in ("is_final", "term_start", "term_end"):
                del self.fields[name]

    def invoices(self):
        return [
            self.cleaned_data[k]
            for k in ("invoice1", "invoice2", "invoice3")
            if self.cleaned_data.get(k)
        ]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberForm(forms.Form):
    member: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Arbetsgivare"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj en region eller kommun"),
        error_messages={"required": _("Välj vilken arbetsgivare som ska bli medlem.")},
    )
    joined_on = forms.DateField(
        label=_("Ansluten från"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Lämna tomt för i dag."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates
