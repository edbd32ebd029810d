"""Rounds of any size for the tests: a round with named assessors, applications under review
(through the services for a few; written in bulk for a hundred, then put under review by the
round's own bulk action), and scores in bulk."""

from datetime import timedelta

from django.utils import timezone

from lom.agreements.models import MeasureType
from lom.cases import services as cs
from lom.cases.models import ApplicationKind, Case, Status
from lom.decisions import services as dec
from lom.decisions.models import ApplicationRound, Score
from lom.organisations.models import Role
from lom.organisations.services import membership_grant
from tests.factories import UserFactory, World


def second_rep(w: World):
    user = UserFactory(username=f"{w.org.slug}-rep2")
    membership_grant(actor=None, organisation=w.org, user=user, role=Role.UNION_REP, union=w.union)
    return user


def make_round(
    w: World, *, criteria: int = 5, budget_ore: int = 1_000_000_00, assessors=None
) -> ApplicationRound:
    return dec.round_create(
        actor=w.actor(w.coordinator),
        title="Utvecklingsprojekt 2026",
        call_text="Sök medel för utvecklingsprojekt.",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=30),
        budget_ore=budget_ore,
        period=w.period,
        criteria=[(f"Kriterium {i + 1}", 5) for i in range(criteria)],
        assessor_ids=[u.pk for u in assessors] if assessors else None,
    )


def project_in_round(w: World, rnd: ApplicationRound, title: str, amount_ore: int) -> Case:
    """A development project through the services: drafted, joined, submitted."""
    mgr = w.actor(w.manager)
    case = cs.case_create(
        actor=mgr,
        data=cs.CaseInput(
            title=title,
            kind=ApplicationKind.DEVELOPMENT_PROJECT,
            measure_type_ids=[MeasureType.objects.get(code="development_project").pk],
            purpose="develop",
            business_need="Digitalisering.",
            description="Projekt.",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(days=90),
            participant_count=10,
        ),
    )
    cs.case_set_cost_lines(actor=mgr, case=case, lines=[cs.CostLineInput("other", amount_ore)])
    dec.round_join(actor=mgr, rnd=rnd, case=case)
    case.refresh_from_db()
    return cs.case_transition(actor=mgr, case=case, name="submit")


def bulk_submitted(w: World, rnd: ApplicationRound, n: int, amount_ore: int = 50_000_00):
    """`n` submitted development projects in the round, written in one go."""
    year = timezone.localdate().year
    Case.objects.bulk_create(
        [
            Case(
                organisation=w.org,
                number=f"{year}-{9000 + i:04d}",
                status=Status.SUBMITTED,
                kind=ApplicationKind.DEVELOPMENT_PROJECT,
                title=f"Projekt {i + 1}",
                unit=w.unit_a,
                unit_path=w.unit_a.path,
                created_by=w.manager,
                requested_ore=amount_ore + i * 1_000_00,
                round=rnd,
                period=w.period,
                submitted_at=timezone.now(),
            )
            for i in range(n)
        ]
    )


def bulk_scores(rnd: ApplicationRound, users, *, skip=None) -> int:
    """Every user scores every application under review on every criterion (a score from the
    user's index, the case and the criterion, so assessors differ). `skip`: (user, case) left
    unscored."""
    criteria = list(rnd.criteria.all())
    cases = list(rnd.cases.filter(status=Status.IN_REVIEW))
    rows = [
        Score(case=c, criterion=cr, assessor=u, score=(i + c.pk + cr.pk) % 6)
        for i, u in enumerate(users)
        for c in cases
        for cr in criteria
        if skip is None or (u, c.pk) != skip
    ]
    Score.objects.bulk_create(rows)
    return len(rows)
