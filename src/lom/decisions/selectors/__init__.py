from datetime import date, datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from lom.accounts.models import User
from lom.cases.models import Case, Decision
from lom.common.models import AuditEvent, Notification, NotificationPreference
from lom.decisions.models import (
    Adjustment,
    AgendaItem,
    ApplicationRound,
    Attendee,
    Criterion,
    Meeting,
    MeetingParty,
    Objection,
    Position,
)
from lom.decisions.selectors.projects import (
    SHOWS,
    ProjectsOverview,
    is_owner,
    project_round_for_owner,
    report_date_get,
    round_projects,
)
from lom.decisions.selectors.rounds import (
    RoundMatrix,
    assessor_choices,
    criteria_by_id,
    round_assessors,
    round_case_get,
    round_matrix,
)
from lom.mail.models import MailPreference
from lom.organisations.access import Actor
from lom.organisations.models import Membership, Role, Union
from lom.planning.models import Proposal, Workshop


def meetings_for(*, actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(organisation=actor.organisation).annotate(
        item_count=Count("items")
    )


def meeting_get(*, actor: Actor, pk: int) -> Meeting | None:
    return (
        Meeting.objects.filter(organisation=actor.organisation, pk=pk)
        .select_related("adjusts", "sealed_by", "created_by")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("user", "union")),
            Prefetch(
                "parties",
                queryset=MeetingParty.objects.select_related("union", "representative", "adjuster"),
            ),
            Prefetch("adjusted_by", queryset=Adjustment.objects.select_related("user", "union")),
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related(
                    "case", "case__applicant", "case__unit"
                ).prefetch_related(
                    Prefetch("positions", queryset=Position.objects.select_related("union")),
                    "decisions",
                ),
            ),
        )
        .first()
    )


def agenda_item_get(*, actor: Actor, pk: int) -> AgendaItem | None:
    """The agenda item with its case, positions and decisions."""
    return (
        AgendaItem.objects.select_related("meeting", "case")
        .prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("union")), "decisions"
        )
        .filter(pk=pk, meeting__organisation=actor.organisation)
        .first()
    )


def union_get(*, actor: Actor, pk: int) -> Union | None:
    """A union (a party) of the actor's organisation."""
    return Union.objects.filter(organisation=actor.organisation, pk=pk).first()


def meeting_candidates(*, actor: Actor) -> list[tuple[int, int | None, str]]:
    """Who may represent a party at the actor's organisation's meetings: (user id, union id or
    None for the employer, name), coordinators and decision makers for the employer and each
    union's representatives for their union."""
    rows = (
        Membership.objects.filter(
            organisation=actor.organisation,
            role__in=[Role.COORDINATOR, Role.DECISION_MAKER, Role.UNION_REP],
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )
    seen: set[tuple[int, int | None]] = set()
    out = []
    for m in rows:
        union = m.union_id if m.role == Role.UNION_REP else None
        if (m.role == Role.UNION_REP and union is None) or (m.user_id, union) in seen:
            continue
        seen.add((m.user_id, union))
        out.append((m.user_id, union, str(m.user)))
    return out


def actor_unions(*, actor: Actor) -> list[Union]:
    """The unions the actor speaks for."""
    return list(Union.objects.filter(pk__in=actor.union_ids))


def cases_ready_for_agenda(*, actor: Actor) -> QuerySet[Case]:
    return (
        Case.objects.filter(organisation=actor.organisation, status="in_review", round__isnull=True)
        .exclude(agenda_items__meeting__status=Meeting.Status.PLANNED)
        .select_related("applicant", "unit")
        .order_by("submitted_at", "id")
    )


def objections_for(*, actor: Actor, status: str = "") -> QuerySet[Objection]:
    qs = Objection.objects.filter(organisation=actor.organisation).select_related(
        "union", "case", "raised_by"
    )
    return qs.filter(status=status) if status else qs


def objection_get(*, actor: Actor, pk: int) -> Objection | None:
    return (
        objections_for(actor=actor).select_related("answered_by", "decision").filter(pk=pk).first()
    )


def objection_events(*, actor: Actor, pk: int) -> list[AuditEvent]:
    """The objection's history (raised, answered, closed), oldest first."""
    return list(
        AuditEvent.objects.filter(
            organisation=actor.organisation, target_type="decisions.objection", target_id=pk
        )
        .select_related("actor")
        .order_by("at", "id")
    )


def decision_get(*, actor: Actor, pk: int) -> Decision | None:
    """A decision on a case of the actor's organisation (what an objection can concern)."""
    return Decision.objects.filter(pk=pk, case__organisation=actor.organisation).first()


def objections_for_case(*, case: Case) -> list[Objection]:
    return list(case.objections.select_related("union", "raised_by", "answered_by"))


def rounds_for(*, actor: Actor) -> QuerySet[ApplicationRound]:
    return (
        ApplicationRound.objects.filter(organisation=actor.organisation)
        .select_related("period")
        .annotate(case_count=Count("cases"))
    )


def rounds_open_to_join(*, actor: Actor, on: date) -> list[ApplicationRound]:
    """The actor's organisation's rounds that are open for applications on the day."""
    return list(
        ApplicationRound.objects.filter(
            organisation=actor.organisation,
            status=ApplicationRound.Status.OPEN,
            opens_on__lte=on,
            closes_on__gte=on,
        )
    )


def round_get(*, actor: Actor, pk: int) -> ApplicationRound | None:
    return rounds_for(actor=actor).filter(pk=pk).prefetch_related("criteria", "assessors").first()


def criterion_get(*, rnd: ApplicationRound, pk: int) -> Criterion | None:
    return Criterion.objects.filter(round=rnd, pk=pk).select_related("round").first()


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_preferences(*, user: User) -> dict[str, bool]:
    """kind -> whether the user wants it by e-mail (only the kinds they have chosen), and
    "digest" -> whether they take a daily digest instead of one mail per event."""
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    prefs["digest"] = MailPreference.objects.filter(user=user, digest=True).exists()
    return prefs


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("case")


def notifications_for(*, user: User, limit: int = 50) -> list[Notification]:
    return list(notifications_of(user=user)[:limit])


def visible_positions(*, actor: Actor, case: Case) -> list[Position]:
    """Positions on a case, for the case page (the applicant sees them under participation)."""
    return list(
        Position.objects.filter(item__case=case)
        .select_related("union", "item__meeting")
        .order_by("item__meeting__starts_at", "final", "union_id")
    )


def proposal_get(*, workshop: Workshop, pk: int) -> Proposal | None:
    return Proposal.objects.filter(workshop=workshop, pk=pk).first()


def proposal_workshop_id(*, actor: Actor, pk: int) -> int | None:
    """The workshop of a proposal of the actor's organisation (whether the actor may see the
    workshop is for `workshop_get` to say)."""
    return (
        Proposal.objects.filter(pk=pk, workshop__organisation=actor.organisation)
        .values_list("workshop_id", flat=True)
        .first()
    )


def proposals_without_round(*, workshop: Workshop) -> list[Proposal]:
    """The workshop's proposals that are not yet the call of a round."""
    return list(workshop.proposals.filter(round__isnull=True).order_by("id"))


# --- Positions for the minutes and the reports ----------------------------------------------


def item_positions_for_minutes(*, item: AgendaItem) -> list[Position]:
    """The parties' final positions on an item as the minutes record them: the employer first,
    then each union, with any reservation or protocol note (`note_kind`) and its reason."""
    return sorted(
        (p for p in item.positions.all() if p.final),
        key=lambda p: (p.union_id is not None, p.party_name),
    )


# --- Objections and their answer deadline ---------------------------------------------------


def objections_past_due(*, actor: Actor, on: date) -> QuerySet[Objection]:
    """The organisation's objections the employer has not answered although the day the
    agreement gave for the answer (`answer_due`) is before `on`; the oldest due first."""
    return (
        objections_for(actor=actor, status=Objection.Status.RAISED)
        .filter(answer_due__lt=on)
        .order_by("answer_due", "id")
    )


def objections_answer_late(
    *, organisation_id: int, since: datetime, until: datetime, on: date
) -> list[tuple[Objection, date | None]]:
    """The objections raised in [since, until) answered after their due day, or not answered
    although the day has passed (on `on`): (objection, answered on or None), oldest first."""
    rows: list[tuple[Objection, date | None]] = []
    for o in (
        Objection.objects.filter(
            organisation_id=organisation_id,
            raised_at__gte=since,
            raised_at__lt=until,
            answer_due__isnull=False,
        )
        .select_related("union", "case")
        .order_by("raised_at", "id")
    ):
        assert o.answer_due is not None  # filtered above
        answered_on = timezone.localdate(o.answered_at) if o.answered_at else None
        if answered_on is not None and answered_on > o.answer_due:
            rows.append((o, answered_on))
        elif answered_on is None and o.answer_due < on:
            rows.append((o, None))
    return rows


__all__ = [
    "SHOWS",
    "ProjectsOverview",
    "RoundMatrix",
    "assessor_choices",
    "criteria_by_id",
    "is_owner",
    "project_round_for_owner",
    "report_date_get",
    "round_assessors",
    "round_case_get",
    "round_matrix",
    "round_projects",
]
