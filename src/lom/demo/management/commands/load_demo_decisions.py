"""What the decision rules can do, shown on Region Norrsund (run after load_demo).

1. The region's agreement gets a version 2: the parties move from joint decisions (unanimity)
   to the employer deciding after consultation. The coordinator approves it for the employer
   and every union party's representative for their party, so it is in force from today.
2. A case submitted under version 2 is decided at a joint meeting that started an hour ago:
   the employer and the first union agree, another union disagrees and enters a reservation,
   and the employer's approval stands. The chair and every union party's adjuster adjust the
   minutes, which seals them.

Idempotent: when the region's agreement already has two versions or more, nothing is loaded."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from lom.accounts.models import User
from lom.agreements.models import DecisionModel, LocalAgreement, MeasureType
from lom.agreements.selectors import agreement_current
from lom.agreements.services import version_approve, version_draft_save
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, CostLine, Purpose, Status
from lom.decisions import services as dec
from lom.decisions.minutes import adjusters_of
from lom.demo.management.commands.load_demo import ORGS
from lom.organisations.access import Actor, actor_for
from lom.organisations.models import Employee, Membership, Organisation, Role, Union
from lom.organisations.selectors import managers_for_unit
from lom.planning.selectors import plan_current

SPEC = next(spec for spec in ORGS if spec["slug"] == "region-norrsund")
CHANGE_NOTE = (
    "Parterna har kommit överens om att arbetsgivaren beslutar efter samråd med de fackliga "
    "parterna i stället för att alla parter måste vara eniga. Ett fackförbund som inte delar "
    "arbetsgivarens bedömning kan reservera sig eller lämna en protokollsanteckning."
)
RESERVATION = (
    "Vi reserverar oss mot beslutet. Medlen borde i första hand gå till medarbetare vars "
    "arbetsuppgifter försvinner när akutmottagningen omorganiseras, och den prioriteringen "
    "har inte stämts av med oss."
)


class Command(BaseCommand):
    help = "Load Region Norrsund's agreement version 2 (consultation) and a decision under it."

    def handle(self, *args, **options):
        # Demo notifications stay in-app, as in load_demo.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._handle()

    def _handle(self):
        org = Organisation.objects.filter(slug=SPEC["slug"]).first()
        if org is None:
            self.stdout.write(f"{SPEC['name']}: not loaded; run load_demo first.")
            return
        agreement = agreement_current(organisation=org, on=timezone.localdate())
        if agreement is None:
            self.stdout.write(f"{SPEC['name']}: no agreement in force; nothing to load.")
            return
        if agreement.versions.count() >= 2:
            self.stdout.write(f"{SPEC['name']}: decision rules already loaded, left as they are.")
            return
        # No outer transaction: every service commits its own (durable) transaction.
        prefix = SPEC["prefix"]
        coordinator = actor_for(
            user=User.objects.get(username=f"{prefix}samordnare"), organisation_id=org.pk
        )
        unions = list(agreement.unions.order_by("id"))
        reps = {union.pk: self._rep(org, union) for union in unions}
        self._second_version(agreement, coordinator, unions, reps)
        self._decision(org, prefix, coordinator, unions, reps)
        self.stdout.write(
            self.style.SUCCESS(
                f"{SPEC['name']}: agreement version 2 (consultation) and a decision with a "
                "reservation loaded."
            )
        )

    def _rep(self, org: Organisation, union: Union) -> Actor:
        """The union's representative in the organisation (load_demo makes one per union)."""
        membership = (
            Membership.objects.filter(organisation=org, role=Role.UNION_REP, union=union)
            .select_related("user")
            .order_by("id")
            .first()
        )
        return actor_for(user=membership.user, organisation_id=org.pk)

    def _second_version(
        self,
        agreement: LocalAgreement,
        coordinator: Actor,
        unions: list[Union],
        reps: dict[int, Actor],
    ) -> None:
        """Version 2: the employer decides after consultation, in force from today."""
        version = version_draft_save(
            actor=coordinator,
            agreement=agreement,
            unions=unions,
            measure_types=list(agreement.measure_types.all()),
            effective_from=timezone.localdate(),
            change_note=CHANGE_NOTE,
            decision_model=DecisionModel.CONSULTATION,
        )
        version = version_approve(actor=coordinator, version=version)
        for union in unions:
            version = version_approve(actor=reps[union.pk], version=version, union=union)

    def _decision(
        self,
        org: Organisation,
        prefix: str,
        coordinator: Actor,
        unions: list[Union],
        reps: dict[int, Actor],
    ) -> None:
        """A case submitted under version 2, approved by the employer after consultation
        with one union's reservation, and minutes adjusted by every adjuster."""
        case = self._case_in_review(org, prefix, coordinator)
        meeting = dec.meeting_create(
            actor=coordinator,
            title="Samråd om omställningsmedel",
            starts_at=timezone.now() - timedelta(hours=1),
            place="Regionens hus, rum 4",
            attendee_ids=[rep.user.pk for rep in reps.values()],
        )
        item = dec.meeting_add_case(actor=coordinator, meeting=meeting, case=case)
        dec.position_record(actor=coordinator, item=item, final=True, union=None, stance="agree")
        dissenting = unions[1] if len(unions) > 1 else None
        for union in unions:
            if union == dissenting:
                dec.position_record(
                    actor=reps[union.pk],
                    item=item,
                    final=True,
                    union=union,
                    stance="disagree",
                    reason=RESERVATION,
                    note_kind="reservation",
                )
            else:
                dec.position_record(
                    actor=reps[union.pk], item=item, final=True, union=union, stance="agree"
                )
        dec.item_decide(
            actor=coordinator,
            item=item,
            outcome="approved",
            reason="Arbetsgivaren beviljar efter samråd: utbildningen möter akutmottagningens "
            "behov av specialistkompetens efter omorganisationen.",
            amount_ore=case.requested_ore,
        )
        # The chair and every union party's adjuster adjust; the last one seals the minutes.
        for user_id in adjusters_of(meeting).values():
            adjuster = actor_for(user=User.objects.get(pk=user_id), organisation_id=org.pk)
            dec.meeting_sign(actor=adjuster, meeting=meeting)

    def _case_in_review(self, org: Organisation, prefix: str, coordinator: Actor):
        """The demo employee's application, submitted (and so under version 2), endorsed by
        the manager and taken into review by the coordinator."""
        user = User.objects.get(username=f"{prefix}medarbetare")
        employee = Employee.objects.select_related("unit").get(organisation=org, user=user)
        actor = actor_for(user=user, organisation_id=org.pk)
        education = MeasureType.objects.get(code="education")
        # The region's approved transition plan (load_demo_planning): the need it answers.
        plan = plan_current(organisation=org, on=timezone.localdate())
        needs = list(plan.needs.order_by("id")) if plan else []
        need = next((n for n in needs if "bristyrk" in n.title.lower()), None)
        need = need or (needs[0] if needs else None)
        start = timezone.localdate() + timedelta(days=45)
        case = case_services.case_create(
            actor=actor,
            data=case_services.CaseInput(
                title="Vidareutbildning till specialistundersköterska inom akutsjukvård",
                kind=ApplicationKind.INDIVIDUAL,
                measure_type_ids=[education.pk],
                purpose=Purpose.PREVENT,
                business_need="Akutmottagningen omorganiseras och behöver fler undersköterskor "
                "med specialistkompetens i akutsjukvård de närmaste åren.",
                description="Yrkeshögskoleutbildning på halvfart under ett år, vid sidan av "
                "ordinarie tjänstgöring.",
                start_date=start,
                end_date=start + timedelta(days=300),
                need_id=need.pk if need else None,
            ),
        )
        case_services.case_set_cost_lines(
            actor=actor,
            case=case,
            lines=[
                case_services.CostLineInput(
                    kind=CostLine.Kind.COURSE_FEE, amount_ore=18_500_00, description="Kursavgift"
                ),
                case_services.CostLineInput(
                    kind=CostLine.Kind.TRAVEL, amount_ore=3_200_00, description="Resor och logi"
                ),
            ],
        )
        # The course plan: registered in the region's register of documents with the application.
        case_services.case_attachment_add(
            actor=actor,
            case=case,
            upload=SimpleUploadedFile(
                "kursplan.pdf", b"%PDF-1.4\n% demo\n", content_type="application/pdf"
            ),
        )
        case = case_services.case_transition(actor=actor, case=case, name="submit")
        if case.status == Status.AWAITING_ENDORSEMENT:
            manager = managers_for_unit(organisation=org, unit=employee.unit)[0].user
            case = case_services.case_transition(
                actor=actor_for(user=manager, organisation_id=org.pk), case=case, name="endorse"
            )
        return case_services.case_transition(actor=coordinator, case=case, name="start_review")
