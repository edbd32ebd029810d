"""The campaign form and the round from unplanned money.

The campaign form: one select for the group (every dimension as an option group, so no
script is needed), the message, the channels and the send date. The lever, period, measure,
kind and expected effect come with the lever's link and are kept in hidden fields."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import NAME_MAX, TEXT_MAX
from lom.common.fields import DateInput, KronorField
from lom.common.validation import id_or_none
from lom.levers.models import (
    BODY_MAX,
    MAX_EFFECT_KR,
    SUBJECT_MAX,
    TITLE_MAX,
    Dimension,
    Kind,
    Landing,
    Lever,
)
from lom.levers.selectors.campaigns import GENDERS, unit_ids
from lom.organisations.models import Employee, Organisation, Unit
from lom.reports.figures.fairness import AGE_BANDS


def audience_choices(organisation: Organisation, extra: tuple[str, str] | None = None) -> list:
    """Every group a campaign can go to, as grouped options `dimension:value`."""
    units = Unit.objects.filter(organisation=organisation).order_by("path")
    groups = (
        Employee.objects.filter(organisation=organisation, active=True)
        .exclude(occupational_group="")
        .values_list("occupational_group", flat=True)
        .distinct()
        .order_by("occupational_group")
    )
    gender_labels = dict(Employee.Gender.choices)
    ages = [(f"age_band:{i}", str(label)) for i, (_lo, _hi, label) in enumerate(AGE_BANDS)]
    ages.append((f"age_band:{len(AGE_BANDS)}", str(_("60 år och äldre"))))
    choices: list = [("all:", str(Dimension.ALL.label))]
    if extra is not None:
        choices.append(extra)
    choices += [
        (str(_("Enhet")), [(f"unit:{u.pk}", u.name) for u in units]),
        (str(_("Yrkesgrupp")), [(f"occupational_group:{g}", g) for g in dict.fromkeys(groups)]),
        (str(_("Åldersgrupp")), ages),
        (str(_("Kön")), [(f"gender:{g}", str(gender_labels.get(g, g))) for g in GENDERS]),
    ]
    return choices


class CampaignForm(forms.Form):
    title = forms.CharField(
        label=_("Namn på kampanjen"),
        max_length=TITLE_MAX,
        help_text=_("Syns bara för er som arbetar med kampanjen."),
    )
    audience = forms.ChoiceField(
        label=_("Vilka får den?"),
        help_text=_("En kampanj går alltid till minst 5 personer."),
    )
    subject = forms.CharField(label=_("Ämnesrad"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Meddelande"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Länken till informationssidan eller guiden läggs till automatiskt."),
    )
    landing = forms.ChoiceField(
        label=_("Länken går till"), choices=Landing.choices, initial=Landing.PAGE
    )
    by_email = forms.BooleanField(label=_("Skicka med e-post"), required=False, initial=True)
    by_notice = forms.BooleanField(
        label=_("Visa som meddelande i LOM"), required=False, initial=True
    )
    send_on = forms.DateField(label=_("Skickas"), widget=DateInput())
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.HiddenInput, initial=Kind.EMPLOYEES)
    lever = forms.ChoiceField(
        choices=[("", ""), *Lever.choices], widget=forms.HiddenInput, required=False
    )
    period = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    measure = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    effect = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_EFFECT_KR
    )

    def __init__(self, *args, organisation: Organisation, managers: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        extra = None
        if managers:
            n = len(unit_ids(managers))
            extra = (f"managers:{managers}", str(_("Cheferna för %(n)s enheter") % {"n": n}))
        self.fields["audience"].choices = audience_choices(organisation, extra)

    def audience_parts(self) -> tuple[str, str]:
        dimension, _sep, value = self.cleaned_data["audience"].partition(":")
        return dimension, value


def initial_from_link(params, *, today: date, organisation: Organisation) -> tuple[dict, str]:
    """The form's initial values from a lever's link (interface: period, lever, dimension,
    value, effect, measure, kind); a bad value is ignored. Answers (initial, managers value)."""
    initial: dict = {"send_on": today}
    lever = params.get("lever", "")
    if lever in Lever.values:
        initial["lever"] = lever
    for name, key in (("period", "period"), ("measure", "measure"), ("effect", "effect")):
        number = id_or_none(params.get(key, ""))
        if number is not None and number <= MAX_EFFECT_KR:
            initial[name] = number
    kind = params.get("kind", "")
    dimension = params.get("dimension", "")
    value = params.get("value", "")[:200]
    managers = ""
    if dimension == Dimension.MANAGERS and unit_ids(value):
        managers = ",".join(str(i) for i in unit_ids(value))
        initial["audience"] = f"managers:{managers}"
        if kind == Kind.NUDGE:
            initial["kind"] = Kind.NUDGE
    elif dimension in Dimension.values and dimension != Dimension.MANAGERS:
        initial["audience"] = f"{dimension}:{value if dimension != Dimension.ALL else ''}"
    return initial, managers


class RoundFromUnplannedForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=NAME_MAX)
    opens_on = forms.DateField(label=_("Öppnar"), widget=DateInput())
    closes_on = forms.DateField(label=_("Stänger"), widget=DateInput())
    budget = KronorField(
        label=_("Budgetram (kr)"),
        required=False,
        allow_zero=False,
        help_text=_("Högst de oplanerade medlen. Lämna tomt för hela beloppet."),
    )
    call_text = forms.CharField(
        label=_("Utlysningstext"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Förifylld med planens behov. Lämna tomt för den förifyllda texten."),
    )
