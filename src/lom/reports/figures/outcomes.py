"""Follow-up and surveys: outcomes per participant, whether the business need was met, actual
cost against the estimate, and the participants' survey answers."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lom.cases.models import Purpose
from lom.followup.models import FollowUp, HeardFrom, NeedMet, Outcome, ParticipantOutcome, Recommend
from lom.organisations.models import Organisation
from lom.reports.figures.cases import (
    case_infos,
    measure_type_names,
    purpose_label,
)
from lom.reports.figures.tables import (
    COUNT,
    DECIMAL,
    MONEY,
    PERCENT,
    SUPPRESSED,
    ChartSpec,
    Column,
    Table,
    breakdown_table,
    group_sums,
    hide,
    hide_few,
    pct,
    sum_columns,
    suppression_mask,
)

FOLLOWUP_COLUMNS = (
    ("end", gettext_lazy("Vid avslut"), COUNT),
    ("later", gettext_lazy("Efter en tid"), COUNT),
)


def _followups(organisation: Organisation, scope: Q) -> QuerySet[Any]:
    FollowUp = apps.get_model("followup", "FollowUp")
    return FollowUp.objects.filter(organisation=organisation).filter(scope)


def outcome_tables(*, organisation: Organisation, followup_scope: Q) -> list[Table]:
    followups = _followups(organisation, followup_scope)
    # One query for both tables: participants per (kind, outcome), and follow-ups per (kind,
    # answer to "was the need met?"), told apart by the last column.
    outcomes_q = (
        ParticipantOutcome.objects.filter(followup__in=followups.values("pk"))
        .values_list("followup__kind", "outcome")
        .annotate(n=Sum("count"), table=Value("outcome"))
        .order_by()
    )
    need_q = (
        followups.values_list("kind", "need_met")
        .annotate(n=Count("id"), table=Value("need"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    need: dict[tuple[str, str], int] = defaultdict(int)
    for kind, value, n, table in outcomes_q.union(need_q, all=True):
        (counts if table == "outcome" else need)[(kind, value)] += n or 0
    kinds = [FollowUp.Kind.END, FollowUp.Kind.LATER]
    masks = {k: suppression_mask([counts[(k, o)] for o in Outcome.values]) for k in kinds}
    totals = [sum(counts[(k, o)] for o in Outcome.values) for k in kinds]
    outcome = breakdown_table(
        key="outcomes",
        title=_("Utfall för deltagarna"),
        group=Column("outcome", _("Utfall")),
        values=FOLLOWUP_COLUMNS,
        rows=[
            [str(Outcome(o).label)] + [hide(counts[(k, o)], masks[k][i]) for k in kinds]
            for i, o in enumerate(Outcome.values)
        ],
        total=[hide(t, hide_few(t)) for t in totals],
        note=_("Antal deltagare. dolt = färre än 5 personer; antalet visas inte."),
        chart=ChartSpec("bar", "outcome", ("end", "later")),
    )

    need_table = breakdown_table(
        key="need_met",
        title=_("Möttes verksamhetens behov?"),
        group=Column("answer", _("Svar")),
        values=FOLLOWUP_COLUMNS,
        rows=[[str(NeedMet(v).label)] + [need[(k, v)] for k in kinds] for v in NeedMet.values],
        sum_total=True,
        note=_("Antal uppföljda ärenden."),
    )
    return [outcome, need_table, _cost_table(followups.filter(kind=FollowUp.Kind.END))]


def _cost_table(end_followups: QuerySet[Any]) -> Table:
    """Actual cost against the estimate, for the cases followed up at the end."""
    end_cases = end_followups.values("case_id")
    names = measure_type_names()
    groups = group_sums(
        case_infos(end_cases).items(),
        lambda ci: (names.get(ci[1].measure_type_id, ""), names.get(ci[1].measure_type_id, "")),
        lambda ci: (
            1,
            ci[1].requested_ore,
            ci[1].approved_ore or 0,
            ci[1].spent_ore,
        ),
    )
    rows = [groups[k] for k in sorted(groups)]

    def difference(sums: list[Any]) -> list[Any]:
        """[cases, requested, approved, spent] + spent - requested, spent in % of requested."""
        return [*sums, sums[3] - sums[1], pct(sums[3], sums[1])]

    return breakdown_table(
        key="cost_vs_estimate",
        title=_("Faktisk kostnad mot kalkyl"),
        group=Column("measure_type", _("Insatstyp")),
        values=[
            Column("cases", _("Uppföljda ärenden"), COUNT),
            Column("requested", _("Sökt (kalkyl)"), MONEY),
            Column("approved", _("Beviljat"), MONEY),
            Column("spent", _("Faktisk kostnad"), MONEY),
            Column("difference", _("Skillnad mot kalkyl"), MONEY),
            Column("spent_percent", _("Faktisk kostnad i % av kalkyl"), PERCENT),
        ],
        rows=[[g[0], *difference(g[1:])] for g in rows],
        total=difference(sum_columns(rows, 4)),
        note=_("Faktisk kostnad = utgifterna i fondens huvudbok för ärendet."),
    )


def survey_tables(*, organisation: Organisation, responses: QuerySet[Any]) -> list[Table]:
    rows = list(
        responses.filter(organisation=organisation).values_list(
            "purpose", "measure_type_id", "satisfaction", "usefulness", "heard_from", "recommend"
        )
    )
    names = measure_type_names()

    def summary(items: list[tuple[Any, ...]]) -> list[Any]:
        n = len(items)
        if not n:
            return [0, None, None, None]
        return [
            n,
            round(sum(r[2] for r in items) / n, 1),
            round(sum(r[3] for r in items) / n, 1),
            pct(sum(1 for r in items if r[5] == Recommend.YES), n),
        ]

    out_rows: list[list[Any]] = []
    everyone = summary(rows)
    hidden_all = hide_few(everyone[0])
    out_rows.append([_("Alla svar"), *([SUPPRESSED] * 4 if hidden_all else everyone)])
    families = [
        (
            _("Syfte"),
            [(purpose_label(p), [r for r in rows if r[0] == p]) for p in Purpose.values],
        ),
        (
            _("Insatstyp"),
            sorted(
                (
                    (names.get(mid, ""), [r for r in rows if r[1] == mid])
                    for mid in {r[1] for r in rows}
                ),
                key=lambda x: x[0],
            ),
        ),
    ]
    for family, groups in families:
        groups = [(label, items) for label, items in groups if items or family == _("Syfte")]
        mask = suppression_mask([len(items) for _l, items in groups], [hidden_all] * len(groups))
        for (label, items), hidden in zip(groups, mask, strict=True):
            values = summary(items)
            out_rows.append([f"{family}: {label}", *([SUPPRESSED] * 4 if hidden else values)])
    answers = Table(
        key="survey",
        title=_("Deltagarnas svar"),
        columns=[
            Column("group", _("Grupp")),
            Column("answers", _("Antal svar"), COUNT),
            Column("satisfaction", _("Nöjdhet (1–5)"), DECIMAL),
            Column("usefulness", _("Nytta inför förändringar (1–5)"), DECIMAL),
            Column("recommend", _("Skulle rekommendera (%)"), PERCENT),
        ],
        rows=out_rows,
        note=_("Medelvärden. Redovisas bara för grupper med minst 5 svar; dolt = färre än 5 svar."),
    )
    channel_counts = [sum(1 for r in rows if r[4] == v) for v in HeardFrom.values]
    mask = suppression_mask(channel_counts, [hidden_all] * len(channel_counts))
    heard = Table(
        key="survey_heard_from",
        title=_("Hur deltagarna fick veta om medlen"),
        columns=[
            Column("channel", _("Kanal")),
            Column("answers", _("Antal svar"), COUNT),
            Column("share", _("Andel"), PERCENT),
        ],
        rows=[
            [str(HeardFrom(v).label), hide(n, h), hide(pct(n, len(rows)), h)]
            for v, n, h in zip(HeardFrom.values, channel_counts, mask, strict=True)
        ],
        note=_("dolt = färre än 5 svar."),
        chart=ChartSpec("bar", "channel", ("answers",)),
    )
    return [answers, heard]
