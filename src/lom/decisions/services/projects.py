"""Projects report back: the round's report dates, and the owner's report at each of them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lom.cases.models import Case
from lom.common.audit import audit
from lom.common.bounds import NAME_MAX, TEXT_MAX
from lom.common.errors import ConflictError, DomainError
from lom.common.validation import amount_within, optional_text
from lom.common.validation import require as _require
from lom.common.validation import required_text as _text
from lom.decisions.messages import REPORT_FILED, REPORT_OVERSPENT
from lom.decisions.models import ApplicationRound, ProjectReport, ReportDate
from lom.decisions.permissions import can_manage_meetings
from lom.decisions.selectors.projects import PROJECT_STATUSES, is_owner
from lom.mail.notify import notify
from lom.organisations.access import Actor
from lom.organisations.models import Role
from lom.organisations.selectors import users_with_roles

# The most report dates a round sets.
MAX_REPORT_DATES = 24


@transaction.atomic(durable=True)
def report_dates_set(
    *, actor: Actor, rnd: ApplicationRound, dates: list[tuple[date, str]]
) -> list[ReportDate]:
    """The round's report dates, as a whole list: new dates are added, dates left out are
    removed (refused for a date a project has already reported at), labels are updated."""
    _require(can_manage_meetings(actor))
    rnd = ApplicationRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.organisation_id != actor.organisation.pk:
        raise DomainError(_("Omgången tillhör en annan organisation."))
    if len(dates) > MAX_REPORT_DATES:
        raise DomainError(
            _("Ange högst %(n)d rapportdatum.") % {"n": MAX_REPORT_DATES}, field="dates"
        )
    wanted: dict[date, str] = {}
    for due_on, label in dates:
        label = _text(
            label, field="dates", message=_("Ge varje rapport ett namn."), max_length=NAME_MAX
        )
        if due_on in wanted:
            raise DomainError(_("Samma datum finns två gånger."), field="dates")
        if due_on < rnd.opens_on:
            raise DomainError(
                _("Ett rapportdatum kan inte ligga före omgångens start."), field="dates"
            )
        wanted[due_on] = label
    current = {d.due_on: d for d in rnd.report_dates.all()}
    gone = [d for on, d in current.items() if on not in wanted]
    if any(d.reports.exists() for d in gone):
        raise ConflictError(
            _("Ett datum som projekt redan har rapporterat till kan inte tas bort."),
            code="state",
        )
    for d in gone:
        d.delete()
    for on, label in wanted.items():
        if on in current:
            if current[on].label != label:
                current[on].label = label
                current[on].save(update_fields=["label"])
        else:
            ReportDate.objects.create(round=rnd, due_on=on, label=label)
    audit(
        organisation_id=rnd.organisation_id,
        actor=actor.user,
        action="round.report_dates",
        target=rnd,
        before={"dates": [on.isoformat() for on in sorted(current)]},
        after={"dates": [on.isoformat() for on in sorted(wanted)]},
    )
    return list(rnd.report_dates.all())


@transaction.atomic(durable=True)
def project_report_submit(
    *,
    actor: Actor,
    case: Case,
    due: ReportDate,
    status: str,
    milestones: str,
    spent_ore: int,
    obstacles: str = "",
) -> ProjectReport:
    """The project owner reports at one of the round's dates (once per date). The coordinators
    are told; a report that says more was spent than granted is flagged to them."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("applicant__user")
        .get(pk=case.pk)
    )
    if case.organisation_id != actor.organisation.pk or not is_owner(user=actor.user, case=case):
        raise DomainError(_("Bara projektets ägare rapporterar om projektet."))
    if case.round_id is None or due.round_id != case.round_id:
        raise DomainError(_("Rapportdatumet hör inte till projektets omgång."), field="due")
    if case.status not in PROJECT_STATUSES:
        raise ConflictError(_("Bara beviljade projekt rapporterar."), code="state")
    if status not in ProjectReport.Status.values:
        raise DomainError(_("Välj projektets läge."), field="status")
    milestones = _text(
        milestones,
        field="milestones",
        message=_("Skriv vilka delmål som är nådda och vad som har gjorts."),
        max_length=TEXT_MAX,
    )
    obstacles = optional_text(obstacles, field="obstacles", max_length=TEXT_MAX)
    amount_within(spent_ore, field="spent")
    if ProjectReport.objects.filter(case=case, due=due).exists():
        raise ConflictError(_("Projektet har redan rapporterat till det datumet."), code="state")
    report = ProjectReport.objects.create(
        case=case,
        due=due,
        status=status,
        milestones=milestones,
        spent_ore=spent_ore,
        obstacles=obstacles,
        submitted_by=actor.user,
        submitted_at=timezone.now(),
    )
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="project.report",
        target=report,
        case=case,
        after={"due": due.due_on.isoformat(), "status": status, "spent_ore": spent_ore},
    )
    over = case.approved_ore is not None and spent_ore > case.approved_ore
    notify(
        users=users_with_roles(case.organisation_id, Role.COORDINATOR),
        organisation_id=case.organisation_id,
        kind="project",
        case_id=case.pk,
        url=f"/decisions/rounds/{case.round_id}/projects/{case.pk}/",
        reference=case.number,
        text=REPORT_OVERSPENT if over else REPORT_FILED,
        params={"n": case.number, "r": due.label},
    )
    return report
