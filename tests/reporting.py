"""Fixed report data for the figure tests: ledger dates are set to known days so every
figure can be computed by hand (see the comments). Built through the services; only the
booking dates are moved afterwards."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from lom.agreements.models import MeasureType
from lom.cases import services as case_services
from lom.cases.models import ApplicationKind, Case, CostLine, Decision, Purpose
from lom.common.models import AuditEvent
from lom.funds.models import EntryKind, FundPeriod, LedgerEntry
from lom.funds.services import fund_period_close, fund_period_create, fund_period_reopen
from tests.factories import World


def at(y: int, m: int, d: int) -> datetime:
    return timezone.make_aware(datetime(y, m, d, 12, 0))


def book(case: Case | None, kind: str, when: datetime, period: FundPeriod | None = None) -> None:
    """Move the newest ledger entry of this kind (of the case, or of the period) to `when`."""
    qs = LedgerEntry.objects.filter(kind=kind)
    qs = qs.filter(case=case) if case is not None else qs.filter(period=period)
    entry = qs.order_by("-id").first()
    assert entry is not None, (case, kind)
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=when)


def new_case(
    world: World,
    user,
    *,
    title: str,
    amount_ore: int,
    purpose: str = Purpose.PREVENT,
    measure: str = "competence_development",
    kind: str = ApplicationKind.INDIVIDUAL,
    applicant_id: int | None = None,
    participants: int = 1,
) -> Case:
    actor = world.actor(user)
    mt = MeasureType.objects.get(code=measure)
    case = case_services.case_create(
        actor=actor,
        data=case_services.CaseInput(
            title=title,
            kind=kind,
            applicant_id=applicant_id,
            measure_type_ids=[mt.pk],
            purpose=purpose,
            business_need="Nya krav på digital kompetens.",
            description="Kurs.",
            participant_count=participants,
            start_date=date.today(),
            end_date=date.today() + timedelta(days=30),
        ),
    )
    case_services.case_set_cost_lines(
        actor=actor,
        case=case,
        lines=[case_services.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=amount_ore)],
    )
    return case_services.case_transition(actor=actor, case=case, name="submit")


def grant(world: World, case: Case, period: FundPeriod, when: datetime, amount: int | None = None):
    coord = world.actor(world.coordinator)
    case = case_services.case_transition(actor=coord, case=case, name="start_review")
    case = case_services.case_transition(
        actor=coord, case=case, name="approve", period=period, amount_ore=amount, reason="Ja."
    )
    book(case, EntryKind.COMMITMENT, when)
    Decision.objects.filter(case=case).update(decided_at=when)
    Case.objects.filter(pk=case.pk).update(decided_at=when)
    case.refresh_from_db()
    return case


def spend(world: World, case: Case, amount: int, when: datetime) -> None:
    case_services.case_record_expense(
        actor=world.actor(world.coordinator), case=case, amount_ore=amount, memo="Faktura"
    )
    book(case, EntryKind.EXPENSE, when)


def complete(world: World, case: Case, when: datetime, *, release: bool = True) -> Case:
    case = case_services.case_transition(
        actor=world.actor(world.coordinator), case=case, name="complete"
    )
    if release:
        book(case, EntryKind.RELEASE, when)
    AuditEvent.objects.filter(case=case, action="case.complete").update(at=when)
    return case


@dataclass
class Scenario:
    p1: FundPeriod  # 2024-01-01 – 2024-06-30, 100 000 kr
    p2: FundPeriod  # 2024-07-01 – 2025-06-30 (spans two years), 200 000 kr + carry-over
    a: Case  # Eva, prevent, competence development: 30 000 granted, 25 000 spent, 5 000 released
    b: Case  # Kim, move, coaching: 20 000 granted, withdrawn (20 000 released)
    c: Case  # Max, develop: 40 000 granted 2024, spent 10 000 (2024) + 30 000 (2025)
    d: Case  # group of 6, prevent: 60 000 granted 2025, 45 000 spent 2025, still running


def build_scenario(world: World) -> Scenario:
    """Hand-computed balances:

    P1 in 2024: allocated 100 000; A: +30 000 committed (Feb), 25 000 spent (May), 5 000
    released (May); B: +20 000 committed (Mar), 20 000 released (Apr, withdrawn). Remaining
    at 30 June: 100 000 - 25 000 spent = 75 000, carried over to P2 on 1 July.
    P2: allocated 200 000 + 75 000 carried over (July 2024). C: 40 000 committed (Sep 2024),
    10 000 spent (Dec 2024), 30 000 spent (Feb 2025), completed (Mar 2025, nothing left to
    release). D: 60 000 committed (Jan 2025), 45 000 spent (Apr 2025).
    """
    p1 = fund_period_create(
        actor=None,
        organisation=world.org,
        name="LOM 2024 vår",
        start=date(2024, 1, 1),
        end=date(2024, 6, 30),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=100_000_00,
    )
    book(None, EntryKind.ALLOCATION, at(2024, 1, 2), period=p1)
    fund_period_reopen(actor=world.admin, period=p1, reason="Ärenden från 2024 läggs in nu.")
    a = new_case(world, world.employee, title="Kurs A", amount_ore=30_000_00)
    a = grant(world, a, p1, at(2024, 2, 10))
    b = new_case(
        world,
        world.colleague,
        title="Coachning B",
        amount_ore=20_000_00,
        purpose=Purpose.MOVE,
        measure="coaching",
    )
    b = grant(world, b, p1, at(2024, 3, 1))
    b = case_services.case_transition(actor=world.actor(world.colleague), case=b, name="withdraw")
    book(b, EntryKind.RELEASE, at(2024, 4, 1))
    spend(world, a, 25_000_00, at(2024, 5, 15))
    a = complete(world, a, at(2024, 5, 20))

    p2 = fund_period_create(
        actor=None,
        organisation=world.org,
        name="LOM 2024/25",
        start=date(2024, 7, 1),
        end=date(2025, 6, 30),
        method=FundPeriod.Method.FIXED_POT,
        fixed_amount_ore=200_000_00,
        previous=p1,
        carry_over=True,
    )
    book(None, EntryKind.ALLOCATION, at(2024, 7, 1), period=p2)
    fund_period_reopen(actor=world.admin, period=p2, reason="Ärenden från 2024/25 läggs in nu.")
    moved = fund_period_close(actor=world.admin, period=p1).carried_ore
    assert moved == 75_000_00
    book(None, EntryKind.CARRY_OVER, at(2024, 7, 1), period=p1)
    book(None, EntryKind.CARRY_OVER, at(2024, 7, 1), period=p2)

    c = new_case(
        world,
        world.manager,
        title="Förändringsledning C",
        amount_ore=40_000_00,
        purpose=Purpose.DEVELOP,
    )
    c = grant(world, c, p2, at(2024, 9, 1))
    spend(world, c, 10_000_00, at(2024, 12, 1))
    spend(world, c, 30_000_00, at(2025, 2, 1))
    c = complete(world, c, at(2025, 3, 1), release=False)

    d = new_case(
        world,
        world.manager,
        title="Gruppinsats D",
        amount_ore=60_000_00,
        kind=ApplicationKind.GROUP,
        participants=6,
    )
    d = grant(world, d, p2, at(2025, 1, 15))
    spend(world, d, 45_000_00, at(2025, 4, 1))
    return Scenario(p1, p2, a, b, c, d)
