from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, NAME_MAX, TEXT_MAX
from lom.common.fields import DateInput, KronorField
from lom.funds.models import FundPeriod
from lom.planning.models import STEP_ORDER, Need, Step, Workshop

SCALE = [(i, str(i)) for i in range(1, 6)]


def _usernames(raw: str) -> list[str]:
    return [
        u.strip() for u in (raw or "").replace(";", ",").replace("\n", ",").split(",") if u.strip()
    ]


class InviteFields(forms.Form):
    participants = forms.TypedMultipleChoiceField(
        label=_("Deltagare"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Bjud in från båda parter: arbetsgivarens företrädare och de fackliga "
            "organisationernas. Partstillhörigheten följer av personens roll."
        ),
    )
    usernames = forms.CharField(
        label=_("Fler deltagare (användarnamn)"),
        required=False,
        max_length=2000,
        help_text=_("T.ex. medarbetare utan annan roll. Separera med komma."),
    )

    def __init__(self, *args, people: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (u.pk, f"{u.get_full_name() or u.username} ({party})") for u, party in people
        ]

    def clean_usernames(self):
        return _usernames(self.cleaned_data["usernames"])


class WorkshopForm(InviteFields):
    title = forms.CharField(label=_("Rubrik"), max_length=200, initial=_("Omställningsworkshop"))
    held_on = forms.DateField(label=_("Datum"), widget=DateInput())
    place = forms.CharField(label=_("Plats eller länk"), max_length=300, required=False)

    field_order = ["title", "held_on", "place", "participants", "usernames"]


class InviteForm(InviteFields):
    facilitator = forms.BooleanField(
        label=_("De inbjudna leder workshoppen tillsammans med dig (facilitatorer)"),
        required=False,
    )


class CardForm(forms.Form):
    text = forms.CharField(
        label=_("Omvärldsfaktor"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En faktor per kort, t.ex. ”AI i handläggningen” eller ”översvämningar”."),
    )


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Nytt område"), max_length=120)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Gå till steg"), choices=Step.choices, required=False)
    direction = forms.ChoiceField(
        choices=[("", ""), ("next", "next"), ("prev", "prev")], required=False
    )

    def target(self, current: str) -> str | None:
        d = self.cleaned_data
        i = STEP_ORDER.index(current)
        if d.get("direction") == "next":
            return STEP_ORDER[min(i + 1, len(STEP_ORDER) - 1)]
        if d.get("direction") == "prev":
            return STEP_ORDER[max(i - 1, 0)]
        return d.get("step") or None


class TimeboxForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Tidsgräns för steget (minuter)"),
        min_value=0,
        max_value=240,
        help_text=_("0 tar bort tidsgränsen."),
    )


class WorkshopNeedForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Område"), coerce=int)
    consequence = forms.CharField(
        label=_("Vad betyder det för vår organisation?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    competence_need = forms.CharField(
        label=_("Vilket kompetensbehov följer?"),
        max_length=200,
        help_text=_("T.ex. ”Informationssäkerhet för alla medarbetare”."),
    )
    likelihood = forms.TypedChoiceField(
        label=_("Sannolikhet (1 = låg, 5 = hög)"), coerce=int, choices=SCALE, initial=3
    )
    impact = forms.TypedChoiceField(
        label=_("Påverkan på oss (1 = liten, 5 = stor)"), coerce=int, choices=SCALE, initial=3
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Förslag på insats"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs = forms.TypedMultipleChoiceField(
        label=_("Behov som förslaget svarar mot"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    cost = KronorField(label=_("Ungefärlig kostnad (kr)"), required=False)
    target_group = forms.CharField(label=_("Målgrupp"), max_length=200, required=False)
    measure_type = forms.ModelChoiceField(
        label=_("Insatstyp"),
        queryset=MeasureType.objects.none(),
        required=False,
        empty_label=_("Ingen särskild"),
    )

    def __init__(self, *args, needs, measure_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [
            (n.pk, f"{n.competence_need} ({n.area.name}, {n.priority})") for n in needs
        ]
        self.fields["measure_type"].queryset = measure_types


class ClosingForm(forms.Form):
    text = forms.CharField(
        label=_("Det här tar jag med mig"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Plans ----------------------------------------------------------------------------------


class WorkshopChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(t)s (%(d)s, version %(v)d)") % {
            "t": obj.title,
            "d": obj.held_on.isoformat(),
            "v": obj.version,
        }


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200, initial=_("Omställningsplan"))
    fund_period = forms.ModelChoiceField(
        label=_("Fondperiod"),
        queryset=FundPeriod.objects.none(),
        required=False,
        empty_label=_("Ingen fondperiod"),
        help_text=_("Välj en fondperiod, eller ange planens period nedan."),
    )
    period_start = forms.DateField(label=_("Gäller från"), widget=DateInput(), required=False)
    period_end = forms.DateField(label=_("Gäller till"), widget=DateInput(), required=False)
    analyses = forms.CharField(
        label=_("Andra underlag"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "T.ex. kompetensförsörjningsanalysen (görs vartannat år), verksamhetsplanen, "
            "regeringsuppdrag."
        ),
    )
    workshop = WorkshopChoiceField(
        label=_("Hämta resultatet från en låst workshop"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("Ingen workshop"),
    )

    def __init__(self, *args, organisation, workshops=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_period"].queryset = FundPeriod.objects.filter(organisation=organisation)
        if workshops is None:
            del self.fields["workshop"]
        else:
            self.fields["workshop"].queryset = workshops

    def clean(self):
        data = super().clean()
        fp = data.get("fund_period")
        if fp is not None:
            data["period_start"] = data.get("period_start") or fp.start
            data["period_end"] = data.get("period_end") or fp.end
        if not data.get("period_start") and "period_start" not in self.errors:
            self.add_error(
                "period_start", _("Ange när planen börjar gälla, eller välj fondperiod.")
            )
        if not data.get("period_end") and "period_end" not in self.errors:
            self.add_error("period_end", _("Ange när planen slutar gälla, eller välj fondperiod."))
        return data


class ImportForm(forms.Form):
    workshop = WorkshopChoiceField(label=_("Låst workshop"), queryset=Workshop.objects.none())

    def __init__(self, *args, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops


class PlanAreaForm(forms.Form):
    name = forms.CharField(label=_("Nytt insatsområde"), max_length=120)


class PlanNeedForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Insatsområde"), coerce=int)
    title = forms.CharField(label=_("Behov"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.TypedChoiceField(
        label=_("Prioritet"), coerce=int, choices=Need.Priority.choices, initial=2
    )
    source = forms.ChoiceField(label=_("Underlag"), choices=Need.Source.choices)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


class PlanMeasureForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Insatsområde"), coerce=int)
    title = forms.CharField(label=_("Insats"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measure_type = forms.ModelChoiceField(
        label=_("Insatstyp"),
        queryset=MeasureType.objects.all(),
        required=False,
        empty_label=_("Ingen särskild"),
    )
    budget = KronorField(label=_("Budget (kr)"))
    target_group = forms.CharField(label=_("Målgrupp"), max_length=200, required=False)
    needs = forms.TypedMultipleChoiceField(
        label=_("Behov som insatsen svarar mot"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, areas, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]
        self.fields["needs"].choices = [(n.pk, f"{n.area.name}: {n.title}") for n in needs]
