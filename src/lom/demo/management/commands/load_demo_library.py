"""A measure library for the demo (run after load_demo, load_demo_followup, load_demo_planning).

Creates five small state agencies "(demo)" (slugs demo-*) with units, 60–300 employees, a local
agreement, a fund period, a coordinator, a decision maker and a union representative (password
"demo"), and in each a set of measures that were approved, completed with their cost booked and
followed up — all through the services, so ledgers and audit trails are right. Then publishes
varied measures to the library with both parties' consent, from these agencies and from the
existing demo organisations, and withdraws a couple. Idempotent: agencies that exist are left as
they are, and a case already in the library is not published again."""

import json
import random
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from lom import library as library_package
from lom.accounts.models import User
from lom.agreements.models import DecisionModel, MeasureType
from lom.agreements.services import agreement_save
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, CostLine, Purpose, Status
from lom.common.errors import DomainError
from lom.demo.management.commands.load_demo import FIRST, LAST
from lom.demo.users import demo_user
from lom.followup.models import FollowUp, NeedMet, Outcome
from lom.followup.services import FollowUpInput, followup_record, is_group_case
from lom.funds.models import FundPeriod
from lom.funds.services import fund_period_create
from lom.library.models import EntryStatus, LibraryEntry
from lom.library.services import (
    EntryInput,
    library_consent,
    library_entry_create,
    library_entry_withdraw,
)
from lom.organisations.access import actor_for
from lom.organisations.models import Organisation, Role
from lom.organisations.services import employee_save, membership_grant, union_create, unit_create

AGENCIES = [
    ("demo-kartverket", "Myndigheten för geodata (demo)", 240, "kart-"),
    ("demo-arkivverket", "Statens arkivverk (demo)", 140, "arkiv-"),
    ("demo-kustbevakning", "Kustmyndigheten (demo)", 300, "kust-"),
    ("demo-statistikverket", "Verket för samhällsstatistik (demo)", 90, "stat-"),
    ("demo-kulturradet", "Rådet för kulturarv (demo)", 60, "kultur-"),
]
UNITS = {
    "Verksamhetsavdelningen": ["Analysenheten", "Handläggningsenheten", "Fältenheten"],
    "Avdelningen för verksamhetsstöd": ["IT-enheten", "Enheten för HR och ekonomi"],
}
OCCUPATIONS = ["Handläggare", "Utredare", "Analytiker", "Systemutvecklare", "Assistent"]

# (title, need, category, summary, lessons, measure code, purpose, group size or 0): distinct
# measures, each published at most once in the whole library (a search that shows the same
# example five times is not worth searching).
MEASURES_FILE = Path(library_package.__file__).resolve().parent / "data" / "demo_measures.json"
MEASURES = [
    (
        m["title"],
        m["need"],
        m["category"],
        m["summary"],
        m["lessons"],
        m["measure_type"],
        Purpose(m["purpose"]),
        m["group_size"],
    )
    for m in json.loads(MEASURES_FILE.read_text(encoding="utf-8"))
]
MEASURES_PER_AGENCY = 9
NEED_MET = [NeedMet.YES] * 6 + [NeedMet.PARTLY] * 3 + [NeedMet.NO]
OUTCOMES = [Outcome.SAME_ROLE] * 5 + [Outcome.NEW_INTERNAL_ROLE] * 3 + [Outcome.NEW_EMPLOYER]


class Command(BaseCommand):
    help = "Five demo agencies with followed-up measures, and a library of published examples."

    def handle(self, *args, **options):
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._handle()

    def _handle(self):
        rnd = random.Random("library")
        for i, (slug, name, size, prefix) in enumerate(AGENCIES):
            if Organisation.objects.filter(slug=slug).exists():
                self.stdout.write(f"{name}: already loaded, left as it is.")
                continue
            # No outer transaction: the services it calls are durable transactions of their own.
            self._agency(slug, name, size, prefix, random.Random(slug), offset=i)
            self.stdout.write(self.style.SUCCESS(f"{name}: loaded."))
        published = 0
        for org in Organisation.objects.order_by("id"):
            prefix = next((p for s, _n, _z, p in AGENCIES if s == org.slug), None)
            if prefix is None:
                prefix = {"tillsynsverket": "", "region-norrsund": "region-"}.get(org.slug)
            if prefix is None:
                continue
            published += self._publish(org, prefix, rnd)
        self._withdraw_a_couple()
        total = LibraryEntry.objects.filter(status=EntryStatus.PUBLISHED).count()
        self.stdout.write(
            self.style.SUCCESS(f"Library: {published} new examples, {total} published in all.")
        )

    # -- agencies --------------------------------------------------------------------------

    _user = staticmethod(demo_user)

    def _agency(self, slug, name, size, prefix, rnd, offset):
        today = date.today()
        org = Organisation.objects.create(name=name, slug=slug, kind=Organisation.Kind.AGENCY)
        union = union_create(actor=None, organisation=org, name="Saco-S")
        union_create(actor=None, organisation=org, name="OFR/ST")
        top = unit_create(actor=None, organisation=org, name=name)
        leaves = []
        for dept, subs in UNITS.items():
            d = unit_create(actor=None, organisation=org, name=dept, parent=top)
            leaves += [unit_create(actor=None, organisation=org, name=s, parent=d) for s in subs]
        employees = [
            employee_save(
                actor=None,
                organisation=org,
                unit=leaves[i % len(leaves)],
                first_name=rnd.choice(FIRST),
                last_name=rnd.choice(LAST),
                email=f"{prefix}anstalld{i}@example.org",
                occupational_group=rnd.choice(OCCUPATIONS),
                employment_start=today - timedelta(days=rnd.randint(120, 11000)),
                employment_form=rnd.choice(["permanent"] * 9 + ["fixed_term"]),
                birth_year=rnd.randint(today.year - 65, today.year - 23),
                gender=rnd.choice(["F", "M"]) if i % 50 else "X",
                active=True,
            )
            for i in range(size)
        ]
        coord = self._user(f"{prefix}samordnare", "Sofia", "Samordnare")
        membership_grant(actor=None, organisation=org, user=coord, role=Role.COORDINATOR)
        # A head of department applies for the group measures.
        boss = self._user(f"{prefix}chef", "Carl", "Chef")
        employees[0].user = boss
        employees[0].save(update_fields=["user"])
        membership_grant(actor=None, organisation=org, user=boss, role=Role.EMPLOYEE)
        membership_grant(actor=None, organisation=org, user=boss, role=Role.MANAGER, unit=top)
        self._boss = actor_for(user=boss, organisation_id=org.pk)
        dm = self._user(f"{prefix}beslutsfattare", "Bengt", "Beslutsfattare")
        membership_grant(actor=None, organisation=org, user=dm, role=Role.DECISION_MAKER)
        rep = self._user(f"{prefix}facklig", "Frida", "Facklig")
        membership_grant(actor=None, organisation=org, user=rep, role=Role.UNION_REP, union=union)
        admin = self._user(f"{prefix}admin", "Ali", "Administratör")
        membership_grant(actor=None, organisation=org, user=admin, role=Role.ORG_ADMIN)
        agreement_save(
            actor=admin,
            organisation=org,
            unions=list(org.unions.all()),
            measure_types=list(MeasureType.objects.exclude(code="individual_support")),
            title=f"Lokalt avtal om omställningsmedel, {name}",
            valid_from=date(today.year - 2, 1, 1),
            valid_to=date(today.year + 1, 12, 31),
            purpose_text="Medlen används proaktivt för utveckling inför förändringar.",
            exclusions="Hela forskarutbildningar.",
            excludes_ordinary_training=True,
            allow_individual=True,
            allow_with_manager=True,
            allow_group=True,
            allow_development_project=True,
            requires_manager_endorsement=False,
            cap_per_person_ore=None,
            cap_per_application_ore=None,
            decision_model=DecisionModel.HR_DECIDES,
            allows_carry_over=True,
            follow_up_text="Arbetsgivaren återrapporterar till de fackliga organisationerna.",
        )
        period = fund_period_create(
            actor=admin,
            organisation=org,
            name=f"LOM {today.year}",
            start=date(today.year, 1, 1),
            end=date(today.year, 12, 31),
            method=FundPeriod.Method.FIXED_POT,
            fixed_amount_ore=size * 20_000_00,
        )
        coordinator = actor_for(user=coord, organisation_id=org.pk)
        self._decider = actor_for(user=dm, organisation_id=org.pk)
        # Nine measures each, a slice of the list no other agency has.
        for k in range(MEASURES_PER_AGENCY):
            spec = MEASURES[(offset * MEASURES_PER_AGENCY + k) % len(MEASURES)]
            self._finished_case(org, coordinator, employees[k + 2], period, spec, rnd)

    def _finished_case(self, org, coordinator, emp, period, spec, rnd):
        title, need, _cat, summary, _lessons, code, purpose, group = spec
        mt = MeasureType.objects.get(code=code)
        emp_user = self._user(f"{org.slug}-anstalld{emp.pk}", emp.first_name, emp.last_name)
        emp.user = emp_user
        emp.save(update_fields=["user"])
        membership_grant(actor=None, organisation=org, user=emp_user, role=Role.EMPLOYEE)
        applicant = actor_for(user=emp_user, organisation_id=org.pk)
        actor = self._boss if group else applicant
        today = date.today()
        case = case_services.case_create(
            actor=actor,
            data=case_services.CaseInput(
                title=title,
                kind=ApplicationKind.GROUP if group else ApplicationKind.INDIVIDUAL,
                unit_id=emp.unit_id if group else None,
                measure_type_ids=[mt.pk],
                purpose=purpose,
                business_need=need,
                description=summary,
                participant_count=group or 1,
                start_date=today - timedelta(days=60),
                end_date=today - timedelta(days=5),
            ),
        )
        per = (
            rnd.randrange(3_000, 12_000, 500) * 100
            if group
            else rnd.randrange(8_000, 40_000, 500) * 100
        )
        cost = per * (group or 1)
        case_services.case_set_cost_lines(
            actor=actor,
            case=case,
            lines=[case_services.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=cost)],
        )
        case = case_services.case_transition(actor=actor, case=case, name="submit")
        decider = self._decider
        case = case_services.case_transition(actor=coordinator, case=case, name="start_review")
        case = case_services.case_transition(
            actor=decider,
            case=case,
            name="approve",
            period=period,
            reason="Insatsen svarar mot verksamhetens behov.",
        )
        case = case_services.case_transition(actor=coordinator, case=case, name="start")
        case_services.case_record_expense(
            actor=coordinator,
            case=case,
            amount_ore=cost * rnd.randint(85, 100) // 100,
            memo=f"Faktura {rnd.randint(10000, 99999)}",
        )
        case = case_services.case_transition(actor=coordinator, case=case, name="complete")
        self._follow_up(coordinator, case, rnd)

    def _follow_up(self, coordinator, case, rnd):
        if FollowUp.objects.filter(case=case, kind=FollowUp.Kind.END).exists():
            return
        counts = None
        outcome = ""
        if is_group_case(case):
            counts = {}
            for _i in range(case.participant_count):
                o = rnd.choice(OUTCOMES)
                counts[o] = counts.get(o, 0) + 1
        else:
            outcome = rnd.choice(OUTCOMES)
        followup_record(
            actor=coordinator,
            case=case,
            data=FollowUpInput(
                kind=FollowUp.Kind.END,
                need_met=rnd.choice(NEED_MET),
                outcome=outcome,
                outcome_counts=counts,
                comment="Uppföljningssamtal genomfört.",
            ),
        )

    # -- the library -----------------------------------------------------------------------

    def _publish(self, org, prefix, rnd) -> int:
        if LibraryEntry.objects.filter(organisation=org).exists():
            return 0  # this organisation's examples are loaded: a rerun adds nothing
        try:
            coord_user = User.objects.get(username=f"{prefix}samordnare")
            rep_user = User.objects.get(username=f"{prefix}facklig")
        except User.DoesNotExist:
            return 0
        coordinator = actor_for(user=coord_user, organisation_id=org.pk)
        rep = actor_for(user=rep_user, organisation_id=org.pk)
        dm_user = User.objects.filter(username=f"{prefix}beslutsfattare").first()
        employer = actor_for(user=dm_user, organisation_id=org.pk) if dm_user else coordinator
        if coordinator is None or rep is None or employer is None:
            return 0
        cases = (
            Case.objects.filter(organisation=org, status=Status.COMPLETED)
            .filter(followups__kind=FollowUp.Kind.END)
            .exclude(pk__in=LibraryEntry.objects.filter(case__isnull=False).values("case_id"))
            .order_by("id")[:20]
        )
        made = 0
        for i, case in enumerate(cases):
            spec = self._unused_measure(case)
            if spec is None:
                break  # every demo measure is in the library already
            title, need, cat, summary, lessons, _code, _purpose, _group = spec
            types = list(case.measure_types.values_list("pk", flat=True))
            contact = coord_user.pk if i == 0 else None
            try:
                entry = library_entry_create(
                    actor=coordinator,
                    case=case,
                    data=EntryInput(
                        title=title,
                        need=need,
                        need_category=cat,
                        summary=summary,
                        lessons=lessons,
                        measure_type_ids=types,
                        contact_user_id=contact,
                        contact_agreed=contact is not None,
                        reviewed=True,
                    ),
                )
                library_consent(actor=employer, entry=entry, side="employer")
                library_consent(actor=rep, entry=entry, side="union")
            except DomainError as exc:
                self.stdout.write(f"{org.name}: {case.title} not published ({exc.message})")
                continue
            made += 1
        return made

    @staticmethod
    def _unused_measure(case):
        """The demo measure this case's example describes: the one of its own title, else one of
        the same measure type, else any, but never one the library already holds (by title)."""
        used = set(LibraryEntry.objects.values_list("title", flat=True))
        free = [m for m in MEASURES if m[0] not in used]
        code = case.measure_types.values_list("code", flat=True).first()
        return (
            next((m for m in free if m[0] == case.title), None)
            or next((m for m in free if m[5] == code), None)
            or (free[0] if free else None)
        )

    def _withdraw_a_couple(self) -> None:
        if LibraryEntry.objects.filter(status=EntryStatus.WITHDRAWN).exists():
            return
        for entry in LibraryEntry.objects.filter(
            status=EntryStatus.PUBLISHED, organisation__slug__startswith="demo-"
        ).order_by("id")[:2]:
            rep_user = User.objects.filter(
                username__endswith="facklig",
                memberships__organisation=entry.organisation,
            ).first()
            actor = (
                actor_for(user=rep_user, organisation_id=entry.organisation_id)
                if rep_user
                else None
            )
            if actor is not None:
                library_entry_withdraw(
                    actor=actor, entry=entry, reason="Parterna vill skriva om exemplet."
                )
