"""Reads of cases, always scoped to the acting user's organisation and visibility."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from lom.cases.models import Case, Status
from lom.cases.permissions import can_view_case
from lom.common.models import AuditEvent
from lom.funds.models import EntryKind
from lom.organisations.access import Actor


def visibility_filter(actor: Actor) -> Q:
    uid = actor.user.pk
    own = Q(created_by_id=uid) | Q(co_applicant_manager_id=uid)
    if actor.employee is not None:
        own |= Q(applicant_id=actor.employee.pk)
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


PAGE_SIZE = 50


def case_list(
    *,
    actor: Actor,
    filters: CaseFilter,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    exclude_drafts: bool = False,
) -> tuple[list[Case], bool]:
    """A bounded page of visible cases (newest submitted first) and whether more follow.
    No COUNT(*): the list stays as fast at 500 000 cases as at 50."""
    qs = cases_filtered(actor=actor, filters=filters, exclude_drafts=exclude_drafts)
    page = max(page, 1)
    start = (page - 1) * page_size
    rows = list(
        qs.select_related("applicant", "unit")
        .order_by("-submitted_at", "-id")
        .defer("business_need", "description", "private_reason")[start : start + page_size + 1]
    )
    return rows[:page_size], len(rows) > page_size


def cases_filtered(
    *, actor: Actor, filters: CaseFilter, exclude_drafts: bool = False
) -> QuerySet[Case]:
    """The visible cases that match the list filters, unordered and unbounded: the list page
    takes a page of it, the exports all of it. One definition, so both show the same cases."""
    qs = cases_visible(actor=actor)
    if filters.mine_only:
        uid = actor.user.pk
        own = Q(created_by_id=uid) | Q(co_applicant_manager_id=uid)
        if actor.employee is not None:
            own |= Q(applicant_id=actor.employee.pk)
        qs = qs.filter(own)
    if exclude_drafts:
        qs = qs.exclude(status=Status.DRAFT)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit_id:
        from lom.organisations.models import Unit

        unit = Unit.objects.filter(organisation=actor.organisation, pk=filters.unit_id).first()
        qs = qs.filter(unit_path__startswith=unit.path) if unit else qs.none()
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(number=term) | Q(number__startswith=term) | Q(title__icontains=term))
    return qs


def case_detail_related(*, case: Case) -> dict:
    """Everything the case page shows beside the case itself, in a fixed number of queries."""
    cost_lines = list(case.cost_lines.all())
    measure_types = list(case.measure_types.all())
    attachments = list(case.attachments.select_related("uploaded_by"))
    comments = list(case.comments.select_related("author"))
    decisions = list(case.decisions.select_related("decided_by"))
    events = list(AuditEvent.objects.filter(case=case).select_related("actor").order_by("at", "id"))
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


def status_counts(*, actor: Actor) -> dict[str, int]:
    """Open work per status for the queue tabs (drafts excluded)."""
    from django.db.models import Count

    rows = (
        cases_visible(actor=actor)
        .filter(
            status__in=[
                Status.AWAITING_ENDORSEMENT,
                Status.SUBMITTED,
                Status.IN_REVIEW,
                Status.RETURNED,
                Status.APPROVED,
                Status.IN_PROGRESS,
            ]
        )
        .values("status")
        .annotate(n=Count("id"))
    )
    return {r["status"]: r["n"] for r in rows}
