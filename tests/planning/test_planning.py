"""Prepare and plan: the transition workshop from creation to locked PDF, the plan the parties
approve jointly, applications that point to its needs, and plan against actual."""

import hashlib
import re
import subprocess
import threading
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lom.agreements.models import MeasureType
from lom.cases import services as cs
from lom.cases.models import ApplicationKind, Case, CostLine, Purpose, Status
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.decisions import services as ds
from lom.decisions.models import ApplicationRound
from lom.organisations.models import Role, Union
from lom.organisations.services import membership_grant
from lom.planning import services as ps
from lom.planning.models import (
    FactorCard,
    Need,
    PlanApproval,
    Step,
    TransitionPlan,
    Workshop,
)
from lom.planning.selectors import plan_current
from lom.reports.plan_actual import plan_summary, plan_vs_actual
from tests.factories import UserFactory, add_agreement_union, approve, make_case, make_world


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())  # table cells wrap


FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def new_workshop(w, **kw):
    return ps.workshop_create(
        actor=w.actor(w.coordinator),
        title=kw.pop("title", "Vart är vi på väg?"),
        held_on=date.today(),
        place="Rum 4",
        participant_ids=kw.pop(
            "participant_ids", [w.union_rep.pk, w.manager.pk, w.employee.pk, w.rep2.pk]
        ),
        **kw,
    )


def run_workshop(w, *, lock: bool = True) -> Workshop:
    """A whole workshop through the services, with several participants writing."""
    coord, mgr, rep, emp = (
        w.actor(w.coordinator),
        w.actor(w.manager),
        w.actor(w.union_rep),
        w.actor(w.employee),
    )
    ws = new_workshop(w)
    c1 = ps.card_add(actor=emp, workshop=ws, text="AI i handläggningen")
    c2 = ps.card_add(actor=rep, workshop=ws, text="Långa elavbrott")
    c3 = ps.card_add(actor=mgr, workshop=ws, text="Många går i pension")
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.SORT)
    digital = ps.area_add(actor=rep, workshop=ws, name="Digitalisering")
    crisis = ps.area_add(actor=coord, workshop=ws, name="Samhällsstörningar")
    staff = ps.area_add(actor=coord, workshop=ws, name="Kompetensförsörjning")
    ps.card_move(actor=emp, workshop=ws, card=c1, area=digital)
    ps.card_move(actor=emp, workshop=ws, card=c2, area=crisis)
    ps.card_move(actor=rep, workshop=ws, card=c3, area=staff)
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.IMPACT)
    n1 = ps.need_add(
        actor=mgr,
        workshop=ws,
        area=digital,
        consequence="Nya krav på säkerhet internt och nya önskemål från kunderna.",
        competence_need="Informationssäkerhet för alla",
        likelihood=5,
        impact=4,
    )
    n2 = ps.need_add(
        actor=rep,
        workshop=ws,
        area=staff,
        consequence="Kunskap försvinner när erfarna går i pension.",
        competence_need="Kunskapsöverföring",
        likelihood=3,
        impact=3,
    )
    ps.need_add(
        actor=emp,
        workshop=ws,
        area=crisis,
        consequence="Tillsyn måste fungera vid kris.",
        competence_need="Krisberedskap",
        likelihood=2,
        impact=3,
    )
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.PROPOSALS)
    ps.proposal_add(
        actor=mgr,
        workshop=ws,
        title="Säkerhetsutbildning för alla medarbetare",
        need_ids=[n1.pk],
        cost_ore=150_000_00,
        target_group="Alla medarbetare",
        measure_type=MeasureType.objects.get(code="competence_development"),
    )
    ps.proposal_add(
        actor=rep,
        workshop=ws,
        title="Mentorprogram",
        need_ids=[n2.pk],
        cost_ore=50_000_00,
        target_group="Seniora",
    )
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.CLOSING)
    ps.closing_word_save(actor=emp, workshop=ws, text="Nyttigt att höja blicken.")
    ps.closing_word_save(actor=rep, workshop=ws, text="Överens om behoven.")
    if lock:
        ws = ps.workshop_lock(actor=coord, workshop=ws)
    return ws


def approved_plan(w, ws=None) -> TransitionPlan:
    coord = w.actor(w.coordinator)
    ws = ws or run_workshop(w)
    plan = ps.plan_create(
        actor=coord,
        title="Omställningsplan",
        period_start=date(date.today().year, 1, 1),
        period_end=date(date.today().year + 1, 12, 31),
        workshop=ws,
    )
    ps.plan_approve(actor=coord, plan=plan)
    ps.plan_approve(actor=w.actor(w.union_rep), plan=plan, union=w.union)
    return ps.plan_approve(actor=w.actor(w.rep2), plan=plan, union=w.vision)


def linked_case(w, need=None, *, explanation="", amount_ore=20_000_00, submit=True) -> Case:
    actor = w.actor(w.employee)
    mt = MeasureType.objects.get(code="competence_development")
    case = cs.case_create(
        actor=actor,
        data=cs.CaseInput(
            title="Kurs",
            kind=ApplicationKind.INDIVIDUAL,
            measure_type_ids=[mt.pk],
            purpose=Purpose.PREVENT,
            business_need="Digitalisering.",
            description="Kurs på deltid.",
            start_date=date.today(),
            end_date=date.today() + timedelta(days=30),
            need_id=need.pk if need else None,
            need_explanation=explanation,
        ),
    )
    cs.case_set_cost_lines(
        actor=actor,
        case=case,
        lines=[cs.CostLineInput(kind=CostLine.Kind.COURSE_FEE, amount_ore=amount_ore)],
    )
    if submit:
        case = cs.case_transition(actor=actor, case=case, name="submit")
    case.refresh_from_db()
    return case


# --- The workshop ---------------------------------------------------------------------------


def test_workshop_from_creation_to_locked_pdf(w):
    ws = run_workshop(w)
    ws.refresh_from_db()
    assert ws.is_locked and ws.sealed_by == w.coordinator
    # The PDF is kept with its checksum, and it holds the whole result.
    data = ws.sealed_file.read()
    assert hashlib.sha256(data).hexdigest() == ws.sealed_sha256
    text = pdf_text(data)
    for expected in (
        "Vart är vi på väg?",
        "AI i handläggningen",
        "Samhällsstörningar",
        "Informationssäkerhet för alla",
        "5 × 4 = 20",
        "Säkerhetsutbildning för alla medarbetare",
        "150 000,00 kr",
        "Nyttigt att höja blicken.",
        "Saco-S",
        "Vision",
    ):
        assert expected in text, expected
    # Nothing on a locked workshop changes, whoever tries.
    for actor in (w.actor(w.coordinator), w.actor(w.employee)):
        with pytest.raises(DomainError):
            ps.card_add(actor=actor, workshop=ws, text="För sent")
    with pytest.raises(DomainError):
        ps.workshop_set_step(actor=w.actor(w.coordinator), workshop=ws, step=Step.FACTORS)
    with pytest.raises(DomainError):
        ps.closing_word_save(actor=w.actor(w.employee), workshop=ws, text="Ändrat")
    assert not FactorCard.objects.filter(text="För sent").exists()
    # Downloading gives the stored file, byte for byte, to any participant.
    r = client_for(w.union_rep).get(reverse("planning:workshop_pdf", args=[ws.pk]))
    assert hashlib.sha256(b"".join(r.streaming_content)).hexdigest() == ws.sealed_sha256
    # Every step is in the audit trail.
    actions = set(
        AuditEvent.objects.filter(organisation=w.org, action__startswith="workshop.").values_list(
            "action", flat=True
        )
    )
    assert {"workshop.create", "workshop.card", "workshop.step", "workshop.lock"} <= actions


def test_only_invited_participants_see_a_workshop(w, other_world):
    ws = new_workshop(w, participant_ids=[w.union_rep.pk, w.employee.pk])
    ps.card_add(actor=w.actor(w.employee), workshop=ws, text="Hemlig faktor")
    urls = [
        reverse("planning:workshop", args=[ws.pk]),
        reverse("planning:workshop_live", args=[ws.pk]),
        reverse("planning:workshop_result", args=[ws.pk]),
        reverse("planning:workshop_pdf", args=[ws.pk]),
        reverse("planning:workshop_participants", args=[ws.pk]),
    ]
    # Not invited: the decision maker and the manager of the same organisation, and anyone
    # from another organisation, get 404 and no trace of it.
    for user in (w.decision_maker, w.manager, w.auditor, other_world.coordinator):
        c = client_for(user)
        for url in urls:
            assert c.get(url).status_code == 404, (user, url)
        assert "Hemlig faktor" not in c.get(reverse("planning:workshops")).content.decode()
        r = c.post(reverse("planning:card_add", args=[ws.pk]), {"card-text": "Intrång"})
        assert r.status_code == 404
    assert not FactorCard.objects.filter(text="Intrång").exists()
    # The invited see it.
    body = client_for(w.employee).get(urls[0]).content.decode()
    assert "Hemlig faktor" in body
    assert (
        "Vart är vi på väg?"
        in client_for(w.union_rep).get(reverse("planning:workshops")).content.decode()
    )


def test_only_coordinator_or_admin_create_workshops(w):
    with pytest.raises(PermissionDeniedError):
        ps.workshop_create(actor=w.actor(w.manager), title="X", held_on=date.today())
    assert client_for(w.union_rep).get(reverse("planning:workshop_create")).status_code == 403
    ws = ps.workshop_create(actor=w.actor(w.admin), title="Admins", held_on=date.today())
    assert ws.participants.get().is_facilitator
    # Only people of the organisation can be invited.
    other = UserFactory(username="utomstaende")
    with pytest.raises(DomainError):
        ps.workshop_invite(actor=w.actor(w.admin), workshop=ws, user_ids=[other.pk])


def test_facilitator_leads_the_steps_and_participants_write_in_the_current_one(w):
    coord, emp = w.actor(w.coordinator), w.actor(w.employee)
    ws = new_workshop(w)
    # Participants cannot move steps or time-box.
    with pytest.raises(PermissionDeniedError):
        ps.workshop_set_step(actor=emp, workshop=ws, step=Step.SORT)
    with pytest.raises(PermissionDeniedError):
        ps.workshop_set_timebox(actor=emp, workshop=ws, minutes=10)
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.SORT)
    # A participant writes only in the step the workshop is in, and is told why not (the
    # step's state refuses it: a conflict, not a matter of role).
    with pytest.raises(ConflictError) as exc:
        ps.card_add(actor=emp, workshop=ws, text="Sent kort")
    assert "Sortera i områden" in str(exc.value.message)
    # The facilitator may fix anything in any step.
    ps.card_add(actor=coord, workshop=ws, text="Facilitatorns kort")
    # A co-facilitator can lead too.
    ps.workshop_invite(actor=coord, workshop=ws, user_ids=[w.decision_maker.pk], facilitator=True)
    ps.workshop_set_step(actor=w.actor(w.decision_maker), workshop=ws, step=Step.IMPACT)
    # Time-box.
    before = ws.revision
    ws = ps.workshop_set_timebox(actor=coord, workshop=ws, minutes=40)
    ws.refresh_from_db()
    assert ws.step_ends_at is not None and ws.revision > before
    with pytest.raises(DomainError):
        ps.workshop_set_timebox(actor=coord, workshop=ws, minutes=999)
    # Over HTTP: next, previous, the live board shows the step to everybody.
    c = client_for(w.coordinator)
    r = c.post(reverse("planning:workshop_step", args=[ws.pk]), {"nav-direction": "next"})
    assert r.status_code == 302
    assert Workshop.objects.get(pk=ws.pk).step == Step.PROPOSALS
    r = c.post(reverse("planning:workshop_step", args=[ws.pk]), {"nav-direction": "prev"}, **FETCH)
    assert r.status_code == 200 and r.json()["ok"]
    assert Workshop.objects.get(pk=ws.pk).step == Step.IMPACT
    live = client_for(w.employee).get(reverse("planning:workshop_live", args=[ws.pk])).json()
    assert live["step"] == "impact" and "Steg 3: Påverkan och kompetensbehov" in live["html"]
    # A participant posting a step change is refused.
    r = client_for(w.employee).post(
        reverse("planning:workshop_step", args=[ws.pk]), {"nav-direction": "next"}, **FETCH
    )
    assert r.status_code == 400 and "facilitator" in r.json()["error"]
    assert Workshop.objects.get(pk=ws.pk).step == Step.IMPACT


def test_two_participants_add_cards_at_the_same_moment_nothing_lost_sqlite(w):
    """Two clients with the same board in front of them both post a card: both are kept."""
    ws = new_workshop(w)
    a, b = client_for(w.employee), client_for(w.union_rep)
    live_url = reverse("planning:workshop_live", args=[ws.pk])
    rev_a = a.get(live_url).json()["revision"]
    rev_b = b.get(live_url).json()["revision"]
    assert rev_a == rev_b
    url = reverse("planning:card_add", args=[ws.pk])
    ra = a.post(url, {"card-text": "Digitalisering"}, **FETCH)
    rb = b.post(url, {"card-text": "Översvämningar"})
    assert ra.status_code == 200 and ra.json()["ok"]
    assert rb.status_code == 302  # without JavaScript: back to the board
    assert sorted(FactorCard.objects.filter(workshop=ws).values_list("text", flat=True)) == [
        "Digitalisering",
        "Översvämningar",
    ]
    board = a.get(live_url).json()
    assert board["revision"] == rev_a + 2
    assert "Digitalisering" in board["html"] and "Översvämningar" in board["html"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("people", [2, 20])
def test_participants_add_cards_at_the_same_moment_nothing_lost_postgres(people):
    """Real concurrent transactions: 2, and a full room of 20, write cards at once."""
    w = make_world(f"samtidig-workshop-{people}")
    users = [w.employee, w.union_rep]
    for i in range(people - 2):
        u = UserFactory(username=f"samtidig-{people}-{i}")
        membership_grant(actor=None, organisation=w.org, user=u, role=Role.EMPLOYEE)
        users.append(u)
    ws = ps.workshop_create(
        actor=w.actor(w.coordinator),
        title="Samtidigt",
        held_on=date.today(),
        participant_ids=[u.pk for u in users],
    )
    actors = [w.actor(u) for u in users]
    barrier = threading.Barrier(people)
    errors: list[Exception] = []

    def add(actor, n):
        try:
            barrier.wait(timeout=20)
            for i in range(3):
                ps.card_add(actor=actor, workshop=ws, text=f"Kort {n}-{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(a, n)) for n, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    texts = set(FactorCard.objects.filter(workshop=ws).values_list("text", flat=True))
    assert texts == {f"Kort {n}-{i}" for n in range(people) for i in range(3)}
    assert Workshop.objects.get(pk=ws.pk).revision == 3 * people


def test_live_board_costs_one_query_when_nothing_changed(w):
    ws = new_workshop(w)
    c = client_for(w.employee)
    url = reverse("planning:workshop_live", args=[ws.pk])
    r = c.get(url)
    assert r.status_code == 200 and r["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        r2 = c.get(url, HTTP_IF_NONE_MATCH=r["ETag"])
    assert r2.status_code == 304
    planning_queries = [q for q in ctx.captured_queries if "planning_" in q["sql"]]
    assert len(planning_queries) == 1
    # A change anywhere on the board changes the answer.
    ps.card_add(actor=w.actor(w.union_rep), workshop=ws, text="Migration")
    r3 = c.get(url, HTTP_IF_NONE_MATCH=r["ETag"])
    assert r3.status_code == 200 and "Migration" in r3.json()["html"]


def test_board_works_without_javascript_and_keeps_what_was_typed(w):
    ws = new_workshop(w)
    c = client_for(w.employee)
    page = c.get(reverse("planning:workshop", args=[ws.pk])).content.decode()
    # Plain forms, a polite live region, our own script and no inline script or style.
    assert f'action="/planning/workshops/{ws.pk}/cards/"' in page
    assert 'aria-live="polite"' in page and "lom/workshop.js" in page
    assert "<script>" not in page and 'style="' not in page and " onclick=" not in page
    # An error shows the summary and keeps the text.
    r = c.post(reverse("planning:card_add", args=[ws.pk]), {"card-text": "x" * 301})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Något behöver rättas" in body and "x" * 301 in body
    # Sorting with the keyboard: the select form moves a card.
    card = ps.card_add(actor=w.actor(w.employee), workshop=ws, text="Elavbrott")
    coord = w.actor(w.coordinator)
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.SORT)
    area = ps.area_add(actor=coord, workshop=ws, name="Kris")
    page = c.get(reverse("planning:workshop", args=[ws.pk])).content.decode()
    assert f'<select id="move-{card.pk}" name="area">' in page
    assert 'draggable="true"' in page
    r = c.post(reverse("planning:card_move", args=[ws.pk, card.pk]), {"area": area.pk})
    assert r.status_code == 302
    card.refresh_from_db()
    assert card.area == area
    # An area of another workshop is refused.
    other = new_workshop(w, title="Annan")
    ps.workshop_set_step(actor=coord, workshop=other, step=Step.SORT)
    foreign = ps.area_add(actor=coord, workshop=other, name="Främmande")
    r = c.post(reverse("planning:card_move", args=[ws.pk, card.pk]), {"area": foreign.pk}, **FETCH)
    assert r.status_code == 400
    card.refresh_from_db()
    assert card.area == area


def test_participants_remove_only_their_own_contributions(w):
    ws = new_workshop(w)
    emp, rep, coord = w.actor(w.employee), w.actor(w.union_rep), w.actor(w.coordinator)
    mine = ps.card_add(actor=emp, workshop=ws, text="Mitt")
    theirs = ps.card_add(actor=rep, workshop=ws, text="Deras")
    with pytest.raises(PermissionDeniedError):
        ps.card_remove(actor=emp, workshop=ws, card=theirs)
    ps.card_remove(actor=emp, workshop=ws, card=mine)
    ps.card_remove(actor=coord, workshop=ws, card=theirs)
    assert not FactorCard.objects.filter(workshop=ws).exists()


def test_lock_needs_both_parties(w):
    coord = w.actor(w.coordinator)
    ws = new_workshop(w, participant_ids=[w.manager.pk])
    with pytest.raises(DomainError) as exc:
        ps.workshop_lock(actor=coord, workshop=ws)
    assert exc.value.code == "parties_missing"
    with pytest.raises(PermissionDeniedError):
        ps.workshop_lock(actor=w.actor(w.manager), workshop=ws)
    ps.workshop_invite(actor=coord, workshop=ws, user_ids=[w.union_rep.pk])
    # The lock form needs the confirmation.
    c = client_for(w.coordinator)
    c.post(reverse("planning:workshop_lock", args=[ws.pk]))
    assert not Workshop.objects.get(pk=ws.pk).is_locked
    r = c.post(reverse("planning:workshop_lock", args=[ws.pk]), {"confirm": "1"})
    assert r.status_code == 302 and Workshop.objects.get(pk=ws.pk).is_locked


def test_new_version_copies_a_locked_workshop_and_the_old_stays(w):
    ws = run_workshop(w)
    sha = ws.sealed_sha256
    with pytest.raises(PermissionDeniedError):
        ps.workshop_new_version(actor=w.actor(w.employee), workshop=ws)
    c = client_for(w.coordinator)
    r = c.post(reverse("planning:workshop_new_version", args=[ws.pk]))
    new = Workshop.objects.get(previous=ws)
    assert r.status_code == 302 and r["Location"] == reverse("planning:workshop", args=[new.pk])
    assert new.version == 2 and not new.is_locked
    assert new.cards.count() == ws.cards.count() == 3
    assert new.needs.count() == 3 and new.proposals.count() == 2
    assert sorted(p.needs.count() for p in new.proposals.all()) == [1, 1]
    assert {a.name for a in new.areas.all()} == {a.name for a in ws.areas.all()}
    assert new.participants.count() == ws.participants.count()
    # The new version is edited; the old one is untouched and still readable.
    ps.card_add(actor=w.actor(w.coordinator), workshop=new, text="Ny faktor")
    ws.refresh_from_db()
    assert ws.cards.count() == 3 and ws.sealed_sha256 == sha and ws.is_locked
    page = client_for(w.employee).get(reverse("planning:workshop_result", args=[ws.pk]))
    assert "Det finns en nyare version" in page.content.decode()
    with pytest.raises(DomainError) as exc:
        ps.workshop_new_version(actor=w.actor(w.coordinator), workshop=ws)
    assert exc.value.code == "newer_exists"


# --- The plan -------------------------------------------------------------------------------


def test_plan_from_workshop_and_joint_approval(w):
    coord, rep = w.actor(w.coordinator), w.actor(w.union_rep)
    ws = run_workshop(w)
    plan = ps.plan_create(
        actor=coord,
        title="Omställningsplan",
        period_start=date(date.today().year, 1, 1),
        period_end=date(date.today().year, 12, 31),
        analyses="Kompetensförsörjningsanalys 2025",
        workshop=ws,
    )
    # The workshop's outcome became areas, needs with priorities and planned measures.
    needs = {n.title: n for n in plan.needs.select_related("area")}
    assert set(needs) == {"Informationssäkerhet för alla", "Kunskapsöverföring", "Krisberedskap"}
    assert needs["Informationssäkerhet för alla"].priority == Need.Priority.HIGH  # 5 × 4
    assert needs["Kunskapsöverföring"].priority == Need.Priority.MEDIUM  # 3 × 3
    assert needs["Krisberedskap"].priority == Need.Priority.LOW  # 2 × 3
    measure = plan.measures.get(title="Säkerhetsutbildning för alla medarbetare")
    assert measure.budget_ore == 150_000_00 and measure.area.name == "Digitalisering"
    assert list(measure.needs.all()) == [needs["Informationssäkerhet för alla"]]
    # Other analyses add needs too.
    supply = ps.plan_need_save(
        actor=coord,
        plan=plan,
        data=ps.NeedInput(
            area_id=needs["Kunskapsöverföring"].area_id,
            title="Rekrytera handläggare",
            priority=Need.Priority.HIGH,
            source=Need.Source.COMPETENCE_SUPPLY,
        ),
    )
    # Each party approves only for itself.
    with pytest.raises(PermissionDeniedError):
        ps.plan_approve(actor=rep, plan=plan, union=w.vision)
    with pytest.raises(PermissionDeniedError):
        ps.plan_approve(actor=rep, plan=plan, union=None)
    with pytest.raises(PermissionDeniedError):
        ps.plan_approve(actor=w.actor(w.employee), plan=plan, union=None)
    ps.plan_approve(actor=coord, plan=plan)
    ps.plan_approve(actor=rep, plan=plan, union=w.union)
    # A change to the draft withdraws the approvals given so far.
    ps.plan_need_save(
        actor=coord,
        plan=plan,
        need=supply,
        data=ps.NeedInput(
            area_id=supply.area_id,
            title="Rekrytera och introducera handläggare",
            priority=Need.Priority.HIGH,
            source=Need.Source.COMPETENCE_SUPPLY,
        ),
    )
    assert not PlanApproval.objects.filter(plan=plan).exists()
    ps.plan_approve(actor=coord, plan=plan)
    plan = ps.plan_approve(actor=rep, plan=plan, union=w.union)
    assert plan.status == TransitionPlan.Status.DRAFT  # Vision has not approved yet
    assert plan_current(organisation=w.org, on=date.today()) is None
    # A union that is not a party to the agreement cannot approve.
    outsider = Union.objects.create(organisation=w.org, name="Seko")
    seko_rep = UserFactory(username="plan-seko")
    membership_grant(
        actor=None, organisation=w.org, user=seko_rep, role=Role.UNION_REP, union=outsider
    )
    with pytest.raises(DomainError) as exc:
        ps.plan_approve(actor=w.actor(seko_rep), plan=plan, union=outsider)
    assert exc.value.code == "not_a_party"
    # The last party approves over HTTP; the plan is now in force.
    r = client_for(w.rep2).post(
        reverse("planning:plan_approve", args=[plan.pk]), {"party": w.vision.pk}
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == TransitionPlan.Status.APPROVED and plan.approved_at
    assert plan_current(organisation=w.org, on=date.today()) == plan
    # An approved plan is not edited (its state refuses: a conflict).
    with pytest.raises(ConflictError):
        ps.plan_area_add(actor=coord, plan=plan, name="Nytt")
    with pytest.raises(DomainError) as exc:
        ps.plan_approve(actor=coord, plan=plan)
    assert exc.value.code == "approved"
    assert AuditEvent.objects.filter(action="plan.approve", target_id=plan.pk).exists()


def test_plan_new_version_replaces_the_old_only_when_approved(w):
    coord = w.actor(w.coordinator)
    v1 = approved_plan(w)
    need_v1 = v1.needs.get(title="Informationssäkerhet för alla")
    case = linked_case(w, need_v1)
    v2 = ps.plan_new_version(actor=coord, plan=v1)
    assert v2.version == 2 and v2.previous == v1 and v2.is_draft
    assert v2.needs.count() == v1.needs.count() and v2.measures.count() == v1.measures.count()
    with pytest.raises(DomainError):
        ps.plan_new_version(actor=coord, plan=v1)
    # Until v2 is approved, v1 is the plan in force.
    assert plan_current(organisation=w.org, on=date.today()) == v1
    ps.plan_measure_save(
        actor=coord,
        plan=v2,
        data=ps.MeasureInput(
            area_id=v2.areas.get(name="Digitalisering").pk, title="AI-kurs", budget_ore=10_000_00
        ),
    )
    ps.plan_approve(actor=coord, plan=v2)
    ps.plan_approve(actor=w.actor(w.union_rep), plan=v2, union=w.union)
    ps.plan_approve(actor=w.actor(w.rep2), plan=v2, union=w.vision)
    v1.refresh_from_db()
    assert v1.status == TransitionPlan.Status.SUPERSEDED
    assert plan_current(organisation=w.org, on=date.today()) == v2
    assert not v1.measures.filter(title="AI-kurs").exists()  # the old version is as it was
    # The application that points to v1's need still counts for the same need in v2.
    approve(w, case, amount_ore=12_000_00)
    actual = plan_vs_actual(plan=v2)
    digital = next(r for r in actual.areas if r.area.name == "Digitalisering")
    assert digital.committed == 12_000_00 and digital.case_count == 1
    # Old versions stay readable.
    assert client_for(w.employee).get(reverse("planning:plan", args=[v1.pk])).status_code == 200


def test_plan_visibility(w, other_world):
    coord = w.actor(w.coordinator)
    draft = ps.plan_create(
        actor=coord,
        title="Hemligt utkast",
        period_start=date.today(),
        period_end=date.today() + timedelta(days=365),
    )
    url = reverse("planning:plan", args=[draft.pk])
    assert client_for(w.employee).get(url).status_code == 404  # a draft is for the parties
    assert client_for(w.union_rep).get(url).status_code == 200
    assert client_for(other_world.coordinator).get(url).status_code == 404
    plan = approved_plan(w)
    # The approved plan is for all staff; plan against actual for the parties.
    assert client_for(w.employee).get(reverse("planning:plan", args=[plan.pk])).status_code == 200
    actual = reverse("reports_plan:plan_actual", args=[plan.pk])
    assert client_for(w.employee).get(actual).status_code == 403
    assert client_for(w.auditor).get(actual).status_code == 200
    assert client_for(other_world.coordinator).get(actual).status_code == 404
    assert (
        "Hemligt utkast"
        not in client_for(w.employee).get(reverse("planning:plans")).content.decode()
    )


# --- Applications point to a need ------------------------------------------------------------


def test_applications_must_point_to_a_need_of_the_plan_in_force(w, other_world):
    # Without a plan in force nothing changes: the factories' cases go in as before.
    assert make_case(w).status == Status.SUBMITTED
    plan = approved_plan(w)
    need = plan.needs.get(title="Kunskapsöverföring")
    # Now a need or an explanation is required to submit.
    with pytest.raises(DomainError) as exc:
        linked_case(w)
    assert exc.value.field == "need"
    ok = linked_case(w, need)
    assert ok.status == Status.SUBMITTED and ok.need == need
    explained = linked_case(w, explanation="Nytt ärendesystem som inte fanns i planen.")
    assert explained.status == Status.SUBMITTED and explained.need is None
    # A need must belong to this organisation's approved plan in force.
    other_plan = approved_plan(other_world_with_vision(other_world))
    foreign = other_plan.needs.first()
    draft = ps.plan_new_version(actor=w.actor(w.coordinator), plan=plan)
    for bad in (foreign, draft.needs.first()):
        with pytest.raises(DomainError) as exc:
            linked_case(w, bad, submit=False)
        assert exc.value.field == "need"
    # The coordinator's checklist shows the link, and flags the explanation.
    c = client_for(w.coordinator)
    body = c.get(reverse("cases:detail", args=[ok.pk])).content.decode()
    assert "Svarar mot ett behov i omställningsplanen: Kunskapsöverföring" in body
    body = c.get(reverse("cases:detail", args=[explained.pk])).content.decode()
    assert "Flaggad: svarar mot ett behov som inte finns i planen" in body
    assert 'class="missing"' in body


def other_world_with_vision(other):
    vision = Union.objects.create(organisation=other.org, name="Vision")
    add_agreement_union(other.org, vision)
    rep2 = UserFactory(username="beta-vision")
    membership_grant(
        actor=None, organisation=other.org, user=rep2, role=Role.UNION_REP, union=vision
    )
    other.vision, other.rep2 = vision, rep2
    return other


def test_application_wizard_offers_the_needs_of_the_plan(w):
    plan = approved_plan(w)
    need = plan.needs.get(title="Informationssäkerhet för alla")
    case = linked_case(w, submit=False)
    c = client_for(w.employee)
    url = reverse("cases:edit", args=[case.pk, "details"])
    page = c.get(url).content.decode()
    assert "Vilket behov i omställningsplanen svarar insatsen mot?" in page
    assert "Digitalisering: Informationssäkerhet för alla" in page
    data = {
        "need": need.pk,
        "need_explanation": "",
        "business_need": "Säkerhet.",
        "description": "Kurs.",
        "start_date": date.today().isoformat(),
        "end_date": (date.today() + timedelta(days=10)).isoformat(),
        "private_reason": "",
    }
    assert c.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.need == need
    # Review shows no need problem, and submitting works.
    r = c.post(reverse("cases:submit", args=[case.pk]))
    case.refresh_from_db()
    assert r.status_code == 302 and case.status == Status.SUBMITTED
    # Choosing "none of them" without an explanation blocks the submission of another case.
    other = linked_case(w, need, submit=False)
    url = reverse("cases:edit", args=[other.pk, "details"])
    assert c.post(url, {**data, "need": ""}).status_code == 302
    other.refresh_from_db()
    assert other.need is None
    review = c.get(reverse("cases:edit", args=[other.pk, "review"])).content.decode()
    assert "Välj vilket behov i omställningsplanen insatsen svarar mot" in review


# --- Plan against actual --------------------------------------------------------------------


def test_plan_against_actual_figures(w, django_assert_max_num_queries):
    coord = w.actor(w.coordinator)
    ws = run_workshop(w)
    plan = ps.plan_create(
        actor=coord,
        title="Plan",
        period_start=date(date.today().year, 1, 1),
        period_end=date(date.today().year, 12, 31),
        workshop=ws,
    )
    areas = {a.name: a for a in plan.areas.all()}
    needs = {n.title: n for n in plan.needs.all()}
    # A measure with no need, and budgets: Digitalisering 150 000 + 20 000.
    ps.plan_measure_save(
        actor=coord,
        plan=plan,
        data=ps.MeasureInput(
            area_id=areas["Digitalisering"].pk, title="Karriärdagar", budget_ore=20_000_00
        ),
    )
    ps.plan_approve(actor=coord, plan=plan)
    ps.plan_approve(actor=w.actor(w.union_rep), plan=plan, union=w.union)
    ps.plan_approve(actor=w.actor(w.rep2), plan=plan, union=w.vision)

    # Digitalisering: approved 20 000, 5 000 spent.
    c1 = approve(w, linked_case(w, needs["Informationssäkerhet för alla"], amount_ore=20_000_00))
    cs.case_record_expense(actor=coord, case=c1, amount_ore=5_000_00)
    # Kompetensförsörjning: approved 30 000, completed at 10 000 (the rest released).
    c2 = approve(w, linked_case(w, needs["Kunskapsöverföring"], amount_ore=30_000_00))
    cs.case_record_expense(actor=coord, case=c2, amount_ore=10_000_00)
    cs.case_transition(actor=coord, case=c2, name="complete")
    # Rejected and still-open applications count no money.
    c3 = linked_case(w, needs["Informationssäkerhet för alla"], amount_ore=9_000_00)
    c3 = cs.case_transition(actor=coord, case=c3, name="start_review")
    cs.case_transition(actor=coord, case=c3, name="reject", reason="Nej.")
    linked_case(w, needs["Kunskapsöverföring"], amount_ore=1_000_00)
    # Outside the plan: one explained (flagged) and approved for 7 000.
    approve(w, linked_case(w, explanation="Nytt system.", amount_ore=7_000_00))

    actual = plan_vs_actual(plan=plan)
    rows = {r.area.name: r for r in actual.areas}
    assert (rows["Digitalisering"].planned, rows["Digitalisering"].committed) == (
        170_000_00,
        15_000_00,
    )
    assert rows["Digitalisering"].spent == 5_000_00 and rows["Digitalisering"].case_count == 1
    assert rows["Digitalisering"].left == 170_000_00 - 20_000_00
    assert rows["Kompetensförsörjning"].planned == 50_000_00
    assert rows["Kompetensförsörjning"].committed == 0
    assert rows["Kompetensförsörjning"].spent == 10_000_00
    assert rows["Kompetensförsörjning"].case_count == 2
    assert rows["Samhällsstörningar"].planned == 0 and rows["Samhällsstörningar"].case_count == 0
    assert actual.total.planned == 220_000_00 and actual.total.spent == 15_000_00
    assert actual.unlinked.committed == 7_000_00 and actual.unlinked.case_count == 1
    assert actual.flagged_count == 1
    assert [n.title for n in actual.needs_without_measures] == ["Krisberedskap"]
    assert [n.title for n in actual.needs_without_cases] == ["Krisberedskap"]
    assert [m.title for m in actual.measures_without_needs] == ["Karriärdagar"]

    # The dashboard's summary (one query) has the same area rows and unlinked applications.
    summary = plan_summary(plan_id=plan.pk)
    assert summary is not None and summary.plan == plan
    assert [(r.area, r.planned, r.balance, r.case_count) for r in summary.areas] == [
        (r.area, r.planned, r.balance, r.case_count) for r in actual.areas
    ]
    assert (summary.unlinked.balance, summary.unlinked.case_count, summary.flagged_count) == (
        actual.unlinked.balance,
        actual.unlinked.case_count,
        actual.flagged_count,
    )

    # The page and the Excel file show the same figures; the dashboard shows the area rows
    # within its query budget.
    c = client_for(w.coordinator)
    c.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(12):
        board = c.get(reverse("reports:dashboard")).content.decode().replace("\u00a0", " ")
    assert "Omställningsplanen mot utfallet" in board and "170 000,00 kr" in board
    page = c.get(reverse("reports_plan:plan_actual", args=[plan.pk])).content.decode()
    page = page.replace("\u00a0", " ")
    assert "170 000,00 kr" in page and "15 000,00 kr" in page and "7 000,00 kr" in page
    assert "Krisberedskap" in page and "Karriärdagar" in page and "Flaggad" in page
    r = c.get(reverse("reports_plan:plan_actual_xlsx", args=[plan.pk]))
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(r.content))
    sheet = book.worksheets[0]
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert values["Digitalisering"][:4] == (170000, 15000, 5000, 150000)
    assert values["Ansökningar utan behov i planen"][1] == 7000


# --- From proposals to applications and rounds ----------------------------------------------


def test_proposals_become_a_draft_application_and_a_round(w):
    ws = run_workshop(w)
    plan = approved_plan(w, ws)
    security = ws.proposals.get(title="Säkerhetsutbildning för alla medarbetare")
    mentors = ws.proposals.get(title="Mentorprogram")
    # Not before the workshop is locked, and not by just anyone.
    with pytest.raises(PermissionDeniedError):
        ds.proposal_to_case(actor=w.actor(w.employee), proposal=security)
    # The result page offers each way on according to who is looking (decisions' panel).
    result = reverse("planning:workshop_result", args=[ws.pk])
    to_case = reverse("from_plan:proposal_to_case", args=[ws.pk, security.pk])
    to_round = reverse("from_plan:proposals_round", args=[ws.pk])
    page = client_for(w.manager).get(result).content.decode()
    assert to_case in page and to_round not in page
    page = client_for(w.coordinator).get(result).content.decode()
    assert to_round in page
    # The author (a manager) turns it into a draft application linked to the plan's need.
    c = client_for(w.manager)
    r = c.post(reverse("from_plan:proposal_to_case", args=[ws.pk, security.pk]))
    security.refresh_from_db()
    case = security.case
    assert r.status_code == 302 and r["Location"] == reverse("cases:edit", args=[case.pk, "start"])
    assert case.status == Status.DRAFT and case.created_by == w.manager
    assert case.kind == ApplicationKind.GROUP and case.requested_ore == 150_000_00
    assert case.need == plan.needs.get(title="Informationssäkerhet för alla")
    assert "Alla medarbetare" in case.description
    assert [m.code for m in case.measure_types.all()] == ["competence_development"]
    with pytest.raises(DomainError) as exc:
        ds.proposal_to_case(actor=w.actor(w.manager), proposal=security)
    assert exc.value.code == "already_converted"
    # The coordinator makes an application round of the other proposal.
    c = client_for(w.coordinator)
    r = c.post(
        reverse("from_plan:proposals_round", args=[ws.pk]),
        {
            "proposals": [mentors.pk],
            "title": "Utvecklingsprojekt 2026",
            "opens_on": date.today().isoformat(),
            "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "period": w.period.pk,
            "budget": "",
        },
    )
    rnd = ApplicationRound.objects.get(title="Utvecklingsprojekt 2026")
    assert r.status_code == 302
    assert rnd.budget_ore == 50_000_00 and "Mentorprogram" in rnd.call_text
    assert rnd.criteria.count() == 4
    mentors.refresh_from_db()
    assert mentors.round == rnd
    # The result page shows what became of each proposal.
    body = client_for(w.union_rep).get(reverse("planning:workshop_result", args=[ws.pk]))
    assert rnd.title in body.content.decode()


# --- Isolation ------------------------------------------------------------------------------


def test_planning_routes_leak_nothing_to_another_organisation(w, other_world):
    """Every planning route, as every role of one organisation, pointed at the workshop, plan
    and their parts of another: 403/404/405, never 500 and never their content."""
    other = other_world_with_vision(other_world)
    ws = run_workshop(other)
    plan = approved_plan(other, ws)
    draft_ws = ps.workshop_create(
        actor=other.actor(other.coordinator), title="Hemlig workshop BETA", held_on=date.today()
    )
    ps.card_add(actor=other.actor(other.coordinator), workshop=draft_ws, text="Hemligt kort")
    ids = {
        "pk": None,
        "card_id": draft_ws.cards.first().pk,
        "area_id": ws.areas.first().pk,
        "need_id": ws.needs.first().pk,
        "proposal_id": ws.proposals.first().pk,
        "participant_id": ws.participants.exclude(user=other.coordinator).first().pk,
        "measure_id": plan.measures.first().pk,
    }
    from django.urls import get_resolver

    resolver = get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        if str(pattern.pattern) == "planning/":
            routes += [str(p.pattern) for p in pattern.url_patterns]
    assert len(routes) > 30
    secrets = ("Hemlig workshop BETA", "Hemligt kort", "AI i handläggningen", "Organisation beta")
    for role, user in w.users.items():
        c = Client(raise_request_exception=False)
        c.force_login(user)
        for route in routes:
            targets = []
            for obj_pk in (ws.pk, draft_ws.pk, plan.pk):
                path = "/planning/" + route
                path = re.sub(r"<int:pk>", str(obj_pk), path)
                for key, value in ids.items():
                    if value is not None:
                        path = path.replace(f"<int:{key}>", str(value))
                targets.append(path)
            for path in set(targets):
                for method in ("get", "post"):
                    r = getattr(c, method)(path)
                    assert r.status_code < 500, (role, method, path, r.status_code)
                    if "<" not in path and re.search(r"/\d+/", path):
                        assert r.status_code in (302, 403, 404, 405), (role, method, path)
                    body = r.content.decode(errors="replace") if r.status_code == 200 else ""
                    assert not any(s in body for s in secrets), (role, method, path)
    # Nothing of the other organisation changed.
    assert draft_ws.cards.count() == 1
    plan.refresh_from_db()
    assert plan.status == TransitionPlan.Status.APPROVED


# --- Demo ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_planning_is_loaded_once_and_links_the_demo_applications():
    from django.core.management import call_command

    call_command("load_demo")
    call_command("load_demo_planning")
    counts = (Workshop.objects.count(), TransitionPlan.objects.count(), Need.objects.count())
    call_command("load_demo_planning")
    assert counts == (
        Workshop.objects.count(),
        TransitionPlan.objects.count(),
        Need.objects.count(),
    )
    for slug in ("tillsynsverket", "region-norrsund"):
        ws = Workshop.objects.get(organisation__slug=slug)
        assert ws.is_locked and ws.sealed_file and ws.cards.count() >= 10
        assert ws.closing_words.count() >= 5 and ws.proposals.count() >= 4
        plan = plan_current(organisation=ws.organisation, on=date.today())
        assert plan is not None and ws in plan.workshops.all()
        submitted = Case.objects.filter(organisation=ws.organisation).exclude(status="draft")
        assert submitted.filter(need__plan=plan).count() == submitted.count() - 1
        assert submitted.filter(need__isnull=True).exclude(need_explanation="").count() == 1
        actual = plan_vs_actual(plan=plan)
        assert actual.total.committed + actual.total.spent > 0
        assert actual.flagged_count == 1


def test_coordinator_builds_a_plan_with_plain_forms(w):
    ws = run_workshop(w)
    c = client_for(w.coordinator)
    # A plan for the fund period: its dates come from the period.
    r = c.post(
        reverse("planning:plans"),
        {"title": "Plan 2026", "fund_period": w.period.pk, "analyses": "KFA 2025"},
    )
    plan = TransitionPlan.objects.get(title="Plan 2026")
    assert r.status_code == 302 and r["Location"] == reverse("planning:plan", args=[plan.pk])
    assert (plan.period_start, plan.period_end) == (w.period.start, w.period.end)
    # Without a fund period the dates are required, with an error summary.
    r = c.post(reverse("planning:plans"), {"title": "Utan datum"})
    assert r.status_code == 400 and "Något behöver rättas" in r.content.decode()
    # Take in the workshop, add an area, a need and a measure.
    r = c.post(reverse("planning:plan_import", args=[plan.pk]), {"workshop": ws.pk})
    assert plan.needs.count() == 3
    c.post(reverse("planning:plan_area_add", args=[plan.pk]), {"area-name": "Ledarskap"})
    area = plan.areas.get(name="Ledarskap")
    r = c.post(
        reverse("planning:plan_need_create", args=[plan.pk]),
        {"area": area.pk, "title": "Chefer som leder förändring", "priority": 1, "source": "other"},
    )
    need = plan.needs.get(title="Chefer som leder förändring")
    r = c.post(
        reverse("planning:plan_measure_create", args=[plan.pk]),
        {"area": area.pk, "title": "Chefsprogram", "budget": "12 500,50", "needs": [need.pk]},
    )
    assert r.status_code == 302
    measure = plan.measures.get(title="Chefsprogram")
    assert measure.budget_ore == 12_500_50 and list(measure.needs.all()) == [need]
    page = c.get(reverse("planning:plan", args=[plan.pk])).content.decode().replace("\u00a0", " ")
    assert "Chefsprogram" in page and "12 500,50 kr" in page and "Godkänn för Arbetsgivaren" in page
    # Importing the same workshop twice is refused; a union representative cannot edit.
    c.post(reverse("planning:plan_import", args=[plan.pk]), {"workshop": ws.pk})
    assert plan.needs.count() == 4
    r = client_for(w.union_rep).post(
        reverse("planning:plan_area_add", args=[plan.pk]), {"area-name": "Facket"}
    )
    assert r.status_code == 403 and not plan.areas.filter(name="Facket").exists()


def test_workshop_need_with_proposals_cannot_be_removed(w):
    ws = run_workshop(w, lock=False)
    need = ws.needs.get(competence_need="Informationssäkerhet för alla")
    with pytest.raises(DomainError):
        ps.need_remove(actor=w.actor(w.coordinator), workshop=ws, need=need)
    assert ws.proposals.get(title="Säkerhetsutbildning för alla medarbetare").needs.count() == 1
