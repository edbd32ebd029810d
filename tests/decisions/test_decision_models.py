"""Decision models beyond unanimity: the employer decides after consultation (a union that
disagrees enters a reservation or a protocol note, shown on the case, in the minutes and in the
annual report); unanimity refuses the same approval; HR decides follows the employer."""

import pytest
from django.utils import timezone

from lom.agreements.models import DecisionModel
from lom.agreements.rules import AgreementRules
from lom.cases.models import Status
from lom.common.errors import DomainError
from lom.decisions import services as dec
from lom.decisions.decision_models import allowed_outcomes, outcome_problem
from lom.decisions.models import AgendaItem, Position
from lom.decisions.selectors import item_positions_for_minutes
from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from lom.reports.figures import annual_figures
from tests.decisions.api_helpers import Api, in_review
from tests.factories import UserFactory, add_agreement_union, make_world, signed_in


def _world(slug: str, model: str):
    w = make_world(slug, decision_model=model)
    vision = Union.objects.create(organisation=w.org, name="Vision")
    rep2 = UserFactory(username=f"{slug}-vision")
    membership_grant(actor=None, organisation=w.org, user=rep2, role=Role.UNION_REP, union=vision)
    add_agreement_union(w.org, vision)  # Vision is a party of the agreement too
    w.vision, w.rep2 = vision, rep2
    return w


@pytest.fixture
def consultation(db):
    return _world("samrad", DecisionModel.CONSULTATION)


@pytest.fixture
def joint(db):
    return _world("enig", DecisionModel.JOINT)


def _item(w):
    coord = w.actor(w.coordinator)
    case = in_review(w, amount_ore=30_000_00)
    meeting = dec.meeting_create(
        actor=coord,
        title="Partssamverkan",
        starts_at=timezone.now(),
        attendee_ids=[w.union_rep.pk, w.rep2.pk],
    )
    return case, dec.meeting_add_case(actor=coord, meeting=meeting, case=case)


def _positions_with_reservation(w, item):
    """The employer agrees, Saco-S agrees, Vision disagrees with a reservation."""
    dec.position_record(
        actor=w.actor(w.coordinator), item=item, stance="agree", final=True, union=None
    )
    dec.position_record(
        actor=w.actor(w.union_rep), item=item, stance="agree", final=True, union=w.union
    )
    return dec.position_record(
        actor=w.actor(w.rep2),
        item=item,
        stance="disagree",
        reason="Insatsen är ordinarie kompetensutveckling.",
        final=True,
        union=w.vision,
        note_kind="reservation",
    )


def test_consultation_approves_over_a_union_reservation_shown_on_the_case(consultation):
    w = consultation
    coord = w.actor(w.coordinator)
    case, item = _item(w)
    # Not yet consulted: Vision has no final position.
    dec.position_record(actor=coord, item=item, stance="agree", final=True, union=None)
    dec.position_record(
        actor=w.actor(w.union_rep), item=item, stance="agree", final=True, union=w.union
    )
    with pytest.raises(DomainError) as exc:
        dec.item_decide(actor=coord, item=item, outcome="approved", reason="x")
    assert "hörts" in str(exc.value) and exc.value.field == "outcome"
    position = _positions_with_reservation(w, item)
    assert position.note_kind == "reservation"

    dec.item_decide(
        actor=coord,
        item=item,
        outcome="approved",
        reason="Arbetsgivaren beviljar efter samråd.",
        amount_ore=30_000_00,
    )
    case.refresh_from_db()
    assert case.status == Status.APPROVED and case.approved_ore == 30_000_00
    # The case page shows the unions' positions and the reservation with its reason.
    body = signed_in(w.coordinator).get(f"/cases/{case.pk}/").content.decode()
    assert "Vision" in body and "Reservation" in body
    assert "Insatsen är ordinarie kompetensutveckling." in body
    # The minutes read the final positions, employer first, with the reservation.
    minutes = item_positions_for_minutes(item=item)
    assert [(p.party_name, p.note_kind) for p in minutes] == [
        ("Arbetsgivaren", ""),
        ("Saco-S", ""),
        ("Vision", "reservation"),
    ]
    # The annual report: one decision after consultation, one with a reservation (Vision's).
    today = timezone.localdate()
    fig = annual_figures(organisation=w.org, year=today.year, today=today)
    table = fig.consultation
    assert table.title == "Beslut efter samråd med reservation"
    assert table.row("Vision") == {
        "union": "Vision",
        "consulted": 1,
        "reservations": 1,
        "protocol_notes": 0,
    }
    assert table.row("Saco-S")["reservations"] == 0
    assert table.total_dict() == {
        "union": "Totalt",
        "consulted": 1,
        "reservations": 1,
        "protocol_notes": 0,
    }
    keys = {r[0]: r[1] for r in fig.key_figures.rows}
    assert keys["Beslut efter samråd med reservation"] == 1
    assert keys["Beslut efter samråd"] == 1
    assert table in fig.tables()  # so the workbook has a sheet for it


def test_unanimity_refuses_the_same_approval_and_a_reservation(joint):
    w = joint
    coord = w.actor(w.coordinator)
    case, item = _item(w)
    # A reservation is refused under unanimity, naming the rule; nothing is recorded.
    with pytest.raises(DomainError) as exc:
        _positions_with_reservation(w, item)
    assert exc.value.field == "note_kind" and "samråd" in str(exc.value)
    assert not item.positions.filter(union=w.vision).exists()
    dec.position_record(
        actor=w.actor(w.rep2),
        item=item,
        stance="disagree",
        reason="Ordinarie kompetensutveckling.",
        final=True,
        union=w.vision,
    )
    with pytest.raises(DomainError) as exc:
        dec.item_decide(actor=coord, item=item, outcome="approved", reason="x")
    assert "oense" in str(exc.value)
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.outcome == "" and case.status == Status.IN_REVIEW
    assert not case.decisions.exists()


def test_note_kind_only_on_a_unions_final_disagreement(consultation):
    w = consultation
    _case, item = _item(w)
    rep = w.actor(w.rep2)
    for kwargs in (
        {"stance": "agree", "final": True},  # agreeing needs no reservation
        {"stance": "disagree", "reason": "Nej.", "final": False},  # provisional
    ):
        with pytest.raises(DomainError) as exc:
            dec.position_record(
                actor=rep, item=item, union=w.vision, note_kind="protocol_note", **kwargs
            )
        assert exc.value.field == "note_kind"
    with pytest.raises(DomainError) as exc:  # the employer decides; it makes no reservation
        dec.position_record(
            actor=w.actor(w.coordinator),
            item=item,
            stance="disagree",
            reason="Nej.",
            final=True,
            union=None,
            note_kind="reservation",
        )
    assert exc.value.field == "note_kind"
    assert not item.positions.exists()


def test_the_api_takes_a_reservation_under_consultation_only(consultation, joint):
    for w, expected in ((consultation, 200), (joint, 400)):
        _case, item = _item(w)
        r = Api(w.rep2).put(
            f"/items/{item.pk}/position",
            {
                "stance": "disagree",
                "reason": "Ordinarie.",
                "final": True,
                "union_id": w.vision.pk,
                "note_kind": "reservation",
            },
        )
        assert r.status_code == expected, r.content
        if expected == 200:
            assert r.json()["note_kind"] == "reservation"
        else:
            assert "note_kind" in r.content.decode()
            assert not item.positions.exists()
    r = Api(consultation.rep2).put(
        f"/items/{item.pk}/position",
        {"stance": "disagree", "reason": "x", "final": True, "note_kind": "objection"},
    )
    assert r.status_code == 422 and "note_kind" in r.content.decode()


def test_the_meeting_form_takes_a_reservation_and_refuses_it_under_unanimity(consultation, joint):
    for w, saved in ((consultation, True), (joint, False)):
        _case, item = _item(w)
        r = signed_in(w.rep2).post(
            f"/decisions/items/{item.pk}/position/",
            {
                "party": str(w.vision.pk),
                "stance": "disagree",
                "reason": "Ordinarie.",
                "final": "on",
                "note_kind": "protocol_note",
            },
            follow=True,
        )
        assert r.status_code == 200
        assert item.positions.filter(note_kind="protocol_note").exists() is saved
        if not saved:
            assert "samråd" in r.content.decode()


def _rules(model: str) -> AgreementRules:
    return AgreementRules(
        agreement_id=1, version_id=None, version_number=None, decision_model=model
    )


def _p(union_id, stance):
    return Position(union_id=union_id, stance=stance, final=True)


AGREE, DISAGREE = Position.Stance.AGREE, Position.Stance.DISAGREE
APPROVED, REJECTED, DEFERRED = "approved", "rejected", "deferred"


@pytest.mark.parametrize(
    ("model", "finals", "allowed"),
    [
        # Unanimity: approval only when all present agree.
        (DecisionModel.JOINT, [_p(None, AGREE), _p(1, AGREE)], [APPROVED, REJECTED, DEFERRED]),
        (DecisionModel.JOINT, [_p(None, AGREE), _p(1, DISAGREE)], [REJECTED, DEFERRED]),
        (DecisionModel.JOINT, [_p(None, AGREE)], [REJECTED, DEFERRED]),
        # Consultation: everyone heard, then the employer's position decides.
        (DecisionModel.CONSULTATION, [_p(None, AGREE), _p(1, DISAGREE)], [APPROVED, DEFERRED]),
        (DecisionModel.CONSULTATION, [_p(None, DISAGREE), _p(1, AGREE)], [REJECTED, DEFERRED]),
        (DecisionModel.CONSULTATION, [_p(None, AGREE)], [DEFERRED]),
        (DecisionModel.CONSULTATION, [_p(1, AGREE)], [DEFERRED]),
        # HR decides: the employer's position, whatever the unions say.
        (DecisionModel.HR_DECIDES, [_p(None, AGREE)], [APPROVED, DEFERRED]),
        (DecisionModel.HR_DECIDES, [_p(None, DISAGREE), _p(1, AGREE)], [REJECTED, DEFERRED]),
        (DecisionModel.HR_DECIDES, [], [DEFERRED]),
    ],
)
def test_allowed_outcomes_follow_the_model(model, finals, allowed):
    rules = _rules(model)
    assert allowed_outcomes(rules=rules, finals=finals, parties_present={None, 1}) == allowed
    for outcome in (APPROVED, REJECTED):
        problem = outcome_problem(
            rules=rules, outcome=outcome, finals=finals, parties_present={None, 1}
        )
        assert (problem is None) is (outcome in allowed)


def test_without_an_agreement_unanimity_applies():
    finals = [_p(None, AGREE), _p(1, DISAGREE)]
    assert allowed_outcomes(rules=None, finals=finals, parties_present={None, 1}) == [
        AgendaItem.Outcome.REJECTED,
        AgendaItem.Outcome.DEFERRED,
    ]
