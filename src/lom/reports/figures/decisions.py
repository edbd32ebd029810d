"""The decisions, the decisions taken after consultation with reservations, and the unions'
objections of a year."""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.agreements.models import DecisionModel
from lom.cases.models import Decision
from lom.cases.rules import rules_for_case
from lom.decisions.decision_models import decision_model_of
from lom.decisions.models import NoteKind, Position
from lom.decisions.selectors import objections_answer_late
from lom.organisations.models import Organisation
from lom.reports.figures.cases import (
    department_name,
    measure_type_names,
    primary_measure_types,
    unit_names,
)
from lom.reports.figures.tables import (
    COUNT,
    DATE,
    MONEY,
    ChartSpec,
    Column,
    Table,
    breakdown_table,
    group_sums,
)

Tally = tuple[tuple[str, str], tuple[int, int, int]]

DECISION_COUNT_COLUMNS = (
    ("approved", gettext_lazy("Beviljade"), COUNT),
    ("approved_amount", gettext_lazy("Beviljat belopp"), MONEY),
    ("rejected", gettext_lazy("Avslagna"), COUNT),
)

CONSULTATION_COLUMNS = (
    ("consulted", gettext_lazy("Beslut efter samråd"), COUNT),
    ("reservations", gettext_lazy("Med reservation"), COUNT),
    ("protocol_notes", gettext_lazy("Med protokollsanteckning"), COUNT),
)


def decision_tables(*, organisation: Organisation, since: datetime, until: datetime) -> list[Table]:
    decisions = list(
        Decision.objects.filter(
            case__organisation=organisation, decided_at__gte=since, decided_at__lt=until
        )
        .values("decided_at", "case__number", "outcome", "amount_ore", "case_id", "case__unit_path")
        .order_by("decided_at", "id")
    )
    types = primary_measure_types([d["case_id"] for d in decisions])
    names = measure_type_names()
    units = unit_names(organisation)
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    departments: dict[str, str] = {}
    rows, tallies = [], []
    for d in decisions:
        day = timezone.localdate(d["decided_at"])
        type_name = names.get(types.get(d["case_id"]), "")
        approved = d["outcome"] == Decision.Outcome.APPROVED
        path = d["case__unit_path"]
        if path not in departments:
            departments[path] = department_name(units, path)
        rows.append(
            [
                day,
                d["case__number"],
                outcomes[d["outcome"]],
                d["amount_ore"] if approved else None,
                type_name,
                departments[path],
            ]
        )
        # (month, measure type), then (approved, approved amount, rejected)
        tallies.append(
            ((f"{day:%Y-%m}", type_name), (1, d["amount_ore"] or 0, 0) if approved else (0, 0, 1))
        )

    def counts(t: Tally) -> tuple[int, int, int]:
        return t[1]

    by_month = group_sums(tallies, lambda t: (t[0][0], t[0][0]), counts)
    by_type = group_sums(tallies, lambda t: (t[0][1], t[0][1]), counts)
    listing = Table(
        key="decisions",
        title=_("Årets beslut"),
        columns=[
            Column("date", _("Datum"), DATE),
            Column("number", _("Diarienummer")),
            Column("outcome", _("Beslut")),
            Column("amount", _("Beviljat belopp"), MONEY),
            Column("measure_type", _("Insatstyp")),
            Column("unit", _("Enhet")),
        ],
        rows=rows,
    )
    monthly = breakdown_table(
        key="decisions_by_month",
        title=_("Beslut per månad"),
        group=Column("month", _("Månad")),
        values=DECISION_COUNT_COLUMNS,
        rows=[by_month[k] for k in sorted(by_month)],
        sum_total=True,
        chart=ChartSpec("bar", "month", ("approved", "rejected")),
    )
    per_type = breakdown_table(
        key="decisions_by_measure_type",
        title=_("Beslut per insatstyp"),
        group=Column("measure_type", _("Insatstyp")),
        values=DECISION_COUNT_COLUMNS,
        rows=[by_type[k] for k in sorted(by_type)],
        sum_total=True,
    )
    return [monthly, per_type, listing]


def objection_table(*, organisation: Organisation, since: datetime, until: datetime) -> Table:
    """The unions' objections of the year, read from lom.decisions when that app provides an
    Objection model; an empty table otherwise."""
    table = Table(
        key="objections",
        title=_("Fackliga invändningar"),
        columns=[
            Column("date", _("Datum"), DATE),
            Column("number", _("Diarienummer")),
            Column("union", _("Fackförbund")),
            Column("subject", _("Avser")),
            Column("status", _("Status")),
        ],
    )
    try:
        if not apps.is_installed("lom.decisions"):
            return table
        model = apps.get_model("decisions", "Objection")
    except LookupError:
        return table
    names = {f.name for f in model._meta.get_fields()}
    date_field = next((n for n in ("raised_at", "created_at") if n in names), None)
    if date_field is None or "organisation" not in names:
        return table
    related = [n for n in ("case", "union") if n in names]
    try:
        qs = (
            model.objects.filter(organisation=organisation)
            .filter(**{f"{date_field}__gte": since, f"{date_field}__lt": until})
            .select_related(*related)
            .order_by(date_field, "pk")
        )
        for o in qs:
            case = getattr(o, "case", None)
            union = getattr(o, "union", None)
            status = o.get_status_display() if hasattr(o, "get_status_display") else ""
            table.rows.append(
                [
                    timezone.localdate(getattr(o, date_field)),
                    case.number if case is not None else "",
                    str(union) if union is not None else "",
                    str(getattr(o, "subject_shown", getattr(o, "subject", ""))),
                    str(status),
                ]
            )
    except (FieldError, AttributeError, ValueError):
        return table
    return table


def consultation_table(*, organisation: Organisation, since: datetime, until: datetime) -> Table:
    """Decisions of the year the employer took after consulting the unions (the consultation
    model), and per union how many it was consulted on and where it entered a reservation or a
    protocol note. The total row counts decisions (a decision with reservations from two
    unions counts once)."""
    decisions = Decision.objects.filter(
        case__organisation=organisation,
        decided_at__gte=since,
        decided_at__lt=until,
        agenda_item__isnull=False,
    ).select_related("case", "case__agreement_version", "case__organisation")
    model_of: dict[int | None, str] = {}
    items: set[int] = set()
    for d in decisions:
        version = d.case.agreement_version_id
        if version not in model_of:
            model_of[version] = decision_model_of(rules_for_case(d.case))
        if model_of[version] == DecisionModel.CONSULTATION and d.agenda_item_id is not None:
            items.add(d.agenda_item_id)
    per_union: dict[str, list[set[int]]] = {}
    for p in Position.objects.filter(
        item_id__in=items, final=True, union__isnull=False
    ).select_related("union"):
        consulted, reserved, noted = per_union.setdefault(p.party_name, [set(), set(), set()])
        consulted.add(p.item_id)
        if p.note_kind == NoteKind.RESERVATION:
            reserved.add(p.item_id)
        elif p.note_kind == NoteKind.PROTOCOL_NOTE:
            noted.add(p.item_id)
    rows = [[name, *(len(s) for s in sets)] for name, sets in sorted(per_union.items())]
    any_of = [set().union(*(sets[i] for sets in per_union.values())) for i in (1, 2)]
    return breakdown_table(
        key="consultation_reservations",
        title=_("Beslut efter samråd med reservation"),
        group=Column("union", _("Fackförbund")),
        values=CONSULTATION_COLUMNS,
        rows=rows,
        total=[len(items), len(any_of[0]), len(any_of[1])],
        note=_(
            "Beslut som arbetsgivaren fattat efter samråd med de fackliga parterna. Totalraden "
            "räknar beslut; ett beslut med reservation från två förbund räknas en gång."
        ),
    )


def late_objection_table(
    *, organisation: Organisation, since: datetime, until: datetime, today: date
) -> Table:
    """The objections of the year the employer answered after the day the agreement gave for
    the answer, or has not answered although that day has passed."""
    rows = [
        [
            timezone.localdate(o.raised_at),
            o.case.number if o.case is not None else "",
            o.union.name,
            o.subject_shown,
            o.answer_due,
            answered_on,
            str(_("Besvarad för sent")) if answered_on else str(_("Obesvarad")),
        ]
        for o, answered_on in objections_answer_late(
            organisation_id=organisation.pk, since=since, until=until, on=today
        )
    ]
    return Table(
        key="objections_late",
        title=_("Invändningar som besvarats för sent eller inte alls"),
        columns=[
            Column("date", _("Datum"), DATE),
            Column("number", _("Diarienummer")),
            Column("union", _("Fackförbund")),
            Column("subject", _("Avser")),
            Column("answer_due", _("Svar senast"), DATE),
            Column("answered", _("Besvarad"), DATE),
            Column("status", _("Status")),
        ],
        rows=rows,
    )
