"""Reads of cases, always scoped to the acting user's organisation and visibility."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.agreements.rules import AgreementRules
from lom.cases.models import ApplicationKind, Attachment, Case, Reconsideration, Status
from lom.cases.permissions import can_take, can_view_case
from lom.cases.rules import rules_for_case
from lom.cases.workflow import FUNDED_STATES
from lom.common.history import event_label as history_event_label
from lom.common.models import AuditEvent
from lom.common.money import format_ore
from lom.funds.models import EntryKind
from lom.organisations.access import Actor
from lom.organisations.models import Unit
from lom.planning.selectors import plan_current


def own_filter(actor: Actor) -> Q:
    """The actor's own applications: made by them, co-applied for by them, or for them."""
    uid = actor.user.pk
    own = Q(created_by_id=uid) | Q(co_applicant_manager_id=uid)
    if actor.employee is not None:
        own |= Q(applicant_id=actor.employee.pk)
    return own


def visibility_filter(actor: Actor) -> Q:
    own = own_filter(actor)
    if actor.is_staff_reader or actor.is_union_rep:
        return own | ~Q(status=Status.DRAFT)
    if actor.manager_unit_paths:
        unit_q = Q()
        for path in actor.manager_unit_paths:
            unit_q |= Q(unit_path__startswith=path)
        return own | (unit_q & ~Q(status=Status.DRAFT))
    return own


def cases_visible(*, actor: Actor) -> QuerySet[Case]:
    return Case.objects.filter(organisation=actor.organisation).filter(visibility_filter(actor))


def case_get_for_actor(*, actor: Actor, pk: int) -> Case:
    """The case, or 404 for anything the actor may not see (another organisation included)."""
    case = (
        Case.objects.filter(organisation=actor.organisation, pk=pk)
        .select_related(
            "applicant", "unit", "created_by", "co_applicant_manager", "period", "organisation"
        )
        .first()
    )
    if case is None or not can_view_case(actor, case):
        raise Http404
    return case


@dataclass
class CaseFilter:
    status: str = ""
    unit_id: int | None = None
    q: str = ""
    mine_only: bool = False
    # The path of `unit_id` when the caller has read the unit already (in the organisation).
    unit_path: str = ""


PAGE_SIZE = 50


# Pages up to this one are read as two index walks (below); deeper pages with one OFFSET query.
SPLIT_PAGES_MAX = 20


def case_list(
    *,
    actor: Actor,
    filters: CaseFilter,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    exclude_drafts: bool = False,
) -> tuple[list[Case], bool]:
    """A bounded page of visible cases (newest submitted first) and whether more follow.
    No COUNT(*): the list stays as fast at 500 000 cases as at 50.

    Drafts have no submission time, so PostgreSQL puts them first in this order, and a
    coordinator or manager sees only their own: walking the order index, the queue would step
    over every other draft of the organisation before its first row. So, when the page may mix
    both, it is read as two walks that each stop after the page: the cases that are not drafts
    (a partial index without drafts), and the actor's own drafts (their own indexes); the two
    are merged in the same order. Same rows, same order as one query."""
    qs = cases_filtered(actor=actor, filters=filters, exclude_drafts=exclude_drafts)
    page = max(page, 1)
    start = (page - 1) * page_size
    end = start + page_size + 1
    order = ("-submitted_at", "-id")
    qs = qs.select_related("applicant", "unit").defer(
        "business_need", "description", "private_reason"
    )
    sees_others = actor.is_staff_reader or actor.is_union_rep or bool(actor.manager_unit_paths)
    if (
        sees_others
        and not (filters.mine_only or filters.status or exclude_drafts)
        and page <= SPLIT_PAGES_MAX
    ):
        others = list(qs.exclude(status=Status.DRAFT).order_by(*order)[:end])
        drafts = list(qs.filter(own_filter(actor), status=Status.DRAFT).order_by(*order)[:end])
        rows = sorted([*others, *drafts], key=_list_key(qs.db), reverse=True)[start:end]
    else:
        rows = list(qs.order_by(*order)[start:end])
    return rows[:page_size], len(rows) > page_size


def _list_key(db: str) -> Callable[[Case], tuple[bool, datetime, int]]:
    """The sort key of `-submitted_at, -id` (for a reversed sort) as the database orders it:
    no submission time sorts first on PostgreSQL (NULLS FIRST), last on SQLite."""
    nulls_first = connections[db].vendor == "postgresql"
    never = datetime.min.replace(tzinfo=UTC)

    def key(case: Case) -> tuple[bool, datetime, int]:
        if case.submitted_at is None:
            return (nulls_first, never, case.pk)
        return (not nulls_first, case.submitted_at, case.pk)

    return key


def cases_filtered(
    *, actor: Actor, filters: CaseFilter, exclude_drafts: bool = False
) -> QuerySet[Case]:
    """The visible cases that match the list filters, unordered and unbounded: the list page
    takes a page of it, the exports all of it. One definition, so both show the same cases."""
    qs = cases_visible(actor=actor)
    if filters.mine_only:
        qs = qs.filter(own_filter(actor))
    if exclude_drafts:
        qs = qs.exclude(status=Status.DRAFT)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit_path:
        qs = qs.filter(unit_path__startswith=filters.unit_path)
    elif filters.unit_id:
        unit = Unit.objects.filter(organisation=actor.organisation, pk=filters.unit_id).first()
        qs = qs.filter(unit_path__startswith=unit.path) if unit else qs.none()
    term = filters.q.strip()
    if term:
        qs = qs.filter(search_filter(term))
    return qs


# A case number is `YYYY-NNNN`: digits, a dash, digits.
_NUMBER_LIKE = re.compile(r"[0-9]+-[0-9]*")
_DIGITS = re.compile(r"[0-9]+")


def search_filter(term: str) -> Q:
    """What the list's search box matches. A term that looks like a case number (digits and a
    dash: `2025-0123`, `2025-01`, `2025-`) matches numbers that start with it, and nothing else;
    plain digits (`2025`) may be a number's start or a word of a title, so both; anything else
    can only be in a title (a number has no other characters), searched case-insensitively.
    On PostgreSQL each kind is served by an index of migration 0009: the number by a
    `varchar_pattern_ops` index on (organisation, number), which serves `LIKE 'x%'` in any
    collation, and the title by a trigram (pg_trgm) GIN index on `UPPER(title)`, the expression
    `icontains` compares."""
    if _NUMBER_LIKE.fullmatch(term):
        return Q(number__startswith=term)
    if _DIGITS.fullmatch(term):
        return Q(number__startswith=term) | Q(title__icontains=term)
    return Q(title__icontains=term)


def attachment_get_for_actor(*, actor: Actor, pk: int) -> Attachment:
    """An attachment of a case the actor may see, or 404 (another organisation included)."""
    att = (
        Attachment.objects.select_related("case")
        .filter(pk=pk, case__organisation=actor.organisation)
        .first()
    )
    if att is None:
        raise Http404
    case_get_for_actor(actor=actor, pk=att.case_id)  # 404 unless the case is visible
    return att


def case_events(*, case: Case) -> QuerySet[AuditEvent]:
    """The case's history as its page shows it, oldest first."""
    return AuditEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")


def event_label(action: str) -> str:
    """What an event of a case's history is called, in the active language."""
    return history_event_label(action)


def case_detail_related(*, case: Case) -> dict:
    """Everything the case page shows beside the case itself, in a fixed number of queries."""
    cost_lines = list(case.cost_lines.all())
    measure_types = list(case.measure_types.all())
    attachments = list(case.attachments.select_related("uploaded_by"))
    comments = list(case.comments.select_related("author"))
    decisions = list(case.decisions.select_related("decided_by"))
    events = list(case_events(case=case))
    reconsideration = case_reconsideration(case=case)
    money = case.ledger_entries.aggregate(
        spent=Sum("amount_ore", filter=Q(kind=EntryKind.EXPENSE)),
    )
    return {
        "cost_lines": cost_lines,
        "measure_types": measure_types,
        "attachments": attachments,
        "comments": comments,
        "decisions": decisions,
        "events": events,
        "reconsideration": reconsideration,
        "spent_ore": int(money["spent"] or 0),
    }


def case_spent(*, case: Case) -> int:
    total = case.ledger_entries.filter(kind=EntryKind.EXPENSE).aggregate(s=Sum("amount_ore"))["s"]
    return int(total or 0)


def case_outstanding_commitment(*, case: Case) -> int:
    row = case.ledger_entries.aggregate(
        c=Sum("amount_ore", filter=Q(kind=EntryKind.COMMITMENT)),
        r=Sum("amount_ore", filter=Q(kind=EntryKind.RELEASE)),
        e=Sum("amount_ore", filter=Q(kind=EntryKind.EXPENSE)),
    )
    return int(row["c"] or 0) - int(row["r"] or 0) - int(row["e"] or 0)


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.AWAITING_ENDORSEMENT,
    Status.RECONSIDERATION,
    Status.RETURNED,
    Status.APPROVED,
    Status.IN_PROGRESS,
)
# The queue's tabs count each status exactly up to this many cases, then show "1 000+".
STATUS_COUNT_BOUND = 1000


def status_counts(*, actor: Actor, bound: int | None = None) -> dict[str, int]:
    """Open work per status for the queue tabs (drafts excluded), exact up to `bound`: a count
    above it is returned as `bound + 1` (`count_label` shows it as "1 000+"). One query of
    one LIMITed subquery per status, so a large organisation's open cases are never all read;
    each subquery walks the (organisation, status, ...) index and stops at `bound + 1` rows."""
    bound = STATUS_COUNT_BOUND if bound is None else bound
    if actor.is_staff_reader or actor.is_union_rep:
        # They see every case that is not a draft: no visibility filter, so each subquery
        # reads the (organisation, status, ...) index only.
        visible = Case.objects.filter(organisation=actor.organisation).order_by()
    else:
        visible = cases_visible(actor=actor).order_by()
    parts: list[str] = []
    params: list[Any] = []
    for i, status in enumerate(OPEN_STATUSES):
        sql, p = visible.filter(status=status).values("id")[: bound + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS open_{i})")  # noqa: S608 - Django-built SQL
        params.extend(p)
    with connections[visible.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {str(s): int(n) for s, n in zip(OPEN_STATUSES, row, strict=True) if n}


def count_label(n: int, *, bound: int | None = None) -> str:
    """A bounded count as shown: "17", or "1 000+" past the bound (a no-break space groups the
    thousands, as Swedish writes numbers)."""
    bound = STATUS_COUNT_BOUND if bound is None else bound
    if n > bound:
        return f"{bound:,}+".replace(",", "\u00a0")
    return str(n)


# --- completeness: what a submitted application must have ---------------------------------


def completeness_problems(
    *,
    case: Case,
    agreement: AgreementRules,
    has_measure_types: bool | None = None,
    plan_in_force: bool | None = None,
) -> list[tuple[str, str]]:
    """(field, message) for everything a submitted application must have. A caller that has
    already read the case's measure types, or whether a plan is in force, passes them."""
    problems: list[tuple[str, str]] = []
    if not case.title.strip():
        problems.append(("title", _("Rubrik saknas.")))
    if has_measure_types is None:
        has_measure_types = case.measure_types.exists()
    if not has_measure_types:
        problems.append(("measure_types", _("Välj minst en insatstyp.")))
    if not case.purpose:
        problems.append(("purpose", _("Ange syftet med insatsen.")))
    if not case.business_need.strip():
        problems.append(
            ("business_need", _("Beskriv vilket behov i verksamheten insatsen svarar mot."))
        )
    if not case.description.strip():
        problems.append(("description", _("Beskriv insatsen.")))
    if not case.start_date or not case.end_date:
        problems.append(("start_date", _("Ange start- och slutdatum.")))
    if case.requested_ore <= 0:
        problems.append(("cost_lines", _("Lägg till minst en kostnadsrad.")))
    if case.kind == ApplicationKind.WITH_MANAGER and not case.co_applicant_manager_id:
        problems.append(("co_applicant_manager", _("Välj chefen som söker tillsammans med dig.")))
    if plan_in_force is None:
        plan_in_force = _plan_in_force(case)
    if not case.need_id and not case.need_explanation.strip() and plan_in_force:
        problems.append(
            (
                "need",
                _(
                    "Välj vilket behov i omställningsplanen insatsen svarar mot, eller förklara "
                    "varför den svarar mot ett behov som inte finns i planen."
                ),
            )
        )
    problems.extend(
        ("amount", msg)
        for msg in cap_problems(case=case, agreement=agreement, amount=case.requested_ore)
    )
    return problems


def _plan_in_force(case: Case) -> bool:
    """Whether the organisation has an approved transition plan today: then every application
    must point to one of its needs or explain why it answers a need that is not in it."""

    return plan_current(organisation=case.organisation, on=timezone.localdate()) is not None


def _need_checklist_item(case: Case, plan_in_force: bool) -> tuple[str, bool] | None:
    need = case.need if case.need_id else None
    if need is not None:
        return (
            _("Svarar mot ett behov i omställningsplanen: %(n)s") % {"n": need.title},
            True,
        )
    if case.need_explanation.strip():
        return (
            _("Flaggad: svarar mot ett behov som inte finns i planen – %(e)s")
            % {"e": case.need_explanation.strip()[:300]},
            False,
        )
    if plan_in_force:
        return (_("Kopplad till ett behov i omställningsplanen"), False)
    return None


def completeness_checklist(
    *,
    case: Case,
    agreement: AgreementRules,
    attachment_count: int,
    has_measure_types: bool | None = None,
    plan_in_force: bool | None = None,
) -> list[tuple[str, bool]]:
    """What the coordinator checks before deciding: each item and whether it holds."""
    if plan_in_force is None:
        plan_in_force = _plan_in_force(case)
    problems = {
        field
        for field, _msg in completeness_problems(
            case=case,
            agreement=agreement,
            has_measure_types=has_measure_types,
            plan_in_force=plan_in_force,
        )
    }
    items = [
        (_("Insatstyp som ingår i avtalet"), "measure_types" not in problems),
        (_("Syfte angivet"), "purpose" not in problems),
        (_("Verksamhetens behov beskrivet"), "business_need" not in problems),
        (_("Insatsen beskriven"), "description" not in problems),
        (_("Start- och slutdatum"), "start_date" not in problems),
        (_("Kostnader angivna"), "cost_lines" not in problems),
        (_("Inom avtalets tak"), "amount" not in problems),
        (_("Minst en bilaga (t.ex. kursplan eller offert)"), attachment_count > 0),
    ]
    if needs_endorsement(case=case, rules=agreement):
        # Ticked only by the manager's own endorsement, never by a name picked on the form.
        items.append((_("Tillstyrkt av chef"), case.endorsed_by_id is not None))
    need_item = _need_checklist_item(case, plan_in_force)
    if need_item is not None:
        items.append(need_item)
    return items


def needs_endorsement(*, case: Case, rules: AgreementRules) -> bool:
    """Whether the case waits for a manager's endorsement at submission: when the agreement
    requires it, and always when a co-applying manager is named (they confirm it themselves)."""
    return rules.requires_manager_endorsement or case.co_applicant_manager_id is not None


def cap_problems(*, case: Case, agreement: AgreementRules, amount: int) -> list[str]:
    out = []
    cap_app = agreement.cap_per_application_ore
    if cap_app and amount > cap_app:
        out.append(
            _("Beloppet %(a)s är över avtalets tak per ansökan, %(c)s.")
            % {"a": format_ore(amount), "c": format_ore(cap_app)}
        )
    cap_person = agreement.cap_per_person_ore
    if cap_person:
        if case.kind in (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT):
            per_person = amount // max(case.participant_count, 1)
            if per_person > cap_person:
                out.append(
                    _("Beloppet per deltagare, %(a)s, är över avtalets tak per person, %(c)s.")
                    % {"a": format_ore(per_person), "c": format_ore(cap_person)}
                )
        elif case.applicant_id:
            year = timezone.localdate().year
            earlier = (
                Case.objects.filter(
                    applicant_id=case.applicant_id, status__in=FUNDED_STATES, decided_at__year=year
                )
                .exclude(pk=case.pk)
                .aggregate(s=Sum("approved_ore"))["s"]
                or 0
            )
            if earlier + amount > cap_person:
                out.append(
                    _(
                        "Med detta belopp får personen %(t)s i år, över avtalets tak per "
                        "person, %(c)s."
                    )
                    % {"t": format_ore(earlier + amount), "c": format_ore(cap_person)}
                )
    return out


# --- reconsideration (omprövning) ----------------------------------------------------------


def case_reconsideration(*, case: Case) -> Reconsideration | None:
    """The case's reconsideration (asked for, and decided when it was), if any."""
    return (
        Reconsideration.objects.filter(case=case)
        .select_related("requested_by", "decided_by", "previous_decision")
        .first()
    )


def reconsideration_last_day(*, case: Case, rules: AgreementRules | None) -> date | None:
    """The last day the applicant may ask for reconsideration: the day of the decision plus the
    agreement's `reconsideration_days`. None for a case not decided."""
    if case.decided_at is None or rules is None:
        return None
    return timezone.localdate(case.decided_at) + timedelta(days=rules.reconsideration_days)


def reconsideration_refusal(
    *, case: Case, rules: AgreementRules | None, today: date
) -> tuple[str, str] | None:
    """(code, message) when the case's decision may not be reconsidered now; None when the
    applicant may ask (the status and the asker are checked by the workflow)."""
    if Reconsideration.objects.filter(case=case).exists():
        return "state", _("Beslutet har redan omprövats. Ett beslut kan omprövas en gång.")
    if case.status == Status.APPROVED and (case.approved_ore or 0) >= case.requested_ore:
        return "full_amount", _(
            "Omprövning kan begäras av ett avslag eller av ett beviljande med lägre belopp än "
            "det sökta. Hela det sökta beloppet är beviljat."
        )
    last_day = reconsideration_last_day(case=case, rules=rules)
    if last_day is None:
        return "state", _("Ärendet har inget beslut att ompröva.")
    if today > last_day:
        assert rules is not None
        return "deadline", _(
            "Tiden för att begära omprövning gick ut %(d)s: enligt det lokala avtalet ska "
            "begäran komma in inom %(n)s dagar från beslutet."
        ) % {"d": last_day.isoformat(), "n": rules.reconsideration_days}
    return None


@dataclass(frozen=True)
class ReconsiderationOffer:
    """Whether the actor may ask for reconsideration of the case now; the last day to ask;
    and, when the workflow would allow it but a rule does not, the rule's message."""

    allowed: bool
    last_day: date | None
    refusal: str = ""


def reconsideration_offer(*, actor: Actor, case: Case) -> ReconsiderationOffer:
    if not can_take(actor, case, "request_reconsideration"):
        return ReconsiderationOffer(False, None)
    rules = rules_for_case(case)
    last_day = reconsideration_last_day(case=case, rules=rules)
    refusal = reconsideration_refusal(case=case, rules=rules, today=timezone.localdate())
    if refusal is not None:
        # Only a missed deadline is worth telling the applicant about unasked.
        return ReconsiderationOffer(False, last_day, refusal[1] if refusal[0] == "deadline" else "")
    return ReconsiderationOffer(True, last_day)
