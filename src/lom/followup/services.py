"""Every write about follow-up and the participant survey."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lom.accounts.models import User
from lom.cases.models import Case, Status
from lom.common.audit import audit
from lom.common.bounds import COMMENT_MAX, MAX_COUNT
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.followup.models import (
    FREE_TEXT_MAX,
    LATER_MONTHS_MAX,
    REMINDER_DAYS_MAX,
    FollowUp,
    FollowUpSettings,
    HeardFrom,
    NeedMet,
    Outcome,
    ParticipantOutcome,
    Recommend,
    SurveyInvitation,
    SurveyResponse,
)
from lom.followup.permissions import (
    can_answer_survey,
    can_list_participants,
    can_manage_followup_settings,
    can_record_followup,
    is_participant,
)
from lom.followup.selectors import (
    MAX_PARTICIPANTS,
    completed_at_subquery,
    followup_settings,
    is_group_case,
    is_listed,
    survey_answered,
)
from lom.mail.services.compose import compose, composed_queue, user_language
from lom.mail.services.queue import absolute_url
from lom.organisations.access import Actor
from lom.organisations.models import Employee, Organisation


@dataclass
class FollowUpInput:
    kind: str
    need_met: str
    # Named participant (individual measure): their outcome. Group measure: outcome -> count.
    outcome: str = ""
    outcome_counts: dict[str, int] | None = None
    comment: str = ""
    cost_comment: str = ""


def bounded_text(text: str | None, *, field: str, max_length: int) -> str:  # pure: a check
    """The text stripped, or a refusal naming the field when it is too long."""
    value = (text or "").strip()
    if len(value) > max_length:
        raise DomainError(
            _("Högst %(n)d tecken (nu %(m)d).") % {"n": max_length, "m": len(value)}, field=field
        )
    return value


def _outcome_rows(case: Case, data: FollowUpInput) -> list[ParticipantOutcome]:
    valid = set(Outcome.values)
    if not is_group_case(case):
        if data.outcome not in valid:
            raise DomainError(_("Välj utfallet för deltagaren."), field="outcome")
        return [ParticipantOutcome(employee_id=case.applicant_id, outcome=data.outcome, count=1)]
    counts = {k: v for k, v in (data.outcome_counts or {}).items() if v}
    if any(k not in valid for k in counts) or any(not 0 <= v <= MAX_COUNT for v in counts.values()):
        raise DomainError(_("Ange antal deltagare per utfall."), field="outcome_counts")
    total = sum(counts.values())
    if total != case.participant_count:
        raise DomainError(
            _("Antalen ska tillsammans bli %(n)d, antalet deltagare i insatsen (nu %(t)d).")
            % {"n": case.participant_count, "t": total},
            field="outcome_counts",
        )
    return [ParticipantOutcome(outcome=k, count=v) for k, v in counts.items()]


@transaction.atomic(durable=True)
def followup_record(*, actor: Actor, case: Case, data: FollowUpInput) -> FollowUp:
    """Record (or correct) the follow-up at the end of a measure or the later one."""
    verdict = can_record_followup(actor, case)
    if not verdict:
        if actor.is_coordinator and case.organisation_id == actor.organisation.pk:
            # The coordinator may; the case's state refuses (not completed yet).
            raise ConflictError(verdict.reason, code="status")
        raise PermissionDeniedError(verdict.reason)
    if data.kind not in FollowUp.Kind.values:
        raise DomainError(_("Okänd uppföljning."), field="kind")
    if data.need_met not in NeedMet.values:
        raise DomainError(_("Ange om verksamhetens behov möttes."), field="need_met")
    existing = {f.kind: f for f in FollowUp.objects.select_for_update().filter(case=case)}
    if data.kind == FollowUp.Kind.LATER and FollowUp.Kind.END not in existing:
        raise ConflictError(_("Gör först uppföljningen vid avslut."), field="kind", code="state")
    rows = _outcome_rows(case, data)
    followup = existing.get(data.kind)
    before = {}
    if followup is None:
        followup = FollowUp(
            organisation_id=case.organisation_id,
            case=case,
            kind=data.kind,
            recorded_by=actor.user,
            recorded_at=timezone.now(),
        )
    else:
        before = {
            "need_met": followup.need_met,
            "outcomes": {o.outcome: o.count for o in followup.outcomes.all()},
        }
        followup.recorded_by = actor.user
        followup.recorded_at = timezone.now()
    followup.need_met = data.need_met
    followup.comment = bounded_text(data.comment, field="comment", max_length=COMMENT_MAX)
    followup.cost_comment = bounded_text(
        data.cost_comment, field="cost_comment", max_length=COMMENT_MAX
    )
    followup.save()
    followup.outcomes.all().delete()
    for row in rows:
        row.followup = followup
    ParticipantOutcome.objects.bulk_create(rows)
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="followup.record" if not before else "followup.update",
        target=followup,
        case=case,
        before=before,
        after={
            "kind": data.kind,
            "need_met": data.need_met,
            "outcomes": {r.outcome: r.count for r in rows},
        },
    )
    return followup


@transaction.atomic(durable=True)
def followup_settings_save(
    *, actor: Actor, later_months: int, survey_reminder_days: int
) -> FollowUpSettings:
    return _followup_settings_save(
        actor=actor, later_months=later_months, survey_reminder_days=survey_reminder_days
    )


def _followup_settings_save(
    *, actor: Actor, later_months: int, survey_reminder_days: int
) -> FollowUpSettings:
    """The work of `followup_settings_save`, inside the caller's transaction (the reports
    settings page saves these together with its own in one transaction)."""
    if not can_manage_followup_settings(actor):
        raise PermissionDeniedError(_("Din roll får inte ändra inställningarna."))
    if not 0 <= later_months <= LATER_MONTHS_MAX:
        raise DomainError(
            _("Ange 0–%(n)d månader.") % {"n": LATER_MONTHS_MAX}, field="later_months"
        )
    if not 1 <= survey_reminder_days <= REMINDER_DAYS_MAX:
        raise DomainError(
            _("Ange 1–%(n)d dagar.") % {"n": REMINDER_DAYS_MAX}, field="survey_reminder_days"
        )
    conf = followup_settings(organisation=actor.organisation)
    before = {"later_months": conf.later_months, "survey_reminder_days": conf.survey_reminder_days}
    conf.later_months = later_months
    conf.survey_reminder_days = survey_reminder_days
    conf.save()
    audit(
        organisation_id=actor.organisation.pk,
        actor=actor.user,
        action="followup.settings",
        target=conf,
        before=before,
        after={"later_months": later_months, "survey_reminder_days": survey_reminder_days},
    )
    return conf


@dataclass
class SurveyAnswers:
    satisfaction: int
    usefulness: int
    heard_from: str
    recommend: str
    free_text: str = ""


def _primary_measure_type_id(case: Case) -> int | None:
    mt = case.measure_types.order_by("sort_order", "name").first()
    return mt.pk if mt else None


@transaction.atomic(durable=True)
def survey_answer(*, actor: Actor, case: Case, answers: SurveyAnswers) -> None:
    """Store the participant's answers. The invitation records *that* they answered; the
    answer is stored apart from it, without anything that leads back to them."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    employee_id = actor.employee.pk if actor.employee is not None else None
    answered = employee_id is not None and survey_answered(case=case, employee_id=employee_id)
    listed = employee_id is not None and is_listed(case=case, employee_id=employee_id)
    verdict = can_answer_survey(actor, case, already_answered=answered, listed=listed)
    if not verdict:
        if is_participant(actor, case, listed=listed):
            # Their own survey, but answered already or not open yet: the state refuses.
            raise ConflictError(verdict.reason, code="state")
        raise PermissionDeniedError(verdict.reason)
    for name in ("satisfaction", "usefulness"):
        if getattr(answers, name) not in (1, 2, 3, 4, 5):
            raise DomainError(_("Välj ett svar mellan 1 och 5."), field=name)
    if answers.heard_from not in HeardFrom.values:
        raise DomainError(_("Välj hur du fick veta om medlen."), field="heard_from")
    if answers.recommend not in Recommend.values:
        raise DomainError(_("Välj ett svar."), field="recommend")
    free_text = bounded_text(answers.free_text, field="free_text", max_length=FREE_TEXT_MAX)
    assert employee_id is not None  # can_answer_survey: only the participant, an employee
    today = timezone.localdate()
    invitation, _created = SurveyInvitation.objects.get_or_create(
        case=case,
        employee_id=employee_id,
        defaults={"organisation_id": case.organisation_id},
    )
    invitation.answered_on = today
    invitation.save(update_fields=["answered_on"])
    SurveyResponse.objects.create(
        organisation_id=case.organisation_id,
        year=today.year,
        period_id=case.period_id,
        purpose=case.purpose,
        measure_type_id=_primary_measure_type_id(case),
        satisfaction=answers.satisfaction,
        usefulness=answers.usefulness,
        heard_from=answers.heard_from,
        recommend=answers.recommend,
        free_text=free_text,
    )
    # The trail says that the participant answered, never what.
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="survey.answer",
        target=invitation,
        case=case,
    )


@dataclass(frozen=True)
class ParticipantsSaved:
    added: int
    removed: int
    total: int


@transaction.atomic(durable=True)
def survey_participants_save(
    *, actor: Actor, case: Case, employee_ids: list[int]
) -> ParticipantsSaved:
    """The coordinator's list of who took part in a group measure or development project,
    picked from the organisation's staff register. Each listed participant is asked in the
    survey like a named applicant. The list replaces the previous one; a participant who has
    already been sent or has answered the survey stays on it (their answer is counted)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    verdict = can_list_participants(actor, case, group=is_group_case(case))
    if not verdict:
        if actor.is_coordinator and case.organisation_id == actor.organisation.pk:
            raise ConflictError(verdict.reason, field="employee_ids", code="state")
        raise PermissionDeniedError(verdict.reason)
    wanted = set(employee_ids)
    if len(wanted) > MAX_PARTICIPANTS:
        raise DomainError(
            _("Högst %(n)d deltagare per insats.") % {"n": MAX_PARTICIPANTS}, field="employee_ids"
        )
    found = set(
        Employee.objects.filter(
            organisation_id=case.organisation_id, active=True, pk__in=wanted
        ).values_list("pk", flat=True)
    )
    if wanted - found:
        raise DomainError(
            _("Välj deltagare bland organisationens anställda i personalregistret."),
            field="employee_ids",
        )
    wanted.discard(case.applicant_id or 0)  # the named applicant is asked anyway
    current = {
        inv.employee_id: inv
        for inv in SurveyInvitation.objects.select_for_update()
        .filter(case=case)
        .exclude(employee_id=case.applicant_id or 0)
    }
    dropped = [inv for emp, inv in current.items() if emp not in wanted]
    if any(inv.reminded_at or inv.answered_on for inv in dropped):
        raise ConflictError(
            _("En deltagare som redan fått enkäten kan inte tas bort från listan."),
            field="employee_ids",
        )
    added = sorted(wanted - set(current))
    SurveyInvitation.objects.filter(pk__in=[inv.pk for inv in dropped]).delete()
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(organisation_id=case.organisation_id, case=case, employee_id=e)
        for e in added
    )
    audit(
        organisation_id=case.organisation_id,
        actor=actor.user,
        action="survey.participants",
        target=case,
        case=case,
        before={"participants": len(current)},
        after={
            "participants": len(wanted),
            "added": added,
            "removed": sorted(inv.employee_id for inv in dropped),
        },
    )
    return ParticipantsSaved(added=len(added), removed=len(dropped), total=len(wanted))


def _queue_survey_reminder(
    *, case: Case, first_name: str, user: User, to: str
) -> None:  # step: in the reminder's transaction; sent after the commit
    language = user_language(user)
    with translation.override(language):
        subject = _("Hur gick det? En kort enkät om din insats")
    mail = compose(
        template="survey_reminder",
        context={
            "name": first_name,
            "title": case.title,
            "link": absolute_url(reverse("followup:survey_answer", args=[case.pk])),
        },
        language=language,
        subject=f"LOM · {case.number}: {subject}" if case.number else f"LOM: {subject}",
    )
    composed_queue(
        mail, to_address=to, organisation_id=case.organisation_id, user_id=user.pk, kind="survey"
    )


def _due(completed_at: datetime | None, conf: FollowUpSettings, today: date) -> bool:
    if completed_at is None:
        return False
    return timezone.localdate(completed_at) + timedelta(days=conf.survey_reminder_days) <= today


def _remind(*, case: Case, emp: Employee) -> bool:  # batch: one reminder per transaction
    """Remind one participant of one completed measure, once; False when there is no address
    or account (the survey is answered signed in) or they were reminded or answered already."""
    user: User | None = emp.user
    address = emp.email or (user.email if user else "")
    if not address or user is None:
        return False
    with transaction.atomic(durable=True):
        invitation, _created = SurveyInvitation.objects.get_or_create(
            case=case,
            employee=emp,
            defaults={"organisation_id": case.organisation_id},
        )
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.reminded_at or invitation.answered_on:
            return False
        invitation.reminded_at = timezone.now()
        invitation.save(update_fields=["reminded_at"])
        _queue_survey_reminder(case=case, first_name=emp.first_name, user=user, to=address)
    return True


def survey_send_reminders(
    *, today: date, organisation: Organisation | None = None
) -> int:  # batch: one reminder per transaction
    """E-mail each participant once whose measure was completed at least the agreed number
    of days ago and who has not answered the survey: the named applicant of the measure, and
    everyone the coordinator listed on a group measure or development project. Returns how
    many were reminded. Run daily (`manage.py send_survey_reminders`, or the task of the same
    name)."""
    conf_cache: dict[int, FollowUpSettings] = {}

    def conf_of(case: Case) -> FollowUpSettings:
        conf = conf_cache.get(case.organisation_id)
        if conf is None:
            conf = conf_cache[case.organisation_id] = followup_settings(
                organisation=case.organisation
            )
        return conf

    sent = 0
    # The named applicants.
    cases = Case.objects.filter(status=Status.COMPLETED, applicant__isnull=False)
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    done = SurveyInvitation.objects.filter(
        case=OuterRef("pk"), employee_id=OuterRef("applicant_id")
    ).exclude(reminded_at__isnull=True, answered_on__isnull=True)
    cases = (
        cases.annotate(completed_at=completed_at_subquery())
        .exclude(Exists(done))
        .select_related("applicant__user", "organisation")
    )
    for case in cases.iterator(chunk_size=500):
        if case.applicant is not None and _due(case.completed_at, conf_of(case), today):
            sent += _remind(case=case, emp=case.applicant)
    # The participants listed on group measures and development projects.
    listed = SurveyInvitation.objects.filter(
        case__status=Status.COMPLETED, reminded_at__isnull=True, answered_on__isnull=True
    ).exclude(employee_id=F("case__applicant_id"))
    if organisation is not None:
        listed = listed.filter(organisation=organisation)
    listed = listed.annotate(
        completed_at=Subquery(
            AuditEvent.objects.filter(case=OuterRef("case_id"), action="case.complete")
            .order_by("-at")
            .values("at")[:1]
        )
    ).select_related("case__organisation", "employee__user")
    for inv in listed.order_by("case_id", "id").iterator(chunk_size=500):
        if _due(inv.completed_at, conf_of(inv.case), today):
            sent += _remind(case=inv.case, emp=inv.employee)
    return sent
