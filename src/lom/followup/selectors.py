"""Reads for follow-up and surveys, always scoped to one organisation.

A follow-up becomes due when a case is completed: nothing is written at that moment; the
due list is computed from the completed cases and the follow-ups already recorded."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from lom.cases.models import ApplicationKind, Case, Status
from lom.cases.selectors import case_spent
from lom.common.models import AuditEvent
from lom.followup.models import (
    FollowUp,
    FollowUpSettings,
    SurveyInvitation,
    SurveyResponse,
)
from lom.followup.themes import ALL_THEMES, group_by_theme
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Organisation

GROUP_KINDS = (ApplicationKind.GROUP, ApplicationKind.DEVELOPMENT_PROJECT)
MIN_ANSWERS = 5  # free text and aggregates are shown from this many answers
UPCOMING_DAYS = 30  # a second follow-up shows in the list this long before it is due


def is_group_case(case: Case) -> bool:
    """A group measure (or one without a named applicant): outcomes are counts, not people."""
    return case.kind in GROUP_KINDS or case.applicant_id is None


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def followup_settings(*, organisation: Organisation) -> FollowUpSettings:
    found = FollowUpSettings.objects.filter(organisation=organisation).first()
    return found or FollowUpSettings(organisation=organisation)


def completed_at_subquery():
    """When the case was completed: the time of its `case.complete` audit event."""
    return Subquery(
        AuditEvent.objects.filter(case=OuterRef("pk"), action="case.complete")
        .order_by("-at")
        .values("at")[:1]
    )


def _local_date(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value is not None else None


def case_completed_on(*, case: Case) -> date | None:
    at = (
        AuditEvent.objects.filter(case=case, action="case.complete")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return _local_date(at)


@dataclass(frozen=True)
class DueFollowUp:
    case: Case
    kind: str
    due_on: date
    overdue: bool


class _DueAnnotations(TypedDict):
    completed_at: datetime | None
    has_end: bool
    has_later: bool


if TYPE_CHECKING:  # the annotated model, for the type checker only
    DueCase = WithAnnotations[Case, _DueAnnotations]
else:
    DueCase = Case


def due_cases(*, organisation: Organisation, today: date) -> QuerySet[DueCase]:
    """The completed cases with a follow-up due (see `followups_due`), annotated with
    `completed_at`, `has_end` and `has_later`; unordered (the list and the API page it)."""
    conf = followup_settings(organisation=organisation)
    has_end = Exists(FollowUp.objects.filter(case=OuterRef("pk"), kind=FollowUp.Kind.END))
    has_later = Exists(FollowUp.objects.filter(case=OuterRef("pk"), kind=FollowUp.Kind.LATER))
    wanted = Q(has_end=False)
    if conf.later_months:
        cutoff = add_months(today + timedelta(days=UPCOMING_DAYS), -conf.later_months)
        cutoff_at = timezone.make_aware(
            datetime.combine(cutoff + timedelta(days=1), datetime.min.time())
        )
        wanted |= Q(has_end=True, has_later=False, completed_at__lt=cutoff_at)
    return (
        Case.objects.filter(organisation=organisation, status=Status.COMPLETED)
        .annotate(completed_at=completed_at_subquery(), has_end=has_end, has_later=has_later)
        .filter(wanted)
        .select_related("applicant", "unit")
        .defer("business_need", "description", "private_reason")
    )


def due_followup(case: DueCase, *, conf: FollowUpSettings, today: date) -> DueFollowUp:
    """Which follow-up of a row of `due_cases` is due, and when."""
    done_on = _local_date(case.completed_at) or timezone.localdate(case.updated_at)
    if not case.has_end:
        return DueFollowUp(case, FollowUp.Kind.END, done_on, done_on < today)
    due = add_months(done_on, conf.later_months)
    return DueFollowUp(case, FollowUp.Kind.LATER, due, due < today)


def followups_due(
    *, organisation: Organisation, today: date, limit: int = 200
) -> list[DueFollowUp]:
    """Completed cases whose follow-up at the end is missing, and those whose second
    follow-up (the agreement's months after completion) is due or due within 30 days.
    Earliest first. Bounded: a large backlog shows its oldest `limit` items."""
    conf = followup_settings(organisation=organisation)
    rows = due_cases(organisation=organisation, today=today).order_by("completed_at", "id")[:limit]
    out = [due_followup(case, conf=conf, today=today) for case in rows]
    return sorted(out, key=lambda d: (d.due_on, d.case.pk))


def followups_recent(*, organisation: Organisation, limit: int = 20) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(organisation=organisation)
        .select_related("case", "recorded_by")
        .order_by("-recorded_at", "-id")[:limit]
    )


def followups_for_case(*, case: Case) -> dict[str, FollowUp]:
    rows = (
        FollowUp.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related("outcomes__employee")
    )
    return {f.kind: f for f in rows}


@dataclass(frozen=True)
class FollowUpCasePage:
    """What the follow-up page of a case shows: the recorded follow-ups, when the case was
    completed and when the later follow-up is due, and the cost against the estimate."""

    records: dict[str, FollowUp]
    completed_on: date | None
    later_due: date | None
    requested_ore: int
    approved_ore: int | None
    spent_ore: int
    difference_ore: int


def followup_case_page(*, case: Case) -> FollowUpCasePage:
    completed_on = case_completed_on(case=case)
    conf = followup_settings(organisation=case.organisation)
    spent = case_spent(case=case)
    return FollowUpCasePage(
        records=followups_for_case(case=case),
        completed_on=completed_on,
        later_due=(
            add_months(completed_on, conf.later_months)
            if completed_on and conf.later_months
            else None
        ),
        requested_ore=case.requested_ore,
        approved_ore=case.approved_ore,
        spent_ore=spent,
        difference_ore=spent - case.requested_ore,
    )


def survey_answered(*, case: Case, employee_id: int) -> bool:
    return SurveyInvitation.objects.filter(
        case=case, employee_id=employee_id, answered_on__isnull=False
    ).exists()


def is_listed(*, case: Case, employee_id: int) -> bool:
    """The employee is on the case's participant list (asked in its survey)."""
    return SurveyInvitation.objects.filter(case=case, employee_id=employee_id).exists()


def _asked(employee_id: int) -> Q:
    """Cases whose survey asks the employee: their own, or one they are listed on."""
    listed = SurveyInvitation.objects.filter(case=OuterRef("pk"), employee_id=employee_id)
    return Q(applicant_id=employee_id) | Q(Exists(listed))


def surveys_open(*, actor: Actor) -> QuerySet[Case]:
    """The actor's completed measures (their own, or a group measure they are listed on)
    whose survey they have not answered yet (unordered)."""
    if actor.employee is None:
        return Case.objects.none()
    answered = SurveyInvitation.objects.filter(
        case=OuterRef("pk"), employee_id=actor.employee.pk, answered_on__isnull=False
    )
    return (
        Case.objects.filter(organisation=actor.organisation, status=Status.COMPLETED)
        .filter(_asked(actor.employee.pk))
        .exclude(Exists(answered))
    )


def surveys_open_for(*, actor: Actor) -> list[Case]:
    """The newest 20 of `surveys_open`, as the page lists them."""
    return list(surveys_open(actor=actor).order_by("-updated_at", "-id")[:20])


def survey_case_for(*, actor: Actor, pk: int) -> Case | None:
    """The case whose survey the actor, its participant, may see; None for anything else
    (another person's case, a draft, another organisation, a user who is no employee)."""
    if actor.employee is None:
        return None
    return (
        Case.objects.filter(organisation=actor.organisation, pk=pk)
        .filter(_asked(actor.employee.pk))
        .exclude(status=Status.DRAFT)
        .first()
    )


# --- the participants of a group measure ---------------------------------------------------

MAX_PARTICIPANTS = 1_000  # listed on one case
CANDIDATES_PER_PAGE = 20
SEARCH_WORDS = 5


def participants_for_case(*, case: Case) -> QuerySet[SurveyInvitation]:
    """Who the case's survey asks, besides its named applicant: the coordinator's list."""
    return (
        SurveyInvitation.objects.filter(case=case, organisation_id=case.organisation_id)
        .exclude(employee_id=case.applicant_id or 0)
        .select_related("employee__unit")
        .order_by("employee__last_name", "employee__first_name", "employee_id")
    )


def participant_candidates(*, organisation: Organisation, q: str) -> QuerySet[Employee]:
    """The organisation's current employees (staff register) whose name, e-mail, employee
    number or unit matches every word of `q` (all of them for an empty `q`), by name."""
    qs = Employee.objects.filter(organisation=organisation, active=True).select_related("unit")
    for w in q.split()[:SEARCH_WORDS]:
        qs = qs.filter(
            Q(first_name__icontains=w)
            | Q(last_name__icontains=w)
            | Q(email__icontains=w)
            | Q(employee_number__iexact=w)
            | Q(unit__name__icontains=w)
            | Q(unit__code__iexact=w)
        )
    return qs


@dataclass(frozen=True)
class MeasureRate:
    """One completed measure's survey: how many were asked, how many answered."""

    case_id: int
    number: str
    title: str
    measure_type_id: int | None
    invited: int
    answered: int


def survey_response_rates(
    *, organisation: Organisation, since: datetime, until: datetime
) -> list[MeasureRate]:
    """Per measure completed in [since, until): who its survey asks (the named applicant and
    the listed participants) and how many of them answered. Counts only: the invitation says
    *that* someone answered, never what."""
    cases = list(
        Case.objects.filter(organisation=organisation, status=Status.COMPLETED)
        .annotate(completed_at=completed_at_subquery())
        .filter(completed_at__gte=since, completed_at__lt=until)
        .values_list("pk", "number", "title", "applicant_id")
    )
    ids = [c[0] for c in cases]
    asked: dict[int, set[int]] = {pk: set() for pk in ids}
    answered: dict[int, int] = dict.fromkeys(ids, 0)
    for case_id, employee_id, answered_on in SurveyInvitation.objects.filter(
        organisation=organisation, case_id__in=ids
    ).values_list("case_id", "employee_id", "answered_on"):
        asked[case_id].add(employee_id)
        if answered_on is not None:
            answered[case_id] += 1
    first_type: dict[int, tuple[int, str, int]] = {}
    through = Case.measure_types.through
    for case_id, mt_id, order, name in through.objects.filter(case_id__in=ids).values_list(
        "case_id", "measuretype_id", "measuretype__sort_order", "measuretype__name"
    ):
        if case_id not in first_type or (order, name) < first_type[case_id][:2]:
            first_type[case_id] = (order, name, mt_id)
    out = []
    for pk, number, title, applicant_id in cases:
        people = asked[pk] | ({applicant_id} if applicant_id else set())
        out.append(
            MeasureRate(
                case_id=pk,
                number=number or "",
                title=title,
                measure_type_id=first_type[pk][2] if pk in first_type else None,
                invited=len(people),
                answered=answered[pk],
            )
        )
    return sorted(out, key=lambda r: (r.number, r.case_id))


@dataclass(frozen=True)
class ThemeGroup:
    code: str
    label: str
    texts: list[str]


def survey_free_text_themes(*, organisation: Organisation, year: int) -> list[ThemeGroup] | None:
    """The year's free-text answers grouped by theme (`lom.followup.themes`), each group in
    alphabetical order; None below five answers, as `survey_free_texts`."""
    texts = survey_free_texts(organisation=organisation, year=year)
    if texts is None:
        return None
    grouped = group_by_theme(texts)
    return [
        ThemeGroup(code=t.code, label=str(t.label), texts=grouped[t.code])
        for t in ALL_THEMES
        if grouped[t.code]
    ]


def survey_responses(*, organisation: Organisation) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(organisation=organisation)


def survey_free_texts(*, organisation: Organisation, year: int) -> list[str] | None:
    """The year's free-text answers, without anything that points to who wrote them, in
    alphabetical order (not the order they came in). None when fewer than five people
    answered that year: then even an anonymous text could be recognised."""
    qs = survey_responses(organisation=organisation).filter(year=year)
    if qs.count() < MIN_ANSWERS:
        return None
    texts = [t.strip() for t in qs.exclude(free_text="").values_list("free_text", flat=True)]
    return sorted(t for t in texts if t)
