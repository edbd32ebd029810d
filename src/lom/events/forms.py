import re
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import COMMENT_MAX, NAME_MAX, TEXT_MAX
from lom.events.models import MAX_CAPACITY, Event
from lom.events.services import ProgrammeInput

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _dt(label):
    return forms.DateTimeField(label=label, widget=DateTimeInput(), input_formats=DT_FORMATS)


PROGRAMME_LINE = re.compile(
    r"^\s*(?P<start>\d{1,2}[:.]\d{2})\s*(?:[-–]\s*(?P<end>\d{1,2}[:.]\d{2}))?\s+(?P<title>.+)$"
)


def _time(text: str) -> time:
    h, m = re.split(r"[:.]", text)
    return time(int(h), int(m))


class EventForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("Typ av evenemang"), choices=Event.Kind.choices)
    starts_at = _dt(_("Börjar"))
    ends_at = _dt(_("Slutar"))
    place = forms.CharField(
        label=_("Plats"), max_length=NAME_MAX, required=False, help_text=_("Adress och lokal.")
    )
    online_url = forms.URLField(
        assume_scheme="https",
        label=_("Länk för digitalt deltagande"),
        max_length=200,
        required=False,
        help_text=_("Ange en plats, en länk eller båda."),
    )
    capacity = forms.IntegerField(
        label=_("Antal platser (personer)"), min_value=1, max_value=MAX_CAPACITY
    )
    registration_deadline = _dt(_("Sista anmälningsdag"))
    description = forms.CharField(
        label=_("Beskrivning"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    programme = forms.CharField(
        label=_("Program"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "En punkt per rad: tid, gärna sluttid, och rubrik. Till exempel: 09.00–09.30 Välkommen"
        ),
    )

    def clean_programme(self) -> list[ProgrammeInput]:
        items = []
        for n, line in enumerate(self.cleaned_data["programme"].splitlines(), start=1):
            if not line.strip():
                continue
            m = PROGRAMME_LINE.match(line)
            try:
                if m is None:
                    raise ValueError
                start = _time(m["start"])
                end = _time(m["end"]) if m["end"] else None
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Rad %(n)d: skriv tid och rubrik, till exempel 09.00–09.30 Välkommen."),
                    params={"n": n},
                ) from exc
            items.append(ProgrammeInput(starts_at=start, ends_at=end, title=m["title"].strip()))
        return items


def programme_text(event: Event) -> str:
    return "\n".join(
        f"{p.starts_at:%H.%M}" + (f"–{p.ends_at:%H.%M}" if p.ends_at else "") + f" {p.title}"
        for p in event.programme.all()
    )


class RegistrationForm(forms.Form):
    employer_participants = forms.TypedMultipleChoiceField(
        label=_("Arbetsgivarsidan"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Minst en person."),
    )
    union_participants = forms.TypedMultipleChoiceField(
        label=_("Facklig sida"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Minst en facklig företrädare."),
    )

    def __init__(self, *args, members, reps, **kwargs):
        super().__init__(*args, **kwargs)

        def name(u):
            return u.get_full_name() or u.username

        rep_ids = {u.pk for u in reps}
        self.fields["employer_participants"].choices = [
            (u.pk, name(u)) for u in members if u.pk not in rep_ids
        ]
        self.fields["union_participants"].choices = [(u.pk, name(u)) for u in reps]


SCALE = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Helhetsbetyg"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = mycket dåligt, 5 = mycket bra."),
    )
    usefulness = forms.TypedChoiceField(
        label=_("Hur användbart var det för er organisation?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = inte alls, 5 = i hög grad."),
    )
    new_ideas = forms.TypedChoiceField(
        label=_("Jag fick nya idéer för vår organisation"),
        choices=[("yes", _("Ja")), ("no", _("Nej"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv inget som pekar ut dig eller någon annan."),
    )
