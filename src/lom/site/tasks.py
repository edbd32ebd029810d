"""What each role's home page starts with: that role's own next tasks, a few of each with a
link to the full list. One query per list (the first HOME_TASKS rows; "more" links to the list,
which has the count)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.selectors import CaseFilter, case_list
from lom.common.money import format_ore
from lom.fundmode.models import Claim, FundRound, MeasureNotification
from lom.fundmode.permissions import is_fund_side
from lom.fundmode.selectors import claims_for, notifications_for, rounds_for
from lom.organisations.access import Actor
from lom.organisations.models import Role
from lom.support.models import Booking, SupportApplication
from lom.support.selectors import applications_for_coach, bookings_for_coach

# How many of each kind of task the home page lists.
HOME_TASKS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Task:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class TaskGroup:
    """One list of tasks: `key` names it in the page (id="tasks-<key>")."""

    key: str
    title: str
    empty: str
    more_url: str
    more_label: str
    tasks: list[Task] = field(default_factory=list)


def can_apply_here(actor: Actor) -> bool:
    """Whether "Ny ansökan" is a task of the actor: not for the fund's staff (a fund grants, it
    does not apply) nor for a counsellor whose only role it is."""
    if is_fund_side(actor):
        return False
    return not actor.roles <= {Role.COACH}


def _group(
    key: str,
    title: str,
    empty: str,
    more: tuple[str, str],
    rows: Iterable[T],
    task: Callable[[T], Task],
) -> TaskGroup:
    """One section of the home page: `more` is the link to the full list and its text."""
    return TaskGroup(
        key=key,
        title=title,
        empty=empty,
        more_url=more[0],
        more_label=more[1],
        tasks=[task(row) for row in rows],
    )


def _endorsements(actor: Actor) -> TaskGroup:
    rows, _more = case_list(
        actor=actor,
        filters=CaseFilter(status="awaiting_endorsement"),
        page=1,
        page_size=HOME_TASKS,
    )
    return _group(
        "endorse",
        _("Väntar på ditt tillstyrkande"),
        _("Inga ansökningar väntar på ditt tillstyrkande."),
        (reverse("cases:list") + "?status=awaiting_endorsement", _("Alla som väntar på chef")),
        rows,
        lambda c: Task(f"{c.display_number} – {c.title}", reverse("cases:detail", args=[c.pk])),
    )


def _fund_officer(actor: Actor) -> list[TaskGroup]:
    notes = notifications_for(actor=actor, status=MeasureNotification.Status.SUBMITTED).order_by(
        "submitted_at", "id"
    )[:HOME_TASKS]
    claims = (
        claims_for(actor=actor, status=Claim.Status.SUBMITTED)
        .select_related("notification__member")
        .order_by("submitted_at", "id")[:HOME_TASKS]
    )
    return [
        _group(
            "assess",
            _("Anmälningar att bedöma"),
            _("Inga anmälda insatser väntar på bedömning."),
            (reverse("fundmode:index") + "?status=submitted", _("Alla anmälda insatser")),
            notes,
            lambda n: Task(
                f"{n.title} – {n.member.name}",
                reverse("fundmode:notification", args=[n.pk]),
                n.submitted_at.date().isoformat() if n.submitted_at else "",
            ),
        ),
        _group(
            "claims",
            _("Rekvisitioner att hantera"),
            _("Inga rekvisitioner väntar."),
            (reverse("fundmode:index"), _("Till fonden")),
            claims,
            lambda c: Task(
                f"{c.notification.title} – {c.notification.member.name}",
                reverse("fundmode:claim", args=[c.pk]),
                c.submitted_at.date().isoformat(),
            ),
        ),
    ]


def _round_task(r: FundRound) -> Task:
    if r.status == FundRound.Status.OPEN:
        detail = _("Fördela potterna: %(total)s") % {"total": format_ore(r.total_ore)}
    else:
        detail = _("Rekvisition senast %(d)s") % {"d": r.claim_deadline.isoformat()}
    return Task(r.name, reverse("fundmode:round", args=[r.pk]), detail)


def _fund_admin(actor: Actor) -> TaskGroup:
    today = timezone.localdate()
    rounds = (
        rounds_for(actor=actor)
        .filter(claim_deadline__gte=today)
        .order_by("status", "start", "id")[:HOME_TASKS]
    )
    return _group(
        "rounds",
        _("Perioder och potter att hantera"),
        _("Inga öppna perioder. Lägg upp nästa period."),
        (reverse("fundmode:index"), _("Alla perioder")),
        rounds,
        _round_task,
    )


def _counsellor(actor: Actor) -> list[TaskGroup]:
    applications = (
        applications_for_coach(actor=actor)
        .filter(status=SupportApplication.Status.SUBMITTED)
        .order_by("created_at", "id")[:HOME_TASKS]
    )
    bookings = (
        bookings_for_coach(actor=actor)
        .filter(status=Booking.Status.BOOKED, slot__starts_at__gte=timezone.now())
        .order_by("slot__starts_at", "id")[:HOME_TASKS]
    )
    return [
        _group(
            "support",
            _("Ansökningar om stöd att ta hand om"),
            _("Inga nya ansökningar om individuellt stöd."),
            (reverse("support:applications"), _("Alla ansökningar om stöd")),
            applications,
            lambda a: Task(
                f"{a.employee} – {a.get_wish_display()}",
                reverse("support:application", args=[a.pk]),
                timezone.localdate(a.created_at).isoformat(),
            ),
        ),
        _group(
            "bookings",
            _("Kommande vägledningssamtal"),
            _("Inga bokade samtal."),
            (reverse("support:counselling"), _("Alla samtal")),
            bookings,
            lambda b: Task(
                str(b.employee),
                reverse("support:booking", args=[b.pk]),
                timezone.localtime(b.slot.starts_at).strftime("%Y-%m-%d %H:%M"),
            ),
        ),
    ]


def role_tasks(actor: Actor) -> list[TaskGroup]:
    """The actor's next tasks, the most pressing role first."""
    groups: list[TaskGroup] = []
    fund = is_fund_side(actor)
    if actor.is_manager and not fund:
        groups.append(_endorsements(actor))
    if fund and actor.has(Role.FUND_OFFICER):
        groups.extend(_fund_officer(actor))
    if fund and actor.has(Role.ORG_ADMIN):
        groups.append(_fund_admin(actor))
    if actor.has(Role.COACH):
        groups.extend(_counsellor(actor))
    return groups
