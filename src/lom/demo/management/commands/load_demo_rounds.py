"""A call for development projects at the size a state agency really sees, on Statens
tillsynsverk (run after load_demo):

1. The round "Utvecklingsprojekt" with five criteria and four named assessors (the coordinator,
   the decision maker and two union parties' representatives), a budget frame of half the
   money the period has left.
2. 100 applications from the agency's managers, taken into review with the round's bulk action.
3. Every assessor scores every application in the matrix, a row at a time; the scores are then
   revealed side by side, and the one joint decision approves what fits the frame by the
   ranking and rejects the rest.
4. Three report dates (one passed); most projects have reported at the first (some spent more
   than granted, some are done), the rest are late.

Idempotent: when the agency already has a round, nothing is loaded."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from lom.accounts.models import User
from lom.agreements.models import MeasureType
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, CostLine, Purpose
from lom.decisions import services as dec
from lom.decisions.models import ApplicationRound, ProjectReport
from lom.decisions.selectors import round_matrix
from lom.demo.management.commands.load_demo import ORGS
from lom.funds.selectors import fund_balance, fund_period_current
from lom.organisations.access import Actor, actor_for
from lom.organisations.models import Membership, Organisation, Role
from lom.planning.selectors import plan_current

SPEC = next(spec for spec in ORGS if spec["slug"] == "tillsynsverket")
APPLICATIONS = 100
CRITERIA = [
    "Koppling till kommande förändring i verksamheten",
    "Nytta för medarbetarnas framtida anställningsbarhet",
    "Antal medarbetare som projektet når",
    "Genomförbarhet och tidsplan",
    "Rimlig kostnad",
]
# What the projects are about, and where: the titles are made of one of each.
THEMES = [
    "Digital tillsynsmetodik",
    "Automatiserad ärendesortering",
    "Dataanalys i riskbedömningen",
    "Klarspråk i beslut och vägledning",
    "Mentorprogram för nya inspektörer",
    "Kompetensväxling från handläggning till analys",
    "Verksamhetsutveckling med processkartläggning",
    "Förändringsledning för chefer och medarbetare",
    "Digital arbetsmiljö och nya verktyg",
    "Informationssäkerhet i vardagen",
    "Tillgänglighet i e-tjänster",
    "Karriärväxling till it-förvaltning",
    "Hållbart arbetsliv efter omorganisationen",
    "Samverkan mellan tillsynsområden",
    "E-arkiv och informationsförvaltning",
    "AI-stöd i förstahandsbedömning",
    "Statistik och uppföljning för ledningen",
    "Digitala möten och distansledarskap",
    "Kvalitetssäkring av inspektioner",
    "Språkstöd för medarbetare med annat modersmål",
]
REPORT_DATES = [(-14, "Första lägesrapport"), (60, "Halvtidsrapport"), (180, "Slutrapport")]
MILESTONES = [
    "Projektplanen är fastställd och deltagarna är utsedda. Första workshopen är genomförd.",
    "Kartläggningen är klar och två av fyra delmål är nådda enligt plan.",
    "Utbildningsinsatserna har startat; hälften av deltagarna har gått första modulen.",
    "Pilot genomförd på en enhet; erfarenheterna sammanställs inför nästa steg.",
]
OBSTACLES = [
    "",
    "Leverantören av utbildningen har skjutit upp två tillfällen.",
    "Svårt att frigöra tid för deltagarna under inspektionssäsongen.",
    "Upphandlingen tog längre tid än planerat.",
]


class Command(BaseCommand):
    help = "Load a round of 100 development-project applications, scored, decided and reported."

    def handle(self, *args, **options):
        # Demo notifications stay in-app, as in load_demo.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._handle()

    def _handle(self):
        org = Organisation.objects.filter(slug=SPEC["slug"]).first()
        if org is None:
            self.stdout.write(f"{SPEC['name']}: not loaded; run load_demo first.")
            return
        if ApplicationRound.objects.filter(organisation=org).exists():
            self.stdout.write(f"{SPEC['name']}: a round is already loaded, left as it is.")
            return
        today = timezone.localdate()
        period = fund_period_current(organisation=org, on=today)
        if period is None:
            self.stdout.write(f"{SPEC['name']}: no fund period today; nothing to load.")
            return
        rng = random.Random("rounds")
        p = SPEC["prefix"]
        coordinator = self._actor(org, f"{p}samordnare")
        reps = list(
            Membership.objects.filter(organisation=org, role=Role.UNION_REP)
            .select_related("user")
            .order_by("id")[:2]
        )
        assessors = [
            coordinator,
            self._actor(org, f"{p}beslutsfattare"),
            *[actor_for(user=m.user, organisation_id=org.pk) for m in reps],
        ]
        frame = fund_balance(period=period).remaining // 2 // 100_000_00 * 100_000_00
        rnd = dec.round_create(
            actor=coordinator,
            title=f"Utvecklingsprojekt {today.year}",
            call_text=(
                "Myndigheten utlyser omställningsmedel för utvecklingsprojekt som stärker "
                "medarbetarnas kompetens inför de förändringar som verksamhetsplanen pekar ut: "
                "digital tillsyn, nya analysmetoder och ändrade arbetssätt. Projekten ska nå "
                "flera medarbetare, ha en tydlig tidsplan och en rimlig kostnad. Parterna "
                "bedömer ansökningarna gemensamt och fattar ett beslut om hela omgången."
            ),
            opens_on=today - timedelta(days=120),
            closes_on=today,
            budget_ore=frame,
            period=period,
            criteria=[(name, 5) for name in CRITERIA],
            assessor_ids=[a.user.pk for a in assessors],
        )
        cases = self._applications(org, rnd, rng, frame)
        dec.round_start_review(actor=coordinator, rnd=rnd)
        self._scores(rnd, cases, assessors, rng)
        matrix = round_matrix(actor=coordinator, rnd=rnd)
        dec.round_decide(
            actor=coordinator,
            rnd=rnd,
            decisions=[
                dec.RoundDecision(
                    row.case.pk,
                    row.within_frame,
                    None,
                    "Projektet ryms i ramen enligt parternas gemensamma rangordning."
                    if row.within_frame
                    else "Projektet ryms inte i omgångens budgetram efter rangordningen.",
                )
                for row in matrix.rows
            ],
        )
        dates = dec.report_dates_set(
            actor=coordinator,
            rnd=rnd,
            dates=[(today + timedelta(days=d), label) for d, label in REPORT_DATES],
        )
        reported = self._reports(rnd, dates[0], rng)
        self.stdout.write(
            self.style.SUCCESS(
                f"{SPEC['name']}: a round of {len(cases)} applications, scored by "
                f"{len(assessors)} assessors, decided, with {reported} project reports."
            )
        )

    def _actor(self, org: Organisation, username: str) -> Actor:
        actor = actor_for(user=User.objects.get(username=username), organisation_id=org.pk)
        assert actor is not None
        return actor

    def _applications(self, org, rnd, rng, frame):
        """100 development projects from the agency's managers, joined and submitted; together
        they ask for a little more than the frame, so the ranking decides."""
        managers = [
            (actor_for(user=m.user, organisation_id=org.pk), m.unit.name if m.unit else "")
            for m in Membership.objects.filter(organisation=org, role=Role.MANAGER)
            .select_related("user", "unit")
            .order_by("id")
        ]
        project = MeasureType.objects.get(code="development_project")
        # The need in the agency's transition plan each project answers (load_demo_planning).
        plan = plan_current(organisation=org, on=timezone.localdate())
        needs = list(plan.needs.order_by("id")) if plan else []
        weights = [rng.uniform(0.5, 1.5) for _ in range(APPLICATIONS)]
        scale = frame * 1.15 / sum(weights)
        start = timezone.localdate() + timedelta(days=30)
        cases = []
        titles: set[str] = set()
        for i in range(APPLICATIONS):
            actor, unit = managers[(i // len(THEMES) + i) % len(managers)]
            theme = THEMES[i % len(THEMES)]
            title = f"{theme}, {unit}" if unit else theme
            if title in titles:
                title = f"{title} ({i // len(THEMES) + 1})"
            titles.add(title)
            amount = max(10_000_00, int(weights[i] * scale) // 1_000_00 * 1_000_00)
            case = case_services.case_create(
                actor=actor,
                data=case_services.CaseInput(
                    title=title,
                    kind=ApplicationKind.DEVELOPMENT_PROJECT,
                    measure_type_ids=[project.pk],
                    purpose=Purpose.DEVELOP,
                    business_need=(
                        "Verksamhetsplanen förutser nya arbetssätt inom tillsynen de kommande "
                        "åren; medarbetarna behöver ny kompetens för att ha kvar sina roller."
                    ),
                    description=(
                        f"{theme}: ett projekt på sex till tolv månader med workshoppar, "
                        "utbildning och en pilot på enheten, följt av spridning till fler."
                    ),
                    start_date=start,
                    end_date=start + timedelta(days=rng.choice([180, 270, 365])),
                    participant_count=rng.randint(6, 40),
                    need_id=needs[i % len(needs)].pk if needs else None,
                ),
            )
            case_services.case_set_cost_lines(
                actor=actor,
                case=case,
                lines=[
                    case_services.CostLineInput(
                        kind=CostLine.Kind.OTHER, amount_ore=amount, description="Projektkostnad"
                    )
                ],
            )
            dec.round_join(actor=actor, rnd=rnd, case=case)
            case.refresh_from_db()
            cases.append(case_services.case_transition(actor=actor, case=case, name="submit"))
        return cases

    def _scores(self, rnd, cases, assessors, rng):
        """Each assessor scores every application, a row at a time; the assessors mostly agree
        (a common quality per application), with some spread."""
        criteria = list(rnd.criteria.all())
        quality = {c.pk: rng.uniform(1.0, 4.5) for c in cases}
        for assessor in assessors:
            lean = rng.uniform(-0.6, 0.6)
            for case in cases:
                dec.scores_save_row(
                    actor=assessor,
                    rnd=rnd,
                    case=case,
                    scores={
                        cr.pk: max(0, min(5, round(quality[case.pk] + lean + rng.gauss(0, 0.8))))
                        for cr in criteria
                    },
                )

    def _reports(self, rnd, first, rng) -> int:
        """Most projects report at the first date; a few have spent more than granted, a few
        are already done, the rest are late."""
        reported = 0
        for case in rnd.cases.filter(status="approved").select_related("created_by"):
            if rng.random() < 0.15:
                continue  # late
            owner = actor_for(user=case.created_by, organisation_id=case.organisation_id)
            granted = case.approved_ore or case.requested_ore
            roll = rng.random()
            status = (
                ProjectReport.Status.DONE
                if roll < 0.05
                else ProjectReport.Status.DELAYED
                if roll < 0.25
                else ProjectReport.Status.ON_TRACK
            )
            spent = int(granted * (1.1 if roll > 0.93 else rng.uniform(0.15, 0.6)))
            dec.project_report_submit(
                actor=owner,
                case=case,
                due=first,
                status=status,
                milestones=rng.choice(MILESTONES),
                spent_ore=spent // 100 * 100,
                obstacles=rng.choice(OBSTACLES),
            )
            reported += 1
        return reported
