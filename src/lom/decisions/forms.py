from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX, NAME_MAX, TEXT_MAX
from lom.common.fields import DateInput, KronorField
from lom.decisions.models import (
    MAX_CRITERIA,
    MAX_SCORE,
    PLACE_MAX,
    AgendaItem,
    NoteKind,
    Objection,
    Position,
    ProjectReport,
)
from lom.decisions.services.meetings import PartyAttendance
from lom.funds.models import FundPeriod
from lom.mail.kinds import KINDS
from lom.organisations.models import Membership, Role


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("Rubrik"), max_length=200, initial=_("Partssamverkan om omställningsmedel")
    )
    starts_at = forms.DateTimeField(
        label=_("Tid"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("Plats eller länk"), max_length=PLACE_MAX, required=False)
    attendees = forms.TypedMultipleChoiceField(
        label=_("Parternas företrädare"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        rows = (
            Membership.objects.filter(
                organisation=organisation,
                role__in=[Role.COORDINATOR, Role.DECISION_MAKER, Role.UNION_REP],
            )
            .select_related("user", "union")
            .order_by("role", "user__last_name")
        )
        seen, choices = set(), []
        for m in rows:
            if m.user_id in seen:
                continue
            seen.add(m.user_id)
            party = m.union.name if m.union_id else _("arbetsgivaren")
            choices.append((m.user_id, f"{m.user} ({party})"))
        self.fields["attendees"].choices = choices


class AttendanceForm(forms.Form):
    """Each party of the meeting: present or absent, its representative, whether the
    representative is a substitute (ersättare), and a union party's adjuster of the minutes.
    Fields are named `<party>-present` etc., the party being `employer` or the union's id."""

    def __init__(self, *args, parties, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        self.groups = []
        for party in self.parties:
            key = party_key(party.union_id)
            people = [("", _("– välj –"))] + [
                (uid, name) for uid, union, name in candidates if union == party.union_id
            ]
            names = {"party": party.name}
            self.fields[f"{key}-present"] = forms.BooleanField(
                label=_("%(party)s är närvarande") % names,
                required=False,
                initial=party.present,
            )
            self.fields[f"{key}-representative"] = forms.TypedChoiceField(
                label=_("Företrädare för %(party)s") % names,
                choices=people,
                coerce=int,
                empty_value=None,
                required=False,
                initial=party.representative_id,
            )
            self.fields[f"{key}-substitute"] = forms.BooleanField(
                label=_("Företrädaren är ersättare"), required=False, initial=party.substitute
            )
            group = [f"{key}-present", f"{key}-representative", f"{key}-substitute"]
            if party.union_id is not None:
                self.fields[f"{key}-adjuster"] = forms.TypedChoiceField(
                    label=_("Justerare för %(party)s (tomt: företrädaren)") % names,
                    choices=people,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=party.adjuster_id,
                )
                group.append(f"{key}-adjuster")
            self.groups.append((party, [self[name] for name in group]))

    def clean(self):
        data = super().clean()
        for party in self.parties:
            key = party_key(party.union_id)
            if data.get(f"{key}-present") and not data.get(f"{key}-representative"):
                self.add_error(
                    f"{key}-representative",
                    _("Ange vem som företräder %(party)s.") % {"party": party.name},
                )
        return data

    def attendance(self) -> list[PartyAttendance]:
        d = self.cleaned_data
        out = []
        for party in self.parties:
            key = party_key(party.union_id)
            out.append(
                PartyAttendance(
                    union_id=party.union_id,
                    present=bool(d.get(f"{key}-present")),
                    representative_id=d.get(f"{key}-representative"),
                    substitute=bool(d.get(f"{key}-substitute")),
                    adjuster_id=d.get(f"{key}-adjuster"),
                )
            )
        return out


def party_key(union_id: int | None) -> str:
    return "employer" if union_id is None else f"u{union_id}"


class PositionForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Ställningstagande"), choices=Position.Stance.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs om ni avstyrker."),
    )
    final = forms.BooleanField(
        label=_("Slutligt ställningstagande på sammanträdet"), required=False
    )
    note_kind = forms.ChoiceField(
        label=_("Reservation eller protokollsanteckning"),
        choices=NoteKind.choices,
        required=False,
        help_text=_(
            "Bara för en facklig parts slutliga avstyrkan när arbetsgivaren beslutar efter samråd."
        ),
    )


class ItemDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Beslut"),
        widget=forms.RadioSelect,
        choices=[c for c in AgendaItem.Outcome.choices if c[0]],
    )
    amount = KronorField(
        label=_("Beviljat belopp (kr)"),
        required=False,
        allow_zero=False,
        help_text=_("Lämna tomt för hela det sökta beloppet."),
    )
    reason = forms.CharField(
        label=_("Motivering och protokollsanteckning"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, outcomes=None, **kwargs):
        """`outcomes`: those the agreement's decision model offers (all when None)."""
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            field = self.fields["outcome"]
            field.choices = [c for c in field.choices if c[0] in outcomes]


class ObjectionForm(forms.Form):
    subject = forms.CharField(
        label=_("Avser"),
        max_length=200,
        required=False,
        help_text=_("Lämna tomt så fylls ärendet eller beslutet i."),
    )
    reasons = forms.CharField(
        label=_("Skäl"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    decision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Arbetsgivarens svar"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ObjectionCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Avsluta invändningen"),
        widget=forms.RadioSelect,
        choices=[
            (Objection.Status.RESOLVED, _("Löst lokalt")),
            (Objection.Status.ESCALATED, _("Hänskjuts till de centrala parterna")),
        ],
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    call_text = forms.CharField(
        label=_("Utlysningstext"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    opens_on = forms.DateField(label=_("Öppnar"), widget=DateInput())
    closes_on = forms.DateField(label=_("Stänger"), widget=DateInput())
    budget = KronorField(label=_("Budgetram (kr)"), allow_zero=False)
    period = forms.ModelChoiceField(label=_("Fondperiod"), queryset=FundPeriod.objects.none())
    criteria = forms.CharField(
        label=_("Bedömningskriterier"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=_(
            "Koppling till kommande förändring\nNytta för verksamheten\n"
            "Antal medarbetare som når\nRimlig kostnad"
        ),
        help_text=_("Ett kriterium per rad; varje kriterium bedöms 0–5."),
    )
    assessors = forms.TypedMultipleChoiceField(
        label=_("Bedömare"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Varje bedömare ser bara sina egna poäng tills alla har bedömt alla ansökningar. "
            "Väljer du ingen bedömer alla samordnare, beslutsfattare och fackliga företrädare."
        ),
    )

    def __init__(self, *args, organisation, assessor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = FundPeriod.objects.filter(organisation=organisation)
        self.fields["assessors"].choices = [
            (u.pk, u.get_full_name() or u.username) for u in assessor_choices
        ]

    def clean_criteria(self):
        rows = [r.strip() for r in self.cleaned_data["criteria"].splitlines() if r.strip()]
        if not rows:
            raise forms.ValidationError(_("Ange minst ett kriterium."))
        if len(rows) > MAX_CRITERIA:
            raise forms.ValidationError(
                _("Ange högst %(n)d bedömningskriterier.") % {"n": MAX_CRITERIA}
            )
        if any(len(r) > NAME_MAX for r in rows):
            raise forms.ValidationError(
                _("Varje kriterium behöver ett namn på högst %(n)d tecken.") % {"n": NAME_MAX}
            )
        return [(r, 5) for r in rows]


class RoundAgendaForm(forms.Form):
    meeting = forms.TypedChoiceField(label=_("Sammanträde"), coerce=int)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [
            (m.pk, f"{m.title} ({timezone.localtime(m.starts_at):%Y-%m-%d %H:%M})")
            for m in meetings
        ]


class ScoreForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.IntegerField(label=_("Poäng"), min_value=0, max_value=MAX_SCORE)
    comment = forms.CharField(label=_("Kommentar"), required=False, max_length=COMMENT_MAX)


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in KINDS.items():
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=current.get(kind, True)
            )
        self.fields["digest"] = forms.BooleanField(
            label=_("En sammanfattning per dag i stället för ett mejl per händelse"),
            required=False,
            initial=current.get("digest", False),
        )


class RoundFromProposalsForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(
        label=_("Förslag som omgången bygger på"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    opens_on = forms.DateField(label=_("Öppnar"), widget=DateInput())
    closes_on = forms.DateField(label=_("Stänger"), widget=DateInput())
    period = forms.ModelChoiceField(label=_("Fondperiod"), queryset=FundPeriod.objects.none())
    budget = KronorField(
        label=_("Budgetram (kr)"),
        required=False,
        allow_zero=False,
        help_text=_("Lämna tomt för summan av förslagens kostnader."),
    )

    def __init__(self, *args, proposals, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.title) for p in proposals]
        self.fields["period"].queryset = FundPeriod.objects.filter(organisation=organisation)


class ReportDatesForm(forms.Form):
    dates = forms.CharField(
        label=_("Rapportdatum"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Ett datum per rad, följt av rapportens namn, till exempel "
            "”2027-03-31 Halvtidsrapport”. Projekten påminns en vecka före."
        ),
    )

    def clean_dates(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["dates"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _sep, label = line.partition(" ")
            try:
                due_on = date.fromisoformat(day)
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Rad %(n)d börjar inte med ett datum (ÅÅÅÅ-MM-DD).") % {"n": n}
                ) from exc
            if not label.strip():
                raise forms.ValidationError(_("Rad %(n)d saknar rapportens namn.") % {"n": n})
            rows.append((due_on, label.strip()))
        return rows


class ProjectReportForm(forms.Form):
    due = forms.TypedChoiceField(label=_("Rapport"), coerce=int)
    status = forms.ChoiceField(
        label=_("Läge"), choices=ProjectReport.Status.choices, widget=forms.RadioSelect
    )
    milestones = forms.CharField(
        label=_("Delmål och vad som har gjorts"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    spent = KronorField(label=_("Använt hittills (kr)"))
    obstacles = forms.CharField(
        label=_("Hinder eller risker"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, dates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due"].choices = [(d.pk, f"{d.label} ({d.due_on:%Y-%m-%d})") for d in dates]
