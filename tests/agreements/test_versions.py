"""Agreement versions: a change of the rules is a draft that applies only once the employer and
every union party have approved it, on its date; every case keeps the version it was submitted
under; the agreement page shows the versions, the approvals and what changed."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from lom.agreements.models import AgreementVersion, LocalAgreement, MeasureType
from lom.agreements.rules import rules_of_agreement
from lom.agreements.selectors import rules_in_force, version_diff
from lom.agreements.services import (
    version_approve,
    version_draft_save,
    version_withdraw,
    versions_in_force_apply,
)
from lom.cases.rules import rules_for_case
from lom.common.errors import ConflictError, DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.diarium.models import DocumentKind, RegisteredDocument
from lom.operations.schedule import job_named
from lom.organisations.models import Role
from lom.organisations.services import membership_grant, union_create
from tests.factories import UserFactory, approve, make_case, make_world, signed_in

TODAY = date.today()


def agreement_of(world) -> LocalAgreement:
    return LocalAgreement.objects.get(organisation=world.org)


def draft(world, *, effective_from=TODAY, unions=None, **rules) -> AgreementVersion:
    a = agreement_of(world)
    return version_draft_save(
        actor=world.actor(world.coordinator),
        agreement=a,
        unions=list(a.unions.all()) if unions is None else unions,
        measure_types=list(a.measure_types.all()),
        effective_from=effective_from,
        change_note="Ändrat efter översynen.",
        **rules,
    )


def approve_all(world, version) -> AgreementVersion:
    version = version_approve(actor=world.actor(world.coordinator), version=version)
    return version_approve(actor=world.actor(world.union_rep), version=version, union=world.union)


# --- version 1 ------------------------------------------------------------------------------


def test_a_new_agreement_is_version_1_in_force_and_registered(world):
    a = agreement_of(world)
    (v1,) = a.versions.all()
    assert (v1.number, v1.status, v1.effective_from) == (1, "in_force", a.valid_from)
    assert v1.rules == rules_of_agreement(a).snapshot()
    assert v1.rules["union_ids"] == [world.union.pk]
    doc = RegisteredDocument.objects.get(kind=DocumentKind.AGREEMENT_VERSION, target_id=v1.pk)
    assert doc.organisation_id == world.org.pk and doc.secrecy == "public"
    assert rules_in_force(organisation=world.org, on=TODAY).version_number == 1


def test_the_migration_gives_every_agreement_without_versions_its_version_1(world):
    a = agreement_of(world)
    a.versions.all().delete()
    migration = importlib.import_module("lom.agreements.migrations.0006_agreement_first_versions")
    migration.first_versions(django_apps, None)
    migration.first_versions(django_apps, None)  # twice: still one version
    (v1,) = a.versions.all()
    assert (v1.number, v1.status, v1.effective_from) == (1, "in_force", a.valid_from)
    assert v1.rules == rules_of_agreement(a).snapshot()


# --- the reproduction ---------------------------------------------------------------


def test_ticking_a_setting_does_not_change_the_open_cases(world):
    """An admin ticks "manager endorses" on the agreement: nothing applies until the parties
    approve, and the case already submitted keeps its rules even then."""
    case = make_case(world)
    a = agreement_of(world)
    assert case.agreement_version.number == 1
    c = signed_in(world.admin)
    form = {
        "title": a.title,
        "valid_from": a.valid_from.isoformat(),
        "decision_model": a.decision_model,
        "quorum": a.quorum,
        "purpose_text": a.purpose_text,
        "exclusions": a.exclusions,
        "excludes_ordinary_training": "on",
        "allow_individual": "on",
        "allow_with_manager": "on",
        "allow_group": "on",
        "allow_development_project": "on",
        "requires_manager_endorsement": "on",  # the tick
        "objection_days": 14,
        "objection_answer_days": 14,
        "reconsideration_days": 21,
        "allows_carry_over": "on",
        "unions": [world.union.pk],
        "measure_types": [m.pk for m in a.measure_types.all()],
    }
    # Without the date the change is to apply from: refused, naming the field; nothing changes.
    r = c.post(f"/agreements/{a.pk}/edit/", form)
    assert r.status_code == 200
    assert "godkänt" in r.content.decode()
    assert a.versions.count() == 1
    # With it: a draft, which changes neither the agreement nor the case.
    r = c.post(f"/agreements/{a.pk}/edit/", form | {"effective_from": TODAY.isoformat()})
    assert r.status_code == 302 and r["Location"] == f"/agreements/{a.pk}/"
    a.refresh_from_db()
    assert a.requires_manager_endorsement is False
    v2 = a.versions.get(number=2)
    assert v2.status == "draft" and v2.rules["requires_manager_endorsement"] is True
    assert rules_in_force(organisation=world.org, on=TODAY).requires_manager_endorsement is False
    assert rules_for_case(case).requires_manager_endorsement is False
    page = c.get(f"/agreements/{a.pk}/").content.decode()
    assert "gäller inte ännu" in page and "Har inte godkänt ännu" in page
    # Once every party approved, it is in force; the case still reads version 1.
    approve_all(world, v2)
    a.refresh_from_db()
    assert a.requires_manager_endorsement is True
    case.refresh_from_db()
    assert case.agreement_version.number == 1
    assert rules_for_case(case).requires_manager_endorsement is False


# --- approvals ------------------------------------------------------------------------------


def test_each_party_approves_once_and_the_version_applies_today(world):
    v2 = draft(world, objection_days=30, cap_per_application_ore=10_000_00)
    v2 = version_approve(actor=world.actor(world.decision_maker), version=v2)
    assert v2.status == "draft"
    with pytest.raises(ConflictError):
        version_approve(actor=world.actor(world.coordinator), version=v2)
    assert agreement_of(world).objection_days == 14
    v2 = version_approve(actor=world.actor(world.union_rep), version=v2, union=world.union)
    assert v2.status == "in_force" and v2.in_force_at is not None
    a = agreement_of(world)
    assert (a.objection_days, a.cap_per_application_ore) == (30, 10_000_00)
    assert a.versions.get(number=1).status == "superseded"
    assert RegisteredDocument.objects.filter(
        kind=DocumentKind.AGREEMENT_VERSION, target_id=v2.pk
    ).exists()
    actions = set(AuditEvent.objects.filter(target_id=v2.pk).values_list("action", flat=True))
    assert {"agreement.version_approve", "agreement.version_in_force"} <= actions
    assert rules_in_force(organisation=world.org, on=TODAY).version_number == 2


def test_a_version_approved_for_a_later_date_applies_on_that_date(world):
    later = TODAY + timedelta(days=10)
    v2 = approve_all(world, draft(world, effective_from=later, objection_days=30))
    assert v2.status == "approved"
    assert agreement_of(world).objection_days == 14
    assert rules_in_force(organisation=world.org, on=TODAY).objection_days == 14
    # Read on its date, the approved version is the one in force even before the job ran.
    assert rules_in_force(organisation=world.org, on=later).objection_days == 30
    assert versions_in_force_apply(on=later - timedelta(days=1)) == 0
    assert versions_in_force_apply(on=later) == 1
    assert versions_in_force_apply(on=later) == 0
    v2.refresh_from_db()
    assert v2.status == "in_force" and agreement_of(world).objection_days == 30
    job = job_named("agreement_versions_in_force")
    assert job.daily and job.what == "lom.agreements.tasks.agreement_versions_in_force_task"


def test_a_version_dated_in_the_past_applies_once_approved(world):
    v2 = approve_all(
        world, draft(world, effective_from=TODAY - timedelta(days=3), quorum="employer_and_one")
    )
    assert v2.status == "in_force" and agreement_of(world).quorum == "employer_and_one"
    # Not before the version in force.
    with pytest.raises(DomainError) as exc:
        draft(world, effective_from=TODAY - timedelta(days=4), objection_days=5)
    assert exc.value.field == "effective_from"


def test_who_approves_for_which_party(world):
    vision = union_create(actor=None, organisation=world.org, name="Vision")
    vision_rep = UserFactory(username="vision-rep")
    membership_grant(
        actor=None, organisation=world.org, user=vision_rep, role=Role.UNION_REP, union=vision
    )
    v2 = draft(world, unions=[world.union, vision], objection_days=30)
    # A union representative cannot approve for another union, nor for the employer.
    with pytest.raises(PermissionDeniedError, match="Vision"):
        version_approve(actor=world.actor(world.union_rep), version=v2, union=vision)
    with pytest.raises(PermissionDeniedError):
        version_approve(actor=world.actor(world.union_rep), version=v2)
    # A coordinator cannot approve for a union; an employee for nobody.
    with pytest.raises(PermissionDeniedError):
        version_approve(actor=world.actor(world.coordinator), version=v2, union=world.union)
    with pytest.raises(PermissionDeniedError):
        version_approve(actor=world.actor(world.employee), version=v2)
    assert not v2.approvals.exists()
    approve_all(world, v2)
    v2.refresh_from_db()
    assert v2.status == "draft"  # the union joining the agreement approves too
    v2 = version_approve(actor=world.actor(vision_rep), version=v2, union=vision)
    assert v2.status == "in_force"
    assert set(agreement_of(world).unions.all()) == {world.union, vision}


def test_a_union_leaving_the_agreement_approves_that_too(world):
    v2 = draft(world, unions=[], objection_days=30)
    v2 = version_approve(actor=world.actor(world.coordinator), version=v2)
    assert v2.status == "draft"
    v2 = version_approve(actor=world.actor(world.union_rep), version=v2, union=world.union)
    assert v2.status == "in_force" and not agreement_of(world).unions.exists()


def test_changing_the_draft_clears_the_approvals(world):
    v2 = draft(world, objection_days=30)
    version_approve(actor=world.actor(world.coordinator), version=v2)
    v2b = draft(world, objection_days=40)
    assert v2b.pk == v2.pk and v2b.number == 2 and v2b.rules["objection_days"] == 40
    assert not v2b.approvals.exists()
    # A draft that changes nothing is refused.
    with pytest.raises(DomainError):
        draft(world, objection_days=14)


def test_a_union_rep_cannot_write_the_draft_and_a_withdrawn_draft_leaves_no_trace(world):
    with pytest.raises(PermissionDeniedError):
        version_draft_save(
            actor=world.actor(world.union_rep),
            agreement=agreement_of(world),
            unions=[world.union],
            measure_types=list(MeasureType.objects.all()),
            effective_from=TODAY,
            objection_days=30,
        )
    v2 = draft(world, objection_days=30)
    with pytest.raises(PermissionDeniedError):
        version_withdraw(actor=world.actor(world.union_rep), version=v2)
    version_withdraw(actor=world.actor(world.coordinator), version=v2)
    assert agreement_of(world).versions.count() == 1
    assert agreement_of(world).objection_days == 14
    v1 = agreement_of(world).versions.get()
    with pytest.raises(ConflictError):
        version_withdraw(actor=world.actor(world.coordinator), version=v1)


# --- every case keeps its version -----------------------------------------------------------


def test_a_case_keeps_the_version_it_was_submitted_under(db):
    world = make_world("keep", cap_per_application_ore=50_000_00)
    before = make_case(world, amount_ore=30_000_00)
    approve_all(
        world, draft(world, cap_per_application_ore=10_000_00, requires_manager_endorsement=True)
    )
    # The case submitted under version 1 keeps its cap and needs no endorsement.
    assert before.agreement_version.number == 1
    assert rules_for_case(before).cap_per_application_ore == 50_000_00
    assert rules_for_case(before).requires_manager_endorsement is False
    before = approve(world, before, amount_ore=30_000_00)
    assert before.status == "approved" and before.approved_ore == 30_000_00
    # A case submitted now is under version 2: the manager endorses it first, and its cap is
    # version 2's.
    after = make_case(world, amount_ore=5_000_00)
    assert after.agreement_version.number == 2
    assert after.status == "awaiting_endorsement"
    assert rules_for_case(after).cap_per_application_ore == 10_000_00


# --- what changed ---------------------------------------------------------------------------


def test_the_diff_names_the_changed_rules_in_swedish(world):
    vision = union_create(actor=None, organisation=world.org, name="Vision")
    education = MeasureType.objects.get(code="education")
    a = agreement_of(world)
    v2 = version_draft_save(
        actor=world.actor(world.coordinator),
        agreement=a,
        unions=[world.union, vision],
        measure_types=[education],
        effective_from=TODAY,
        cap_per_application_ore=25_000_00,
        requires_manager_endorsement=True,
        decision_model="consultation",
    )
    changes = {c.field: c for c in version_diff(version=v2, previous=a.versions.get(number=1))}
    assert set(changes) == {
        "cap_per_application_ore",
        "requires_manager_endorsement",
        "decision_model",
        "measure_type_ids",
        "union_ids",
    }
    cap = changes["cap_per_application_ore"]
    assert (cap.label, cap.before, cap.after) == ("tak per ansökan", "–", "25\xa0000,00\xa0kr")
    endorse = changes["requires_manager_endorsement"]
    assert (endorse.before, endorse.after) == ("nej", "ja")
    assert changes["decision_model"].after.startswith("Arbetsgivaren beslutar efter samråd")
    assert changes["measure_type_ids"].after == education.name
    assert changes["union_ids"].after == "Saco-S, Vision"
    page = signed_in(world.union_rep).get(f"/agreements/{a.pk}/").content.decode()
    assert "Tak per ansökan" in page and "25\xa0000,00\xa0kr" in page


# --- the page -------------------------------------------------------------------------------


def test_a_union_rep_approves_from_the_page(world):
    v2 = draft(world, objection_days=30)
    a = agreement_of(world)
    c = signed_in(world.union_rep)
    page = c.get(f"/agreements/{a.pk}/").content.decode()
    assert "Godkänn för Saco-S" in page and "Godkänn för Arbetsgivaren" not in page
    r = c.post(f"/agreements/{a.pk}/versions/{v2.pk}/approve/", {"union": world.union.pk})
    assert r.status_code == 302
    assert v2.approvals.get().union == world.union
    # Twice: refused with the reason, still one approval.
    r = c.post(
        f"/agreements/{a.pk}/versions/{v2.pk}/approve/", {"union": world.union.pk}, follow=True
    )
    assert "redan godkänt" in r.content.decode() and v2.approvals.count() == 1
    # The employer's approval from the page completes it.
    r = signed_in(world.coordinator).post(
        f"/agreements/{a.pk}/versions/{v2.pk}/approve/", {"union": ""}, follow=True
    )
    assert "godkänd av alla parter" in r.content.decode()
    v2.refresh_from_db()
    assert v2.status == "in_force"
    page = c.get(f"/agreements/{a.pk}/").content.decode()
    assert world.union_rep.get_full_name() in page or world.union_rep.username in page


def test_the_edit_form_continues_the_draft(world):
    draft(world, objection_days=30, effective_from=TODAY + timedelta(days=5))
    a = agreement_of(world)
    page = signed_in(world.coordinator).get(f"/agreements/{a.pk}/edit/").content.decode()
    assert 'name="objection_days" value="30"' in page
    assert (TODAY + timedelta(days=5)).isoformat() in page
    assert timezone.localdate() == TODAY
