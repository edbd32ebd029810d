"""A year of follow-up for the demo organisations (run after load_demo).

For each demo organisation: finished measures spread over the past year (created through the
services; their dates are then moved back, so the dashboard's charts show a year), a follow-up
at the end of every completed case, and the participants' survey answers. Idempotent: an
organisation that already has follow-up settings is left as it is."""

import random
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.test import override_settings
from django.utils import timezone

from lom.accounts.models import User
from lom.agreements.models import DecisionModel, MeasureType
from lom.agreements.selectors import agreement_current
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, CostLine, Decision, Purpose, Status
from lom.common.errors import DomainError
from lom.common.models import AuditEvent
from lom.demo.users import demo_user
from lom.followup.models import (
    FollowUp,
    FollowUpSettings,
    HeardFrom,
    NeedMet,
    Outcome,
    Recommend,
    SurveyInvitation,
)
from lom.followup.selectors import case_completed_on, is_group_case
from lom.followup.services import (
    FollowUpInput,
    SurveyAnswers,
    followup_record,
    survey_answer,
)
from lom.funds.models import EntryKind, FundPeriod, LedgerEntry
from lom.funds.selectors import fund_period_current
from lom.organisations.access import actor_for
from lom.organisations.models import Employee, Organisation, Role
from lom.organisations.selectors import managers_for_unit
from lom.organisations.services import membership_grant

DEMO_ORGS = [("tillsynsverket", ""), ("region-norrsund", "region-")]
HISTORY_CASES = 30

MEASURES = [
    ("Vidareutbildning i dataanalys", "competence_development", Purpose.PREVENT),
    ("Karriärcoachning inför ny roll", "coaching", Purpose.MOVE),
    ("Växeltjänstgöring på en annan enhet", "job_rotation", Purpose.PREVENT),
    ("Kurs i förändringsledning", "competence_development", Purpose.DEVELOP),
    ("Karriär- och livsplanering för seniorer", "career_life_planning", Purpose.PREVENT),
    ("Högskolekurs i informationssäkerhet", "education", Purpose.PREVENT),
    ("Stöd vid karriärväxling till nytt yrke", "career_change", Purpose.MOVE),
]
OUTCOMES = [
    (Outcome.SAME_ROLE, 50),
    (Outcome.NEW_INTERNAL_ROLE, 20),
    (Outcome.NEW_EMPLOYER, 10),
    (Outcome.STUDIES, 8),
    (Outcome.RETIREMENT, 7),
    (Outcome.OTHER, 5),
]
NEED = [(NeedMet.YES, 60), (NeedMet.PARTLY, 25), (NeedMet.NO, 5), (NeedMet.TOO_EARLY, 10)]
FREE_TEXTS = [
    "Kursen gav mig verktyg jag använder varje dag. Bra att chefen var med från början.",
    "Jag hade inte sökt om inte facket tipsat mig. Fler borde få veta att medlen finns.",
    "Coachningen hjälpte mig att våga byta inriktning.",
    "Bra innehåll men för kort tid. Jag hade behövt fler tillfällen.",
    "Ansökan var enkel, men det tog lång tid innan beslutet kom.",
    "Växeltjänstgöringen gav mig en helt ny bild av verksamheten.",
    "Jag önskar att vi kunde gå flera från samma enhet, det hade gett mer.",
    "",
    "",
    "",
]


def _weighted(rnd: random.Random, items: list[tuple]) -> str:
    return rnd.choices([v for v, _w in items], weights=[w for _v, w in items])[0]


def _at(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, 0)))


class Command(BaseCommand):
    help = "Add a year of follow-ups and survey answers to the demo organisations (idempotent)."

    def handle(self, *args, **options):
        # Survey invitations stay in-app in the demo; printing each e-mail drowns the output.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._handle()

    def _handle(self):
        for slug, prefix in DEMO_ORGS:
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                self.stdout.write(f"{slug}: not loaded (run load_demo first).")
                continue
            if FollowUpSettings.objects.filter(organisation=org).exists():
                self.stdout.write(f"{org.name}: follow-up already loaded, left as it is.")
                continue
            # No outer transaction: each service call is its own (durable) transaction. The
            # settings row written last marks the organisation as loaded.
            history, followups, answers = self._load(org, prefix, random.Random(slug))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{org.name}: {history} finished measures over the year, "
                    f"{followups} follow-ups, {answers} survey answers."
                )
            )

    # -- helpers ---------------------------------------------------------------------------

    def _user_for(self, org: Organisation, emp: Employee, prefix: str) -> User:
        if emp.user_id:
            return emp.user
        user = demo_user(
            f"{prefix}anstalld{emp.pk}", emp.first_name, emp.last_name, email=emp.email or ""
        )
        emp.user = user
        emp.save(update_fields=["user"])
        membership_grant(actor=None, organisation=org, user=user, role=Role.EMPLOYEE)
        return user

    def _book_allocations_at_period_start(self, org: Organisation) -> None:
        """load_demo books each allocation and carry-over the moment it runs; a real fund
        books them when the period begins. Move them there, so the year reads right."""
        for p in FundPeriod.objects.filter(organisation=org):
            start = _at(p.start, 0)
            LedgerEntry.objects.filter(period=p, kind=EntryKind.ALLOCATION).update(created_at=start)
            if p.previous_id:
                LedgerEntry.objects.filter(period=p, kind=EntryKind.CARRY_OVER).update(
                    created_at=start
                )
                LedgerEntry.objects.filter(
                    period_id=p.previous_id, kind=EntryKind.CARRY_OVER, amount_ore__lt=0
                ).update(created_at=start)

    def _load(self, org: Organisation, prefix: str, rnd: random.Random) -> tuple[int, int, int]:
        coordinator = actor_for(
            user=User.objects.get(username=f"{prefix}samordnare"), organisation_id=org.pk
        )
        self._book_allocations_at_period_start(org)
        history = self._history(org, prefix, rnd, coordinator)
        followups = answers = 0
        today = timezone.localdate()
        completed = (
            Case.objects.filter(organisation=org, status=Status.COMPLETED)
            .select_related("applicant__user")
            .order_by("id")
        )
        for case in completed:
            done_on = case_completed_on(case=case) or today
            if not FollowUp.objects.filter(case=case, kind=FollowUp.Kind.END).exists():
                group = is_group_case(case)
                counts = None
                if group:
                    counts = {}
                    for _i in range(case.participant_count):
                        o = _weighted(rnd, OUTCOMES)
                        counts[o] = counts.get(o, 0) + 1
                f = followup_record(
                    actor=coordinator,
                    case=case,
                    data=FollowUpInput(
                        kind=FollowUp.Kind.END,
                        need_met=_weighted(rnd, NEED),
                        outcome="" if group else _weighted(rnd, OUTCOMES),
                        outcome_counts=counts,
                        comment="Uppföljningssamtal med medarbetare och chef.",
                    ),
                )
                recorded = min(done_on + timedelta(days=rnd.randint(7, 30)), today)
                FollowUp.objects.filter(pk=f.pk).update(recorded_at=_at(recorded, 14))
                followups += 1
            emp = case.applicant
            if emp is None or emp.user_id is None or rnd.random() > 0.85:
                continue
            if SurveyInvitation.objects.filter(case=case, employee=emp).exists():
                continue
            participant = actor_for(user=emp.user, organisation_id=org.pk)
            if participant is None:
                continue
            satisfaction = rnd.choice([3, 4, 4, 4, 5, 5, 5, 2])
            survey_answer(
                actor=participant,
                case=case,
                answers=SurveyAnswers(
                    satisfaction=satisfaction,
                    usefulness=max(1, min(5, satisfaction + rnd.choice([-1, 0, 0, 1]))),
                    heard_from=rnd.choice(
                        [HeardFrom.MANAGER] * 4
                        + [HeardFrom.HR] * 2
                        + [HeardFrom.UNION, HeardFrom.COLLEAGUE, HeardFrom.INTRANET]
                    ),
                    recommend=Recommend.YES if satisfaction >= 4 else rnd.choice(list(Recommend)),
                    free_text=rnd.choice(FREE_TEXTS),
                ),
            )
            SurveyInvitation.objects.filter(case=case, employee=emp).update(
                answered_on=min(done_on + timedelta(days=rnd.randint(3, 25)), today)
            )
            answers += 1
        FollowUpSettings.objects.create(organisation=org, later_months=12, survey_reminder_days=14)
        return history, followups, answers

    def _history(self, org, prefix, rnd, coordinator) -> int:
        """Finished measures with dates over the past year, inside the current fund period."""
        today = timezone.localdate()
        period = fund_period_current(organisation=org, on=today)
        if period is None:
            return 0
        first = max(period.start, today - timedelta(days=340))
        last = today - timedelta(days=45)
        if last <= first:
            return 0
        agreement = agreement_current(organisation=org, on=today)
        if agreement is None or agreement.decision_model != DecisionModel.HR_DECIDES:
            # The parties decide jointly in a meeting: no case can be approved outside one.
            self.stdout.write(f"{org.name}: no history of finished measures (joint decisions)")
            return 0
        span = (last - first).days
        taken = set(Case.objects.filter(organisation=org).values_list("applicant_id", flat=True))
        people = list(
            Employee.objects.filter(organisation=org, active=True)
            .exclude(pk__in=[p for p in taken if p])
            .select_related("unit", "user")
            .order_by("id")
        )
        rnd.shuffle(people)
        types = {m.code: m for m in MeasureType.objects.all()}
        made = 0
        chosen: list[Employee] = []
        for p in people:
            if len(chosen) == HISTORY_CASES:
                break
            # Checked before anything is written: a case needing an endorsement no one can
            # give would stay behind half made.
            if not agreement.requires_manager_endorsement or managers_for_unit(
                organisation=org, unit=p.unit
            ):
                chosen.append(p)
        for i, emp in enumerate(chosen):
            submitted = first + timedelta(days=span * i // HISTORY_CASES)
            decided = submitted + timedelta(days=rnd.randint(5, 20))
            done = min(decided + timedelta(days=rnd.randint(30, 120)), today - timedelta(days=20))
            title, code, purpose = rnd.choice(MEASURES)
            mt = types.get(code) or next(iter(types.values()))
            try:
                self._finished_case(
                    org,
                    prefix,
                    rnd,
                    coordinator,
                    emp,
                    period,
                    (title, mt, purpose),
                    dates=(submitted, decided, done),
                )
            except DomainError as exc:
                # A refusal by the rules (checked before anything is written where it can be)
                self.stdout.write(f"{org.name}: no history of finished measures ({exc.message})")
                return made
            made += 1
        return made

    def _finished_case(self, org, prefix, rnd, coordinator, emp, period, measure, *, dates):
        """One measure (title, measure type, purpose) submitted, decided and done on `dates`."""
        title, mt, purpose = measure
        submitted, decided, done = dates
        user = self._user_for(org, emp, prefix)
        actor = actor_for(user=user, organisation_id=org.pk)
        case = case_services.case_create(
            actor=actor,
            data=case_services.CaseInput(
                title=title,
                kind=ApplicationKind.INDIVIDUAL,
                measure_type_ids=[mt.pk],
                purpose=purpose,
                business_need="Verksamheten förändras och kompetensen behöver breddas.",
                description=f"{title}.",
                start_date=decided + timedelta(days=7),
                end_date=done,
            ),
        )
        fee = rnd.randrange(8_000, 40_000, 500) * 100
        case_services.case_set_cost_lines(
            actor=actor,
            case=case,
            lines=[case_services.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=fee)],
        )
        case = case_services.case_transition(actor=actor, case=case, name="submit")
        if case.status == Status.AWAITING_ENDORSEMENT:
            managers = managers_for_unit(organisation=org, unit=emp.unit)
            mgr = actor_for(user=managers[0].user, organisation_id=org.pk)
            case = case_services.case_transition(actor=mgr, case=case, name="endorse")
        case = case_services.case_transition(actor=coordinator, case=case, name="start_review")
        case = case_services.case_transition(
            actor=coordinator,
            case=case,
            name="approve",
            period=period,
            reason="Insatsen svarar mot verksamhetens behov.",
        )
        case = case_services.case_transition(actor=coordinator, case=case, name="start")
        actual = fee * rnd.randint(70, 105) // 100
        case_services.case_record_expense(
            actor=coordinator,
            case=case,
            amount_ore=min(actual, case.approved_ore or fee),
            memo=f"Faktura {rnd.randint(10000, 99999)}",
        )
        case_services.case_transition(actor=coordinator, case=case, name="complete")
        # Move the dates back: the services book everything "now".
        t_sub, t_dec, t_done = _at(submitted), _at(decided), _at(done)
        Case.objects.filter(pk=case.pk).update(
            created_at=t_sub, submitted_at=t_sub, decided_at=t_dec, updated_at=t_done
        )
        Decision.objects.filter(case=case).update(decided_at=t_dec)
        entries = LedgerEntry.objects.filter(case=case)
        entries.filter(kind=EntryKind.COMMITMENT).update(created_at=t_dec)
        entries.filter(kind=EntryKind.EXPENSE).update(created_at=_at(done - timedelta(days=3)))
        entries.filter(kind=EntryKind.RELEASE).update(created_at=t_done)
        events = AuditEvent.objects.filter(case=case)
        events.update(at=t_sub)
        events.filter(action__in=["case.start_review", "case.approve", "ledger.commitment"]).update(
            at=t_dec
        )
        events.filter(action__in=["case.start"]).update(at=t_dec + timedelta(days=7))
        events.filter(action__in=["ledger.expense"]).update(at=_at(done - timedelta(days=3)))
        events.filter(action__in=["case.complete", "ledger.release"]).update(at=t_done)
