from django import forms
from django.utils.translation import gettext_lazy as _

from lom.agreements.models import LocalAgreement
from lom.cases.filter_units import UNIT_MATCHES_MAX, FilterUnits, filter_units
from lom.cases.models import ApplicationKind, Case, CostLine, Purpose, Status
from lom.cases.selectors import CaseFilter
from lom.common.bounds import COMMENT_MAX, MAX_COUNT, NAME_MAX
from lom.common.fields import DateInput, KronorField
from lom.organisations.access import Actor
from lom.organisations.selectors import (
    employees_in_paths,
    managers_for_unit,
    units_managed,
)
from lom.planning.models import Need
from lom.planning.selectors import needs_for_case_choice


def _set_choices(form: forms.BaseForm, name: str, choices: list) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _set_queryset(form: forms.BaseForm, name: str, queryset) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class CaseStartForm(forms.Form):
    """Step 1: who applies, for what kind of measure, and why."""

    title = forms.CharField(
        label=_("Rubrik"),
        max_length=NAME_MAX,
        help_text=_("Kort, t.ex. ”Vidareutbildning i dataanalys”."),
    )
    kind = forms.ChoiceField(label=_("Hur söker ni?"), widget=forms.RadioSelect)
    applicant = forms.TypedChoiceField(label=_("Medarbetare"), coerce=int, required=False)
    co_applicant_manager = forms.TypedChoiceField(
        label=_("Chef som söker tillsammans med dig"),
        coerce=int,
        required=False,
        help_text=_("Behövs när du och din chef söker tillsammans."),
    )
    unit = forms.TypedChoiceField(
        label=_("Enhet"),
        coerce=int,
        required=False,
        help_text=_("För gruppinsatser och utvecklingsprojekt."),
    )
    participant_count = forms.IntegerField(
        label=_("Antal deltagare"), min_value=1, max_value=MAX_COUNT, initial=1
    )
    measure_types = forms.TypedMultipleChoiceField(
        label=_("Insatstyp"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label=_("Syfte"), choices=Purpose.choices, widget=forms.RadioSelect)

    def __init__(self, *args, actor: Actor, agreement: LocalAgreement, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = agreement.application_kinds()
        _set_choices(self, "kind", [(k, ApplicationKind(k).label) for k in kinds])
        _set_choices(self, "measure_types", [(m.pk, m.name) for m in agreement.measure_types.all()])
        org = actor.organisation
        if actor.manager_unit_paths:
            emps = employees_in_paths(organisation=org, paths=actor.manager_unit_paths)
            choices = [(e.pk, f"{e.full_name} ({e.unit.name})") for e in emps]
            if actor.employee is not None and actor.employee.pk not in {c[0] for c in choices}:
                choices.insert(0, (actor.employee.pk, actor.employee.full_name))
            _set_choices(self, "applicant", [("", _("Välj medarbetare")), *choices])
            units = units_managed(organisation=org, paths=actor.manager_unit_paths)
            _set_choices(self, "unit", [(u.pk, u.name) for u in units])
        else:
            del self.fields["applicant"]
            if actor.employee is not None:
                _set_choices(self, "unit", [(actor.employee.unit_id, actor.employee.unit.name)])
        managers = []
        if actor.employee is not None:
            managers = [
                (m.user_id, f"{m.user} ({m.unit.name if m.unit else ''})")
                for m in managers_for_unit(organisation=org, unit=actor.employee.unit)
                if m.user_id != actor.user.pk
            ]
        if ApplicationKind.WITH_MANAGER in kinds and managers:
            _set_choices(self, "co_applicant_manager", [("", _("Välj chef")), *managers])
        else:
            del self.fields["co_applicant_manager"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if (
            kind == ApplicationKind.WITH_MANAGER
            and "co_applicant_manager" in self.fields
            and not data.get("co_applicant_manager")
        ):
            self.add_error("co_applicant_manager", _("Välj chefen som söker tillsammans med dig."))
        return data


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.area.name}: {obj.title}"


class CaseDetailsForm(forms.ModelForm):
    need = NeedChoiceField(
        label=_("Vilket behov i omställningsplanen svarar insatsen mot?"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("Inget av behoven i planen – jag förklarar nedan"),
        help_text=_("Behoven kommer från omställningsplanen som parterna har godkänt."),
    )

    class Meta:
        model = Case
        fields = [
            "need",
            "need_explanation",
            "business_need",
            "description",
            "start_date",
            "end_date",
            "private_reason",
            "share_private_reason",
        ]
        labels = {
            "need_explanation": _(
                "Svarar insatsen mot ett behov som inte finns i planen? Förklara varför"
            ),
            "business_need": _("Vilket behov i verksamheten svarar insatsen mot?"),
            "description": _("Beskriv insatsen"),
            "start_date": _("Startdatum"),
            "end_date": _("Slutdatum"),
        }
        help_texts = {
            "need_explanation": _(
                "Fyll i bara om du inte valde ett behov ovan. Samordnaren ser sådana ansökningar "
                "särskilt."
            ),
            "business_need": _(
                "T.ex. digitalisering av handläggningen, nya uppdrag, förändrade krav på kompetens."
            ),
            "description": _("Vad ska göras, av vem (utbildningsanordnare, coach …) och hur?"),
        }
        widgets = {
            "need_explanation": forms.Textarea(attrs={"rows": 3}),
            "business_need": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "private_reason": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        case = self.instance
        needs = (
            needs_for_case_choice(organisation=case.organisation, on=timezone.localdate())
            if case.organisation_id
            else []
        )
        ids = [n.pk for n in needs]
        if case.need_id and case.need_id not in ids:
            ids.insert(0, case.need_id)
        if not ids:
            # No plan in force: nothing to point to (an earlier explanation stays editable).
            del self.fields["need"]
            if not case.need_explanation:
                del self.fields["need_explanation"]
            return
        _set_queryset(
            self,
            "need",
            (
                Need.objects.filter(pk__in=ids)
                .select_related("area")
                .order_by("plan_id", "area__order", "priority", "id")
            ),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Slutdatum kan inte vara före startdatum."))
        return data


class CostLineForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kostnadsslag"), choices=[("", "—"), *CostLine.Kind.choices], required=False
    )
    description = forms.CharField(label=_("Beskrivning"), max_length=NAME_MAX, required=False)
    amount = KronorField(label=_("Belopp (kr)"), required=False, allow_zero=False)

    def clean(self):
        data = super().clean()
        if data.get("amount") and not data.get("kind"):
            self.add_error("kind", _("Välj kostnadsslag."))
        if data.get("kind") and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Ange ett belopp."))
        return data


class BaseCostLineFormSet(forms.BaseFormSet):
    def add_non_form_error(self, message: str) -> None:
        """Show a refusal of the service above the lines (Django has no public way)."""
        self._non_form_errors = self.error_class([message])


CostLineFormSet = forms.formset_factory(
    CostLineForm, formset=BaseCostLineFormSet, extra=2, max_num=30, validate_max=True
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX,
        help_text=_("Motiveringen visas för sökande."),
    )


class ReconsiderationRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl för omprövning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX,
        help_text=_("Skriv varför beslutet bör ändras och vad du vill att det ändras till."),
    )


class DecisionForm(ReasonForm):
    amount = KronorField(
        label=_("Beviljat belopp (kr)"),
        required=False,
        allow_zero=False,
        help_text=_("Lämna tomt för att bevilja hela det sökta beloppet."),
    )
    period = forms.TypedChoiceField(label=_("Fondperiod"), coerce=int, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), max_length=COMMENT_MAX
    )


class AttachmentForm(forms.Form):
    # An application needs no attachment, so the field is not marked required; uploading
    # nothing is still refused (the view says "Välj en fil att ladda upp.").
    file = forms.FileField(
        label=_("Bilaga"),
        help_text=_("PDF, bild (PNG/JPG) eller Office-fil. Högst 10 MB."),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            raise forms.ValidationError(_("Välj en fil att ladda upp."), code="required")
        return upload


class ExpenseForm(forms.Form):
    amount = KronorField(label=_("Faktisk kostnad (kr)"), allow_zero=False)
    memo = forms.CharField(
        label=_("Text, t.ex. fakturanummer"), max_length=NAME_MAX, required=False
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök diarienummer eller rubrik"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.IntegerField(label=_("Enhet"), required=False, min_value=1, widget=forms.Select)
    unit_q = forms.CharField(
        label=_("Sök enhet"),
        required=False,
        max_length=100,
        help_text=_("Ett ord ur enhetens namn eller dess kod, för enheter längre ner i trädet."),
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10000, widget=forms.HiddenInput
    )

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_units = False
        self.unit_note = ""
        _set_choices(self, "status", [("", _("Alla")), *list(statuses)])

    def offer_units(self, units: FilterUnits) -> None:
        """The unit <select>: the upper levels (indented by level), then the search's matches
        and the chosen unit."""
        upper = {u.pk for u in units.upper}
        choices: list[tuple[object, object]] = [("", _("Alla enheter"))]
        for u in units.all:
            indent = "— " * (u.depth - units.top) if u.pk in upper else ""
            choices.append((u.pk, indent + u.name))
        widget = self.fields["unit"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = choices
        self.offers_units = bool(units.upper or units.matches or units.selected)


def _unit_note(units: FilterUnits, unit_q: str) -> str:
    if not unit_q:
        return ""
    if units.more:
        return str(
            _("Fler än %(n)s enheter matchar. Skriv mer av namnet.") % {"n": UNIT_MATCHES_MAX}
        )
    if not units.matches:
        return str(_("Ingen enhet matchar ”%(q)s”.") % {"q": unit_q})
    if len(units.matches) > 1:
        return str(_("%(n)s enheter matchar. Välj en i listan.") % {"n": len(units.matches)})
    return ""


def case_list_query(*, actor: Actor, data) -> tuple["CaseFilterForm", CaseFilter, int, bool]:
    """Parse the case-list query string the same way for the list page and its exports:
    the form (for redisplay), the filter, the page, and whether only the actor's own cases
    are shown. The unit filter offers the upper levels of the actor's units and finds deeper
    ones by name (`unit_q`): one match filters by it, several are offered to choose from."""
    staff = actor.is_staff_reader or actor.is_union_rep
    form = CaseFilterForm(data or None, statuses=Status.choices)
    filters, page = CaseFilter(), 1
    if form.is_valid():
        d = form.cleaned_data
        unit_q = d["unit_q"].strip()
        units = filter_units(actor=actor, q=unit_q, unit_id=d["unit"])
        unit = units.selected
        if d["unit"] and unit is None:
            form.add_error("unit", _("Välj en enhet i listan."))
        elif unit is None and len(units.matches) == 1 and not units.more:
            unit = units.matches[0]
            form.data = {**dict(form.data.items()), "unit": str(unit.pk)}  # shown as chosen
        form.unit_note = _unit_note(units, unit_q)
        filters = CaseFilter(
            status=d["status"],
            unit_id=unit.pk if unit else None,
            unit_path=unit.path if unit else "",
            q=d["q"],
        )
        page = d["page"] or 1
    else:
        units = filter_units(actor=actor)
    form.offer_units(units)
    mine = (data or {}).get("mine") == "1" or not (staff or actor.manager_unit_paths)
    filters.mine_only = mine
    return form, filters, page, mine
