"""The case page in one query: the case with every list its panels show (cost lines, measure
types, attachments, comments, decisions, history, reconsideration, decision letters,
objections, the parties' positions) aggregated as JSON arrays by correlated subqueries, the
money spent and whether a transition plan is in force as annotations. The rows come back as
model instances with their related objects cached, so templates fire no further queries.

`json_agg` on PostgreSQL and `json_group_array` on SQLite; ordering is applied in Python with
the same keys the models' own orderings use."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Subquery, Sum, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from lom.cases.models import Attachment, Case, Comment, CostLine, Decision, DecisionLetter
from lom.cases.models import Reconsideration as ReconsiderationModel
from lom.cases.permissions import can_view_case
from lom.common.models import AuditEvent
from lom.funds.models import EntryKind, LedgerEntry
from lom.organisations.access import Actor
from lom.planning.models import TransitionPlan


class _JSONRows(models.Aggregate):
    """The group's values as one JSON array, returned as text."""

    function = "JSON_AGG"
    template = "CAST(%(function)s(%(expressions)s) AS TEXT)"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


@dataclass(frozen=True)
class PageRows:
    """A list the page shows: rows of `model` linked to the case by `link`, with the objects
    of `related` (select_related paths) attached, sorted by `key`."""

    model: type[models.Model]
    link: str
    key: Callable[[Any], Any]
    related: tuple[str, ...] = ()
    outer: str = "pk"


def _columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _model_at(model: type[models.Model], path: str) -> type[models.Model]:
    for name in path.split("__"):
        related = model._meta.get_field(name).related_model
        assert isinstance(related, type) and issubclass(related, models.Model)
        model = related
    return model


def _cache(obj: models.Model, name: str, value: models.Model | None) -> None:
    """Attach a related object as select_related would, so reading it fires no query."""
    field = obj._meta.get_field(name)
    assert isinstance(field, models.ForeignObject)
    field.set_cached_value(obj, value)


def _subquery(spec: PageRows) -> Subquery:
    cols: dict[str, Any] = {f.attname: F(f.attname) for f in _columns(spec.model)}
    for path in spec.related:
        for f in _columns(_model_at(spec.model, path)):
            cols[f"{path}__{f.attname}"] = F(f"{path}__{f.attname}")
    rows = (
        spec.model._default_manager.filter(**{spec.link: OuterRef(spec.outer)})
        .order_by()
        .values(spec.link)
        .annotate(rows=_JSONRows(JSONObject(**cols)))
        .values("rows")
    )
    return Subquery(rows, output_field=TextField())


# Compiling ten JSON subqueries costs Django more CPU than PostgreSQL spends running them, so
# each is compiled once per database vendor and reused as raw SQL; it refers to the outer case
# as "cases_case"."id" and its only parameters are the JSON keys.
_COMPILED: dict[tuple[str, str], tuple[str, tuple]] = {}


def _list_sql(name: str, spec: PageRows) -> RawSQL:
    key = (connection.vendor, name)
    if key not in _COMPILED:
        query = Case.objects.annotate(rows=_subquery(spec)).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.compile(query.annotations["rows"])
        _COMPILED[key] = (sql, tuple(params))
    sql, params = _COMPILED[key]
    return RawSQL(sql, params, output_field=TextField())  # noqa: S611 (compiled by Django, no input)


def _python(field: models.Field, value: Any) -> Any:
    """A value as JSON carried it, as the field holds it."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # PostgreSQL nests the JSON; SQLite carries the column's text.
        sqlite = connection.vendor == "sqlite"
        return json.loads(value) if sqlite and isinstance(value, str) else value
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(value)
        if parsed is not None and timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=UTC)
        return parsed
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    return field.to_python(value)


def _instance(model: type[models.Model], row: dict, prefix: str) -> models.Model | None:
    fields = _columns(model)
    pk = row.get(prefix + model._meta.pk.attname)
    if pk is None:
        return None
    values = [_python(f, row.get(prefix + f.attname)) for f in fields]
    return model.from_db(connection.alias, [f.attname for f in fields], values)


def _rows(spec: PageRows, text: str | None) -> list:
    out = []
    for row in json.loads(text) if text else []:
        obj = _instance(spec.model, row, "")
        assert obj is not None
        made: dict[str, models.Model | None] = {"": obj}
        for path in spec.related:
            parent_path, _sep, name = path.rpartition("__")
            parent = made.get(parent_path)
            rel = _instance(_model_at(spec.model, path), row, f"{path}__")
            made[path] = rel
            if parent is not None:
                _cache(parent, name, rel)
        out.append(obj)
    out.sort(key=spec.key)
    return out


def desc_time(value: Any) -> Any:
    """A sort key that orders timestamps newest first."""
    return -value.timestamp() if value is not None else 0


MeasureTypes = Case.measure_types.through

_LISTS: dict[str, PageRows] = {
    "cost_lines": PageRows(CostLine, "case", key=lambda r: r.pk),
    "measure_types": PageRows(
        MeasureTypes,
        "case",
        related=("measuretype",),
        key=lambda r: (r.measuretype.sort_order, r.measuretype.name, r.measuretype_id),
    ),
    "attachments": PageRows(
        Attachment, "case", related=("uploaded_by",), key=lambda r: (r.uploaded_at, r.pk)
    ),
    "comments": PageRows(Comment, "case", related=("author",), key=lambda r: (r.created_at, r.pk)),
    "decisions": PageRows(
        Decision, "case", related=("decided_by",), key=lambda r: (desc_time(r.decided_at), -r.pk)
    ),
    "events": PageRows(AuditEvent, "case", related=("actor",), key=lambda r: (r.at, r.pk)),
    "reconsiderations": PageRows(
        ReconsiderationModel,
        "case",
        related=("requested_by", "decided_by", "previous_decision"),
        key=lambda r: r.pk,
    ),
    "letters": PageRows(
        DecisionLetter, "case", related=("decision",), key=lambda r: (desc_time(r.issued_at), -r.pk)
    ),
}


def case_page_rows_register(name: str, rows: PageRows) -> None:
    """A package above this one adds a list of its own rows to the case page (read in the same
    one query): the joint decision panels register theirs when the app is ready."""
    _LISTS[name] = rows


# The case's own relations the page shows, each as a one-row list: a join per relation would
# make PostgreSQL's planner, not the query, the page's largest cost.
_FORWARD = (
    "applicant",
    "unit",
    "created_by",
    "co_applicant_manager",
    "period",
    "round",
    "endorsed_by",
    "agreement_version",
    "need",
)


def _forward(name: str) -> PageRows:
    return PageRows(_model_at(Case, name), "pk", key=lambda r: r.pk, outer=f"{name}_id")


def case_page_get(*, actor: Actor, pk: int) -> tuple[Case, dict]:
    """The case (404 unless the actor may see it) and everything its page shows beside it,
    in one query whatever the case holds."""
    today = timezone.localdate()
    spent = (
        LedgerEntry.objects.filter(case=OuterRef("pk"), kind=EntryKind.EXPENSE)
        .order_by()
        .values("case")
        .annotate(s=Sum("amount_ore"))
        .values("s")
    )
    plan = TransitionPlan.objects.filter(
        organisation=OuterRef("organisation"),
        status=TransitionPlan.Status.APPROVED,
        period_start__lte=today,
        period_end__gte=today,
    )
    specs = {**_LISTS, **{f"fk_{name}": _forward(name) for name in _FORWARD}}
    case = (
        Case.objects.filter(organisation=actor.organisation, pk=pk)
        .annotate(
            page_spent_ore=Coalesce(Subquery(spent), Value(0)),
            page_plan_in_force=Exists(plan),
            **{f"page_{name}": _list_sql(name, spec) for name, spec in specs.items()},
        )
        .order_by()
        .first()
    )
    if case is None:
        raise Http404
    _cache(case, "organisation", actor.organisation)
    for name in _FORWARD:
        found = _rows(specs[f"fk_{name}"], getattr(case, f"page_fk_{name}"))
        _cache(case, name, found[0] if found else None)
    if not can_view_case(actor, case):
        raise Http404
    lists = {name: _rows(spec, getattr(case, f"page_{name}")) for name, spec in _LISTS.items()}
    reconsiderations = lists.pop("reconsiderations")
    lists["measure_types"] = [r.measuretype for r in lists["measure_types"]]
    return case, {
        **lists,
        "reconsideration": reconsiderations[0] if reconsiderations else None,
        "spent_ore": int(case.page_spent_ore),
        "plan_in_force": bool(case.page_plan_in_force),
    }
