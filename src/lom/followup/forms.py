from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX, DB_ID_MAX, MAX_COUNT
from lom.followup.models import FREE_TEXT_MAX, HeardFrom, NeedMet, Outcome, Recommend
from lom.followup.selectors import MAX_PARTICIPANTS


class FollowUpForm(forms.Form):
    """Individual measure: one outcome for the named participant. Group measure: how many
    participants had each outcome (the fields count_<outcome>)."""

    outcome = forms.ChoiceField(
        label=_("Utfall för deltagaren"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    need_met = forms.ChoiceField(
        label=_("Möttes verksamhetens behov?"), choices=NeedMet.choices, widget=forms.RadioSelect
    )
    cost_comment = forms.CharField(
        label=_("Kommentar om kostnaden jämfört med kalkylen"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("T.ex. varför den faktiska kostnaden blev högre eller lägre."),
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skriv inte känsliga personuppgifter, t.ex. om hälsa."),
    )

    def __init__(self, *args, group: bool, participant_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        if group:
            del self.fields["outcome"]
            for value, label in Outcome.choices:
                self.fields[f"count_{value}"] = forms.IntegerField(
                    label=label, min_value=0, max_value=MAX_COUNT, required=False
                )
            # Put the counts first, in the order of the outcomes.
            order = [f"count_{v}" for v in Outcome.values]
            self.order_fields([*order, "need_met", "cost_comment", "comment"])
        elif participant_label:
            self.fields["outcome"].label = _("Utfall för %(name)s") % {"name": participant_label}

    def outcome_counts(self) -> dict[str, int]:
        return {v: self.cleaned_data.get(f"count_{v}") or 0 for v in Outcome.values}


SCALE = [(i, str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Hur nöjd är du med insatsen som helhet?"),
        help_text=_("1 = mycket missnöjd, 5 = mycket nöjd."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("Hur väl har insatsen rustat dig för förändringar i arbetslivet?"),
        help_text=_("1 = inte alls, 5 = i mycket hög grad."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    heard_from = forms.ChoiceField(
        label=_("Hur fick du veta att det gick att söka omställningsmedel?"),
        choices=HeardFrom.choices,
        widget=forms.RadioSelect,
    )
    recommend = forms.ChoiceField(
        label=_("Skulle du rekommendera en kollega att söka?"),
        choices=Recommend.choices,
        widget=forms.RadioSelect,
    )
    free_text = forms.CharField(
        label=_("Vill du berätta något mer? Vad fungerade, och vad kunde ha varit bättre?"),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Svaren visas utan namn för samordnaren. Skriv inte namn eller uppgifter om hälsa."
        ),
    )


SEARCH_MAX = 100  # the participant search


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök bland de anställda"),
        required=False,
        max_length=SEARCH_MAX,
        help_text=_("Namn, e-post, anställningsnummer eller enhet."),
    )


class IdListField(forms.Field):
    """Employee ids, one value per ticked checkbox (the template draws the boxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_PARTICIPANTS:
            raise forms.ValidationError(
                _("Högst %(n)d deltagare per insats.") % {"n": MAX_PARTICIPANTS}
            )
        try:
            ids = [int(v) for v in values]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Välj deltagare i listan.")) from None
        if any(not 1 <= i <= DB_ID_MAX for i in ids):
            raise forms.ValidationError(_("Välj deltagare i listan."))
        return ids


class ParticipantsForm(forms.Form):
    employee_ids = IdListField(label=_("Deltagare"), required=False)
