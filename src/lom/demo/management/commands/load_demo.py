"""Load demo data: two organisations with units, employees, agreements, fund periods and cases
in every state. Idempotent: an organisation that already exists is left as it is."""

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from lom.accounts.models import User
from lom.agreements.models import ContributionRate, DecisionModel, MeasureType
from lom.agreements.reference_data import ensure_reference_data
from lom.agreements.services import agreement_save
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, CostLine, Decision, Purpose
from lom.decisions import services as dec
from lom.demo.people import demo_people, demo_units
from lom.demo.users import DEMO_PASSWORD, demo_user
from lom.funds.models import FundPeriod
from lom.funds.services import fund_period_close, fund_period_create
from lom.organisations.access import actor_for
from lom.organisations.models import Employee, Membership, Organisation, Role, Union, Unit
from lom.organisations.selectors import managers_for_unit
from lom.organisations.services import (
    employee_save,
    membership_grant,
    union_create,
    unit_create,
)

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sara",
    "Anders",
    "Eva",
    "Per",
    "Lena",
    "Mikael",
    "Emma",
    "Peter",
    "Kristina",
    "Fredrik",
    "Sofia",
    "Daniel",
    "Ingrid",
    "Ahmed",
    "Fatima",
    "Mohammed",
    "Elin",
    "Oskar",
    "Hanna",
    "Nils",
    "Linnea",
    "Jonas",
    "Amira",
    "Gustav",
    "Ida",
    "Ali",
    "Maja",
    "Viktor",
    "Sanna",
    "Yusuf",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Axelsson",
    "Hassan",
    "Ali",
    "Lundgren",
    "Holm",
    "Sandberg",
    "Ekström",
    "Nyberg",
]
OCCUPATIONS = [
    "Handläggare",
    "Utredare",
    "IT-specialist",
    "Administratör",
    "Jurist",
    "Analytiker",
    "Chef",
    "Kommunikatör",
    "Ekonom",
    "Inspektör",
]
REGION_OCCUPATIONS = [
    "Undersköterska",
    "Sjuksköterska",
    "Medicinsk sekreterare",
    "Vårdadministratör",
    "Läkare",
    "Fysioterapeut",
    "Kock",
    "Lokalvårdare",
]

ORGS = [
    {
        "slug": "tillsynsverket",
        "code": "TV",
        "name": "Statens tillsynsverk",
        "kind": "agency",
        "decision_model": DecisionModel.HR_DECIDES,
        "unions": ["Saco-S", "OFR/ST", "Seko"],
        "units": {
            "Avdelningen för tillsyn": ["Tillsyn Nord", "Tillsyn Syd", "Tillsyn Väst"],
            "Avdelningen för digitalisering": ["Utveckling", "Drift och förvaltning"],
            "Administrativa avdelningen": ["HR", "Ekonomi", "Registratur"],
        },
        "employees": 260,
        "occupations": OCCUPATIONS,
        "prefix": "",
        "payroll_kr": 1_250_000_000,
        "endorsement": False,
    },
    {
        "slug": "region-norrsund",
        "code": "RN",
        "name": "Region Norrsund",
        "kind": "region",
        "decision_model": DecisionModel.JOINT,
        "unions": ["Kommunal", "Vision", "Vårdförbundet"],
        "units": {
            "Hälso- och sjukvården": [
                "Akutmottagningen",
                "Medicinkliniken",
                "Specialistvårdens administration",
            ],
            "Regionservice": ["Kost", "Lokalvård"],
        },
        "employees": 180,
        "occupations": REGION_OCCUPATIONS,
        "prefix": "region-",
        "pot_kr": 8_200_000,
        "endorsement": True,
    },
]


class Command(BaseCommand):
    help = "Load demo organisations, users (password 'demo'), agreements, funds and cases."

    def handle(self, *args, **options):
        # Demo notifications stay in-app; printing a mail per event would drown the output.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._handle()

    def _handle(self):
        # Migrations seed the reference data; a database emptied since (a flush) gets it back.
        ensure_reference_data(MeasureType, ContributionRate)
        for spec in ORGS:
            if Organisation.objects.filter(slug=spec["slug"]).exists():
                self.stdout.write(f"{spec['name']}: already loaded, left as it is.")
                continue
            # No outer transaction: every service commits its own (durable) transaction.
            self._load(spec, random.Random(spec["slug"]))
            self.stdout.write(self.style.SUCCESS(f"{spec['name']}: loaded."))
        if not User.objects.filter(username="superadmin").exists():
            User.objects.create_superuser("superadmin", "superadmin@example.org", DEMO_PASSWORD)

    _user = staticmethod(demo_user)

    def _load(self, spec, rnd):
        org = Organisation.objects.create(name=spec["name"], slug=spec["slug"], kind=spec["kind"])
        unions = [union_create(actor=None, organisation=org, name=n) for n in spec["unions"]]
        # Unit codes and employee numbers as the HR system has them (the register import
        # matches by them; the example export files in register/static match this demo).
        units: dict[str, Unit] = {}
        for code, name, parent in demo_units(spec):
            units[code] = unit_create(
                actor=None, organisation=org, name=name, parent=units.get(parent), code=code
            )
        leaves = [u for u in units.values() if u.code.count("-") == 2]
        employees = []
        for person in demo_people(spec, rnd, first=FIRST, last=LAST):
            number, leaf, rate = person.pop("number"), person.pop("leaf"), person.pop("rate")
            employee = employee_save(
                actor=None, organisation=org, unit=leaves[leaf], active=True, **person
            )
            employee.employee_number, employee.employment_rate = number, rate
            employees.append(employee)
        Employee.objects.bulk_update(employees, ["employee_number", "employment_rate"])
        today = date.today()
        p = spec["prefix"]
        # One login per role. The employee and the manager are also employees.
        emp_user = self._user(f"{p}medarbetare", "Maja", "Medarbetare")
        mgr_user = self._user(f"{p}chef", "Carl", "Chef")
        employees[0].user = emp_user
        employees[0].save(update_fields=["user"])
        employees[1].user = mgr_user
        employees[1].unit = leaves[0]
        employees[1].save(update_fields=["user", "unit"])
        membership_grant(actor=None, organisation=org, user=emp_user, role=Role.EMPLOYEE)
        membership_grant(actor=None, organisation=org, user=mgr_user, role=Role.EMPLOYEE)
        membership_grant(
            actor=None, organisation=org, user=mgr_user, role=Role.MANAGER, unit=leaves[0]
        )
        for role, uname, first, last in [
            (Role.COORDINATOR, "samordnare", "Sofia", "Samordnare"),
            (Role.DECISION_MAKER, "beslutsfattare", "Bengt", "Beslutsfattare"),
            (Role.AUDITOR, "revisor", "Rut", "Revisor"),
            (Role.ORG_ADMIN, "admin", "Ali", "Administratör"),
        ]:
            membership_grant(
                actor=None, organisation=org, user=self._user(p + uname, first, last), role=role
            )
        membership_grant(
            actor=None,
            organisation=org,
            user=self._user(f"{p}facklig", "Frida", "Facklig"),
            role=Role.UNION_REP,
            union=unions[0],
        )
        # Every other union party has its representative too (the meetings need them present).
        for union in unions[1:]:
            membership_grant(
                actor=None,
                organisation=org,
                user=self._user(
                    f"{p}facklig-{slugify(union.name)}", "Facklig", union.name.replace("/", " ")
                ),
                role=Role.UNION_REP,
                union=union,
            )
        # A few managers for the other units so every unit has one.
        for i, leaf in enumerate(leaves[1:], start=2):
            u = self._user(f"{p}chef{i}", rnd.choice(FIRST), rnd.choice(LAST))
            membership_grant(actor=None, organisation=org, user=u, role=Role.MANAGER, unit=leaf)

        admin = User.objects.get(username=f"{p}admin")
        measure_types = list(MeasureType.objects.all())
        agreement_save(
            actor=admin,
            organisation=org,
            unions=unions,
            measure_types=[m for m in measure_types if m.code != "individual_support"],
            title=f"Lokalt avtal om omställningsmedel, {spec['name']}",
            valid_from=date(today.year - 2, 1, 1),
            valid_to=date(today.year + 1, 12, 31),
            purpose_text=(
                "Medlen ska användas proaktivt: för att medarbetare ska kunna utvecklas inför "
                "förändringar i verksamheten, byta roll eller karriär och orka ett längre "
                "arbetsliv. Ansökan ska kopplas till ett behov i verksamheten, till exempel "
                "digitalisering, nya uppdrag eller förändrade kompetenskrav."
            ),
            exclusions="Hela forskarutbildningar. Pensionsförstärkning utan koppling till ett "
            "omställningsbehov.",
            excludes_ordinary_training=True,
            allow_individual=True,
            allow_with_manager=True,
            allow_group=True,
            allow_development_project=spec["kind"] == "agency",
            requires_manager_endorsement=spec["endorsement"],
            cap_per_person_ore=60_000_00,
            cap_per_application_ore=400_000_00,
            decision_model=spec["decision_model"],
            allows_carry_over=True,
            follow_up_text="Arbetsgivaren återrapporterar användningen till de fackliga "
            "organisationerna en gång per år. Parterna ses över avtalet senast "
            "tre månader innan det löper ut.",
        )

        if "payroll_kr" in spec:
            rate_old = ContributionRate.objects.filter(percent="0.300").first()
            rate_new = ContributionRate.objects.filter(percent="0.200").first()
            prev = fund_period_create(
                actor=admin,
                organisation=org,
                name=f"LOM {today.year - 1}",
                start=date(today.year - 1, 1, 1),
                end=date(today.year - 1, 12, 31),
                method=FundPeriod.Method.PAYROLL_RATE,
                payroll_ore=int(spec["payroll_kr"] * 0.97) * 100,
                rate=rate_new if today.year - 1 >= 2024 else rate_old,
            )
            period = fund_period_create(
                actor=admin,
                organisation=org,
                name=f"LOM {today.year}",
                start=date(today.year, 1, 1),
                end=date(today.year, 12, 31),
                method=FundPeriod.Method.PAYROLL_RATE,
                payroll_ore=spec["payroll_kr"] * 100,
                rate=rate_new,
                previous=prev,
                carry_over=True,
            )
            fund_period_close(actor=admin, period=prev)  # last year closed: its carry-over
        else:
            period = fund_period_create(
                actor=admin,
                organisation=org,
                name=f"Omställningsfonden {today.year - 1}–{today.year + 1}",
                start=date(today.year - 1, 1, 1),
                end=date(today.year + 1, 12, 31),
                method=FundPeriod.Method.FIXED_POT,
                fixed_amount_ore=spec["pot_kr"] * 100,
            )
        self._cases(org, spec, rnd, employees, leaves, measure_types, period)
        coordinator = actor_for(
            user=User.objects.get(username=f"{spec['prefix']}samordnare"), organisation_id=org.pk
        )
        self._after_cases(spec, org, coordinator)

    def _cases(self, org, spec, rnd, employees, leaves, measure_types, period):
        coordinator = actor_for(
            user=User.objects.get(username=f"{spec['prefix']}samordnare"), organisation_id=org.pk
        )
        allowed = [m for m in measure_types if m.code != "individual_support"]
        titles = [
            ("Vidareutbildning i dataanalys", "competence_development", Purpose.PREVENT),
            ("Karriärcoachning inför ny roll", "coaching", Purpose.MOVE),
            ("Växeltjänstgöring på digitaliseringsavdelningen", "job_rotation", Purpose.PREVENT),
            ("Kurs i förändringsledning", "competence_development", Purpose.DEVELOP),
            ("Karriär- och livsplanering för seniorer", "career_life_planning", Purpose.PREVENT),
            ("Högskolekurs i informationssäkerhet", "education", Purpose.PREVENT),
            ("Stöd vid karriärväxling till nytt yrke", "career_change", Purpose.MOVE),
            ("Utbildning i sjukdomsklassifikation", "competence_development", Purpose.PREVENT),
        ]
        # (final state, how many)
        plan = [
            ("draft", 3),
            ("submitted", 5),
            ("in_review", 4),
            ("returned", 2),
            ("approved", 5),
            ("rejected", 2),
            ("reconsideration", 1),
            ("reconsidered", 1),
            ("in_progress", 6),
            ("completed", 6),
            ("withdrawn", 2),
        ]
        if spec["endorsement"]:
            plan.append(("awaiting_endorsement", 3))
        else:
            plan.append(("awaiting_applicant", 2))
        n = 2
        for state, count in plan:
            for _i in range(count):
                emp = employees[n]
                n += 1
                user = self._user(
                    f"{spec['prefix']}anstalld{emp.pk}", emp.first_name, emp.last_name
                )
                emp.user = user
                emp.save(update_fields=["user"])
                membership_grant(actor=None, organisation=org, user=user, role=Role.EMPLOYEE)
                actor = actor_for(user=user, organisation_id=org.pk)
                title, code, purpose = rnd.choice(titles)
                mt = next((m for m in allowed if m.code == code), allowed[0])
                start = date.today() + timedelta(days=rnd.randint(-200, 120))
                case = case_services.case_create(
                    actor=actor,
                    data=case_services.CaseInput(
                        title=title,
                        kind=ApplicationKind.INDIVIDUAL,
                        measure_type_ids=[mt.pk],
                        purpose=purpose,
                        business_need="Verksamheten digitaliseras och arbetsuppgifterna förändras; "
                        "kompetensen behöver breddas inför de närmaste åren.",
                        description=f"{title}. Genomförs av extern anordnare på deltid.",
                        start_date=start,
                        end_date=start + timedelta(days=rnd.randint(30, 240)),
                    ),
                )
                fee = rnd.randrange(8_000, 45_000, 500) * 100
                lines = [
                    case_services.CostLineInput(
                        kind=CostLine.Kind.COURSE_FEE, amount_ore=fee, description="Kursavgift"
                    )
                ]
                if rnd.random() < 0.5:
                    lines.append(
                        case_services.CostLineInput(
                            kind=CostLine.Kind.TRAVEL,
                            amount_ore=rnd.randrange(1_000, 6_000, 100) * 100,
                            description="Resor och logi",
                        )
                    )
                case_services.case_set_cost_lines(actor=actor, case=case, lines=lines)
                if state == "draft":
                    continue
                if state == "withdrawn" and _i == 0:
                    case_services.case_transition(actor=actor, case=case, name="withdraw")
                    continue
                case = case_services.case_transition(actor=actor, case=case, name="submit")
                if state == "awaiting_endorsement":
                    continue
                if case.status == "awaiting_endorsement":
                    mgr = actor_for(user=self._manager_user(org, emp), organisation_id=org.pk)
                    case = case_services.case_transition(actor=mgr, case=case, name="endorse")
                if state == "submitted":
                    continue
                if state == "withdrawn":
                    case_services.case_transition(actor=actor, case=case, name="withdraw")
                    continue
                case = case_services.case_transition(
                    actor=coordinator, case=case, name="start_review"
                )
                if state == "in_review":
                    continue
                if state == "awaiting_applicant":
                    case_services.case_transition(
                        actor=coordinator,
                        case=case,
                        name="share_assessment",
                        reason="Vi bedömer att insatsen kan beviljas med ett lägre belopp för "
                        "resor. Lämna gärna synpunkter innan beslut.",
                    )
                    continue
                if state == "returned":
                    case_services.case_transition(
                        actor=coordinator,
                        case=case,
                        name="return",
                        reason="Beskriv tydligare hur insatsen hänger ihop med verksamhetens "
                        "behov, och bifoga kursplanen.",
                    )
                    continue
                if state in ("rejected", "reconsideration", "reconsidered"):
                    self._decide(
                        spec,
                        coordinator,
                        case,
                        approve=False,
                        amount=None,
                        period=period,
                        reason="Insatsen är ordinarie "
                        "kompetensutveckling för nuvarande uppgifter och ska betalas "
                        "av enhetens budget.",
                    )
                    if state in ("reconsideration", "reconsidered"):
                        case = case_services.case_transition(
                            actor=actor,
                            case=Case.objects.get(pk=case.pk),
                            name="request_reconsideration",
                            reason="Kursen förbereder mig för min nya roll; se enhetens plan.",
                        )
                    if state == "reconsidered":  # granted as applied for, with reasons
                        case_services.case_transition(
                            actor=coordinator,
                            case=case,
                            name="reconsider_approve",
                            period=period,
                            reason="Enhetens plan visar att kursen förbereder för den nya rollen.",
                        )
                    continue
                amount = case.requested_ore if rnd.random() < 0.7 else case.requested_ore * 8 // 10
                case = self._decide(
                    spec,
                    coordinator,
                    case,
                    approve=True,
                    amount=amount,
                    period=period,
                    reason="Insatsen svarar mot behovet av digital kompetens i verksamheten.",
                )
                if state == "approved":
                    continue
                case = case_services.case_transition(actor=coordinator, case=case, name="start")
                spent = amount * rnd.randint(40, 100) // 100
                case_services.case_record_expense(
                    actor=coordinator,
                    case=case,
                    amount_ore=spent,
                    memo=f"Faktura {rnd.randint(10000, 99999)}",
                )
                if state == "completed":
                    case_services.case_transition(actor=coordinator, case=case, name="complete")

    def _decide(self, spec, coordinator, case, *, approve, amount, period, reason):
        """HR decides directly; under the joint model the parties decide in a meeting."""
        if spec["decision_model"] != DecisionModel.JOINT:
            return case_services.case_transition(
                actor=coordinator,
                case=case,
                name="approve" if approve else "reject",
                amount_ore=amount,
                period=period,
                reason=reason,
            )
        if (
            getattr(self, "_meeting", None) is None
            or self._meeting.organisation_id != case.organisation_id
        ):
            reps = Membership.objects.filter(
                organisation_id=case.organisation_id, role=Role.UNION_REP
            ).order_by("id")
            self._reps = [
                actor_for(user=m.user, organisation_id=case.organisation_id) for m in reps
            ]
            self._meeting = dec.meeting_create(
                actor=coordinator,
                title="Partssamverkan om omställningsmedel",
                starts_at=timezone.now() - timedelta(days=21),
                place="Regionens hus, rum 4",
                attendee_ids=[m.user_id for m in reps],
            )
        item = dec.meeting_add_case(actor=coordinator, meeting=self._meeting, case=case)
        dec.position_record(
            actor=coordinator,
            item=item,
            final=True,
            union=None,
            stance="agree" if approve else "disagree",
            reason="" if approve else reason,
        )
        for rep in self._reps:
            dec.position_record(
                actor=rep,
                item=item,
                final=True,
                union=Union.objects.get(pk=rep.union_ids[0]),
                stance="agree",
                reason="" if approve else "Insatsen behövs inför omställningen.",
            )
        dec.item_decide(
            actor=coordinator,
            item=item,
            outcome="approved" if approve else "rejected",
            reason=reason,
            amount_ore=amount,
        )
        case.refresh_from_db()
        return case

    def _after_cases(self, spec, org, coordinator):
        """Meeting history, objections and a planned meeting with today's ready cases."""
        rep_user = User.objects.get(username=f"{spec['prefix']}facklig")
        rep = actor_for(user=rep_user, organisation_id=org.pk)
        rejected = Decision.objects.filter(case__organisation=org, outcome="rejected").first()
        if rejected is not None:
            objection = dec.objection_raise(
                actor=rep,
                decision=rejected,
                reasons="Insatsen förbereder för nya arbetsuppgifter och är inte ordinarie "
                "kompetensutveckling. Vi begär att beslutet omprövas.",
            )
            dec.objection_answer(
                actor=coordinator,
                objection=objection,
                answer="Enheten har samma uppgifter efter kursen; vi står fast vid beslutet.",
            )
            dec.objection_close(
                actor=rep,
                objection=objection,
                outcome="escalated"
                if spec["decision_model"] == DecisionModel.JOINT
                else "resolved",
                note="Frågan tas upp med de centrala parterna."
                if spec["decision_model"] == DecisionModel.JOINT
                else "Vi godtar förklaringen.",
            )
        if spec["decision_model"] == DecisionModel.JOINT and getattr(self, "_meeting", None):
            # The chair and every union party's adjuster adjust the minutes.
            for adjuster in [coordinator, *self._reps]:
                dec.meeting_sign(actor=adjuster, meeting=self._meeting)
            upcoming = dec.meeting_create(
                actor=coordinator,
                title="Partssamverkan om omställningsmedel",
                starts_at=timezone.now() + timedelta(days=5),
                place="Regionens hus, rum 4",
                attendee_ids=[rep_user.pk],
            )
            dec.meeting_fill_agenda(actor=coordinator, meeting=upcoming)
            for item in upcoming.items.all()[:2]:
                dec.position_record(
                    actor=rep,
                    item=item,
                    final=False,
                    union=item.meeting.attendees.exclude(union=None).first().union,
                    stance="agree",
                )
            self._meeting = None

    def _manager_user(self, org, employee: Employee) -> User:
        return managers_for_unit(organisation=org, unit=employee.unit)[0].user
