"""Builders for test data. They go through the services, so tests see real ledgers and audits."""

import time
from dataclasses import dataclass
from datetime import date, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from factory.django import DjangoModelFactory

from lom.accounts.models import User
from lom.agreements.models import DecisionModel, MeasureType
from lom.agreements.services import agreement_save
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, CostLine, Purpose
from lom.common.auth_session import AUTH_AT_KEY
from lom.fundmode import services as fs
from lom.fundmode.models import CostKind, ProviderKind
from lom.fundmode.selectors import criteria_for
from lom.funds.models import FundPeriod
from lom.funds.services import fund_period_create
from lom.organisations.access import Actor, actor_for
from lom.organisations.models import Employee, Organisation, Role, Union, Unit
from lom.organisations.services import employee_save, membership_grant, union_create, unit_create


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.django.Password("pw")


@dataclass
class World:
    """One organisation with a user in every role."""

    org: Organisation
    top: Unit
    unit_a: Unit
    unit_b: Unit
    union: Union
    period: FundPeriod
    employee: User
    employee_rec: Employee
    colleague: User  # employee in unit B
    colleague_rec: Employee
    manager: User  # manages unit A
    manager_rec: Employee
    coordinator: User
    union_rep: User
    decision_maker: User
    auditor: User
    admin: User

    def actor(self, user: User) -> Actor:
        actor = actor_for(user=user, organisation_id=self.org.pk)
        assert actor is not None
        return actor

    @property
    def users(self) -> dict[str, User]:
        return {
            "employee": self.employee,
            "manager": self.manager,
            "coordinator": self.coordinator,
            "union_rep": self.union_rep,
            "decision_maker": self.decision_maker,
            "auditor": self.auditor,
            "admin": self.admin,
        }


def _employee(org, unit, user, first, last) -> Employee:
    emp = employee_save(
        actor=None,
        organisation=org,
        unit=unit,
        first_name=first,
        last_name=last,
        email=f"{user.username}@example.org",
        occupational_group="Handläggare",
        employment_start=date(2015, 3, 1),
        employment_form="permanent",
        birth_year=1980,
        gender="F",
        active=True,
    )
    emp.user = user
    emp.save(update_fields=["user"])
    membership_grant(actor=None, organisation=org, user=user, role=Role.EMPLOYEE)
    return emp


def make_world(
    slug: str = "org",
    *,
    allocation_ore: int = 1_000_000_00,
    decision_model: str = DecisionModel.HR_DECIDES,
    endorsement: bool = False,
    cap_per_person_ore: int | None = None,
    cap_per_application_ore: int | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> World:
    from lom.agreements.models import ContributionRate
    from lom.agreements.reference_data import ensure_reference_data
    from lom.support.models import EligibilityRule
    from lom.support.reference import ensure_default_rules

    # The migrations seed these; a transactional test that ran earlier may have flushed them.
    ensure_reference_data(MeasureType, ContributionRate)
    ensure_default_rules(EligibilityRule)
    org = Organisation.objects.create(name=f"Organisation {slug}", slug=slug)
    top = unit_create(actor=None, organisation=org, name="Myndigheten")
    unit_a = unit_create(actor=None, organisation=org, name="Enhet A", parent=top)
    unit_b = unit_create(actor=None, organisation=org, name="Enhet B", parent=top)
    union = union_create(actor=None, organisation=org, name="Saco-S")
    u = {
        name: UserFactory(username=f"{slug}-{name}")
        for name in (
            "employee",
            "colleague",
            "manager",
            "coordinator",
            "union_rep",
            "decision_maker",
            "auditor",
            "admin",
        )
    }
    employee_rec = _employee(org, unit_a, u["employee"], "Eva", "Ek")
    colleague_rec = _employee(org, unit_b, u["colleague"], "Kim", "Lind")
    manager_rec = _employee(org, unit_a, u["manager"], "Max", "Chef")
    membership_grant(
        actor=None, organisation=org, user=u["manager"], role=Role.MANAGER, unit=unit_a
    )
    membership_grant(actor=None, organisation=org, user=u["coordinator"], role=Role.COORDINATOR)
    membership_grant(
        actor=None, organisation=org, user=u["union_rep"], role=Role.UNION_REP, union=union
    )
    membership_grant(
        actor=None, organisation=org, user=u["decision_maker"], role=Role.DECISION_MAKER
    )
    membership_grant(actor=None, organisation=org, user=u["auditor"], role=Role.AUDITOR)
    membership_grant(actor=None, organisation=org, user=u["admin"], role=Role.ORG_ADMIN)
    today = date.today()
    agreement_save(
        actor=None,
        organisation=org,
        unions=[union],
        measure_types=list(MeasureType.objects.all()),
        title="Lokalt avtal",
        valid_from=date(today.year - 1, 1, 1),
        valid_to=None,
        purpose_text="Medlen används för proaktiv omställning.",
        exclusions="Forskarutbildning.",
        excludes_ordinary_training=True,
        allow_individual=True,
        allow_with_manager=True,
        allow_group=True,
        allow_development_project=True,
        requires_manager_endorsement=endorsement,
        cap_per_person_ore=cap_per_person_ore,
        cap_per_application_ore=cap_per_application_ore,
        decision_model=decision_model,
        allows_carry_over=True,
        follow_up_text="",
    )
    period = fund_period_create(
        actor=None,
        organisation=org,
        name=f"LOM {today.year}",
        start=period_start or date(today.year, 1, 1),
        end=period_end or date(today.year, 12, 31),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=allocation_ore,
    )
    return World(
        org=org,
        top=top,
        unit_a=unit_a,
        unit_b=unit_b,
        union=union,
        period=period,
        employee=u["employee"],
        employee_rec=employee_rec,
        colleague=u["colleague"],
        colleague_rec=colleague_rec,
        manager=u["manager"],
        manager_rec=manager_rec,
        coordinator=u["coordinator"],
        union_rep=u["union_rep"],
        decision_maker=u["decision_maker"],
        auditor=u["auditor"],
        admin=u["admin"],
    )


def make_case(
    world: World,
    user: User | None = None,
    *,
    amount_ore: int = 20_000_00,
    submit: bool = True,
    title: str = "Kurs i dataanalys",
    private_reason: str = "",
) -> Case:
    actor = world.actor(user or world.employee)
    mt = MeasureType.objects.get(code="competence_development")
    case = case_services.case_create(
        actor=actor,
        data=case_services.CaseInput(
            title=title,
            kind=ApplicationKind.INDIVIDUAL,
            measure_type_ids=[mt.pk],
            purpose=Purpose.PREVENT,
            business_need="Digitalisering av handläggningen.",
            description="Kurs på deltid.",
            private_reason=private_reason,
            start_date=date.today(),
            end_date=date.today() + timedelta(days=30),
        ),
    )
    case_services.case_set_cost_lines(
        actor=actor,
        case=case,
        lines=[case_services.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=amount_ore)],
    )
    if submit:
        case = case_services.case_transition(actor=actor, case=case, name="submit")
    case.refresh_from_db()
    return case


def approve(world: World, case: Case, amount_ore: int | None = None) -> Case:
    coord = world.actor(world.coordinator)
    if case.status == "submitted":
        case = case_services.case_transition(actor=coord, case=case, name="start_review")
    return case_services.case_transition(
        actor=coord, case=case, name="approve", amount_ore=amount_ore, reason="Bra insats."
    )


def make_completed_case(
    world: World,
    *,
    title: str = "Kurs i dataanalys",
    amount_ore: int = 20_000_00,
    expense_ore: int | None = None,
    outcome: str = "same_role",
    need_met: str = "yes",
) -> Case:
    """An individual case that is approved, completed with its expense booked and followed up."""
    from lom.followup.models import FollowUp
    from lom.followup.services import FollowUpInput, followup_record

    case = approve(world, make_case(world, title=title, amount_ore=amount_ore))
    coord = world.actor(world.coordinator)
    case_services.case_record_expense(
        actor=coord, case=case, amount_ore=expense_ore or amount_ore, memo="Faktura"
    )
    case = case_services.case_transition(actor=coord, case=case, name="complete")
    followup_record(
        actor=coord,
        case=case,
        data=FollowUpInput(kind=FollowUp.Kind.END, need_met=need_met, outcome=outcome),
    )
    case.refresh_from_db()
    return case


def publish_library_entry(
    world: World,
    case: Case,
    *,
    title: str = "Dataanalys för handläggare",
    need: str = "Handläggningen digitaliseras och fler analyser görs i verksamheten.",
    summary: str = "En kurs på deltid i dataanalys med egna övningsuppgifter.",
    measure_codes: tuple[str, ...] = ("competence_development",),
    publish: bool = True,
):
    """A library entry drafted by the coordinator and (optionally) consented by both parties;
    when it is close to one the organisation published before, the coordinator confirms
    publishing it anyway."""
    from lom.library.services import (
        EntryInput,
        library_consent,
        library_entry_create,
        library_publish_anyway,
    )

    entry = library_entry_create(
        actor=world.actor(world.coordinator),
        case=case,
        data=EntryInput(
            title=title,
            need=need,
            summary=summary,
            measure_type_ids=list(
                MeasureType.objects.filter(code__in=measure_codes).values_list("pk", flat=True)
            ),
            reviewed=True,
        ),
    )
    if publish:
        library_consent(actor=world.actor(world.coordinator), entry=entry, side="employer")
        entry = library_consent(actor=world.actor(world.union_rep), entry=entry, side="union")
        if not entry.is_published:
            entry = library_publish_anyway(actor=world.actor(world.coordinator), entry=entry)
    return entry


@dataclass
class FundWorld:
    """A fund organisation (kind FUND) with an administrator, an officer and an auditor, and
    its member employers."""

    fund: Organisation
    admin: User
    officer: User
    auditor: User
    members: list

    def actor(self, user: User) -> Actor:
        actor = actor_for(user=user, organisation_id=self.fund.pk)
        assert actor is not None
        return actor


def make_fund(slug: str = "fonden", *, members: list | None = None) -> FundWorld:
    from lom.fundmode.models import FundMembership

    fund = Organisation.objects.create(name=f"Fond {slug}", slug=slug, kind=Organisation.Kind.FUND)
    users = {n: UserFactory(username=f"{slug}-{n}") for n in ("admin", "officer", "auditor")}
    membership_grant(actor=None, organisation=fund, user=users["admin"], role=Role.ORG_ADMIN)
    membership_grant(actor=None, organisation=fund, user=users["officer"], role=Role.FUND_OFFICER)
    membership_grant(actor=None, organisation=fund, user=users["auditor"], role=Role.AUDITOR)
    for m in members or []:
        FundMembership.objects.create(fund=fund, member=m, joined_on=date(2020, 1, 1))
    return FundWorld(
        fund=fund,
        admin=users["admin"],
        officer=users["officer"],
        auditor=users["auditor"],
        members=list(members or []),
    )


def make_coach(organisation: Organisation, username: str = "vagledare") -> User:
    """A user with the COACH role (vägledare) in `organisation` (a fund or an employer)."""
    user = UserFactory(username=username, first_name="Vera", last_name="Vägledare")
    membership_grant(actor=None, organisation=organisation, user=user, role=Role.COACH)
    return user


def make_slot(coach: User, organisation: Organisation, *, starts_in: timedelta | None = None):
    """A published counselling slot of `coach`, by default three days from now."""
    from django.utils import timezone

    from lom.support.services import slot_create

    actor = actor_for(user=coach, organisation_id=organisation.pk)
    assert actor is not None
    return slot_create(
        actor=actor,
        starts_at=timezone.now() + (starts_in or timedelta(days=3)),
        duration_minutes=60,
        mode="online",
        video_link="https://video.example.org/rum-1",
    )


# Fund mode: a period opened and split, and a measure notified all the way to submitted.


def pdf(name="protokoll.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 minutes", content_type="application/pdf")


def open_and_allocate(f, total=1_000_000_00, payroll=(300_000_000_00, 100_000_000_00)):
    admin = f.actor(f.admin)
    today = timezone.localdate()
    r = fs.round_open(
        actor=admin,
        name="Period 1",
        start=today - timedelta(days=365),
        end=today + timedelta(days=730),
        claim_deadline=today + timedelta(days=1100),
        total_ore=total,
    )
    fs.payroll_set(actor=admin, fund_round=r, member_id=f.alfa.org.pk, payroll_ore=payroll[0])
    fs.payroll_set(actor=admin, fund_round=r, member_id=f.beta.org.pk, payroll_ore=payroll[1])
    fs.round_allocate(actor=admin, fund_round=r)
    r.refresh_from_db()
    return r


def notify_measure(f, r, *, world=None, cost=100_000_00, title="Kurs i sjukdomsklassifikation"):
    """A notified measure that ended a month ago (so it can be claimed once approved)."""
    world = world or f.alfa
    coord = world.actor(world.coordinator)
    today = timezone.localdate() - timedelta(days=120)
    n = fs.notification_prenotify(
        actor=coord,
        fund_round=r,
        title=title,
        estimated_ore=cost,
        planned_start=today,
        planned_end=today + timedelta(days=90),
    )
    fs.notification_update(
        actor=coord,
        notification=n,
        data=fs.NotificationInput(
            title=title,
            background="Ny klassificering införs.",
            need="Vårdadministratörer behöver kunna klassificera.",
            description="Intern kurs, fyra tillfällen.",
            measure_type=None,
            provider_kind=ProviderKind.SUPPLIER,
            provider_name="Utbildningsbolaget AB",
            planned_start=today,
            planned_end=today + timedelta(days=90),
            costs={
                CostKind.TUITION: (cost - 10_000_00, "Kursavgift"),
                CostKind.EXTRA: (10_000_00, "Litteratur"),
            },
        ),
    )
    fs.notification_set_participants(
        actor=coord, notification=n, groups=[("3344", "F", 8), ("3344", "M", 2), ("5323", "F", 3)]
    )
    fs.notification_attach(actor=coord, notification=n, upload=pdf(), kind="minutes")
    return fs.notification_submit(actor=coord, notification=n)


def all_met(r, comment=""):
    return {c.pk: (True, comment) for c in criteria_for(fund_round=r, active_only=True)}


def signed_in(user, *, auth_age_seconds: int = 0):
    """A test client signed in as `user`, whose sign-in is `auth_age_seconds` old (the acts that
    need a recent sign-in look at it)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTH_AT_KEY] = int(time.time()) - auth_age_seconds
    session.save()
    return client


def set_agreement_rules(organisation: Organisation, **changes) -> None:
    """Change rules of the organisation's agreement in place, in its fields AND in the version
    in force (the rules a case reads), skipping the draft and approvals a real change needs."""
    from lom.agreements.models import AgreementVersion, LocalAgreement

    LocalAgreement.objects.filter(organisation=organisation).update(**changes)
    for v in AgreementVersion.objects.filter(agreement__organisation=organisation):
        v.rules = v.rules | changes
        v.save(update_fields=["rules"])


def add_agreement_union(organisation: Organisation, union: Union) -> None:
    """Make `union` a party of the organisation's agreement, in its fields AND in its versions
    (the parties a meeting and a version's approval read), without the approvals a real
    change needs."""
    from lom.agreements.models import AgreementVersion, LocalAgreement

    for agreement in LocalAgreement.objects.filter(organisation=organisation):
        agreement.unions.add(union)
    for v in AgreementVersion.objects.filter(agreement__organisation=organisation):
        v.rules = v.rules | {"union_ids": sorted(set(v.rules.get("union_ids", [])) | {union.pk})}
        v.save(update_fields=["rules"])
