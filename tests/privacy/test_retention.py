"""Retention (gallring): the preview shows exactly what the run removes; the run is idempotent,
audited with counts only, keeps decisions and money, and never touches another organisation;
an organisation's own period is respected and bounded."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lom.cases.models import Case, Decision
from lom.common.errors import DomainError
from lom.common.models import AuditEvent, ReadLog
from lom.common.readlog import record_read
from lom.privacy.models import RetentionPolicy
from lom.privacy.selectors.retention import months_before, retention_preview
from lom.privacy.services.retention import (
    retention_policy_save,
    retention_run,
    retention_run_all,
)
from lom.support.models import Slot
from tests.factories import make_case
from tests.privacy.helpers import REASON, age, closed_case_with_reason, session_with_note

LATER = timezone.localdate() + timedelta(days=3 * 365)


def _counts(rows):
    return {r.policy.data_class.code: r.count for r in rows}


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)
    assert months_before(date(2026, 12, 1), 12) == date(2025, 12, 1)


def test_the_preview_is_what_the_run_removes_and_a_second_run_does_nothing(world):
    closed = closed_case_with_reason(world)
    open_case = make_case(world, private_reason="Skäl i ett pågående ärende")
    draft = make_case(world, submit=False, title="Glömt utkast")
    _, booking, note = session_with_note(world)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=timezone.now() - timedelta(days=1))
    record_read(
        organisation_id=world.org.pk,
        actor=world.coordinator,
        data_class="case.private_reason",
        target=closed,
        channel="page",
        employee_id=closed.applicant_id,
    )

    preview = _counts(retention_preview(organisation=world.org, today=LATER))
    assert preview["case.private_reason"] == 1
    assert preview["case.draft"] == 1
    assert preview["support.session_note"] == 1
    assert preview["common.readlog"] == 1
    assert preview["common.notification"] >= 1

    done = retention_run(organisation=world.org, today=LATER)
    assert done == preview

    closed.refresh_from_db()
    assert closed.private_reason == "" and not closed.share_private_reason
    # The case, its decision and its number stay: public records.
    assert closed.status == "rejected" and closed.number
    assert Decision.objects.filter(case=closed).exists()
    open_case.refresh_from_db()
    assert open_case.private_reason == "Skäl i ett pågående ärende"
    assert not Case.objects.filter(pk=draft.pk).exists()
    note.refresh_from_db()
    assert note.text == ""
    assert not ReadLog.objects.filter(organisation=world.org).exists()

    events = AuditEvent.objects.filter(organisation=world.org, action="privacy.retention_run")
    assert {e.after["data_class"]: e.after["count"] for e in events} == {
        k: v for k, v in done.items() if v
    }
    assert not any(REASON in str(e.after) for e in events)

    # Idempotent: nothing left, nothing done, no new audit rows.
    assert all(v == 0 for v in retention_run(organisation=world.org, today=LATER).values())
    assert all(
        v == 0 for v in _counts(retention_preview(organisation=world.org, today=LATER)).values()
    )
    assert events.count() == len([v for v in done.values() if v])


def test_nothing_is_due_before_the_period_has_run(world):
    closed_case_with_reason(world)
    soon = timezone.localdate() + timedelta(days=300)
    assert (
        _counts(retention_preview(organisation=world.org, today=soon))["case.private_reason"] == 0
    )


def test_another_organisation_is_untouched(world, other_world):
    mine = closed_case_with_reason(world)
    theirs = closed_case_with_reason(other_world)
    retention_run(organisation=world.org, today=LATER)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.private_reason == ""
    assert theirs.private_reason == REASON


def test_run_all_runs_every_organisation_and_counts_per_class(world, other_world):
    closed_case_with_reason(world)
    closed_case_with_reason(other_world)
    out = retention_run_all(today=LATER)
    assert out[world.org.slug]["case.private_reason"] == 1
    assert out[other_world.org.slug]["case.private_reason"] == 1
    assert retention_run_all(today=LATER)[world.org.slug]["case.private_reason"] == 0


def test_an_organisations_own_period_is_respected(world, other_world):
    admin = world.actor(world.admin)
    retention_policy_save(actor=admin, data_class="case.private_reason", months=60)
    mine = closed_case_with_reason(world)
    theirs = closed_case_with_reason(other_world)
    retention_run_all(today=LATER)  # three years on: past the default, within our five years
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.private_reason == REASON
    assert theirs.private_reason == ""
    five_years = timezone.localdate() + timedelta(days=5 * 366)
    retention_run(organisation=world.org, today=five_years)
    mine.refresh_from_db()
    assert mine.private_reason == ""


def test_a_shorter_period_takes_records_earlier(world):
    retention_policy_save(
        actor=world.actor(world.admin), data_class="case.private_reason", months=12
    )
    case = closed_case_with_reason(world)
    age(case, 400)
    assert retention_run(organisation=world.org)["case.private_reason"] == 1


@pytest.mark.parametrize("months", [0, 11, 121, 10_000])
def test_a_period_out_of_bounds_is_refused_naming_the_field(world, months):
    with pytest.raises(DomainError) as exc:
        retention_policy_save(
            actor=world.actor(world.admin), data_class="case.private_reason", months=months
        )
    assert exc.value.field == "months"
    assert not RetentionPolicy.objects.exists()


def test_an_unknown_class_is_refused_and_a_non_admin_may_not_change(world):
    with pytest.raises(DomainError) as exc:
        retention_policy_save(actor=world.actor(world.admin), data_class="nope", months=24)
    assert exc.value.field == "data_class"
    with pytest.raises(DomainError):
        retention_policy_save(
            actor=world.actor(world.coordinator), data_class="case.private_reason", months=24
        )


def test_a_policy_change_is_audited(world):
    retention_policy_save(actor=world.actor(world.admin), data_class="mail.body", months=6)
    event = AuditEvent.objects.get(action="privacy.retention_policy_changed")
    assert event.before == {"data_class": "mail.body", "months": 3}
    assert event.after == {"data_class": "mail.body", "months": 6}
    assert event.actor == world.admin


def test_mail_bodies_and_eligibility_reasoning_are_blanked_the_rest_kept(world, other_world):
    from lom.mail.models import OutboundMail
    from lom.support.services import eligibility_check_record

    old = timezone.now() - timedelta(days=200)
    sent = OutboundMail.objects.create(
        organisation=world.org,
        to_address="eva@example.org",
        kind="system",
        subject="Ditt ärende",
        text="Hej Eva, ditt ärende om utbrändhet",
        html="<p>Hej Eva</p>",
        status=OutboundMail.Status.SENT,
    )
    queued = OutboundMail.objects.create(
        organisation=world.org, to_address="x@example.org", kind="system", subject="Kö", text="t"
    )
    OutboundMail.objects.filter(pk__in=[sent.pk, queued.pk]).update(created_at=old)
    check, _result = eligibility_check_record(
        actor=world.actor(world.coordinator),
        employee=world.employee_rec,
        as_of=timezone.localdate(),
    )
    assert check.reasoning  # a check explains itself
    four_years = timezone.localdate() + timedelta(days=4 * 366)
    done = retention_run(organisation=world.org, today=four_years)
    assert done["mail.body"] == 1 and done["support.eligibility_check"] == 1
    sent.refresh_from_db()
    queued.refresh_from_db()
    check.refresh_from_db()
    assert (sent.text, sent.html, sent.subject) == ("", "", "Ditt ärende")
    assert queued.text == "t"  # not yet delivered: not touched
    assert check.reasoning == [] and check.eligible in (True, False)
    again = retention_run(organisation=world.org, today=four_years)
    assert again["mail.body"] == 0 and again["support.eligibility_check"] == 0


def test_named_event_participants_go_after_the_event_the_registration_stays(world):
    from lom.events.models import Event, Participant, Registration

    now = timezone.now()
    event = Event.objects.create(
        title="Erfarenhetsutbyte",
        kind="exchange",
        starts_at=now - timedelta(days=800),
        ends_at=now - timedelta(days=799),
        capacity=10,
        registration_deadline=now - timedelta(days=810),
        created_by=world.admin,
    )
    reg = Registration.objects.create(
        event=event,
        organisation=world.org,
        status="confirmed",
        persons=1,
        registered_by=world.admin,
    )
    Participant.objects.create(registration=reg, user=world.employee, side="employer")
    assert retention_run(organisation=world.org)["events.participant"] == 1
    assert not Participant.objects.exists()
    assert Registration.objects.get().persons == 1


def test_a_completed_case_keeps_its_money_and_decision_only_the_reason_goes(world):
    from lom.funds.models import LedgerEntry
    from tests.factories import make_completed_case

    case = make_completed_case(world)
    Case.objects.filter(pk=case.pk).update(private_reason=REASON)
    ledger = list(LedgerEntry.objects.filter(case=case).values_list("pk", "amount_ore"))
    assert ledger
    assert retention_run(organisation=world.org, today=LATER)["case.private_reason"] == 1
    case.refresh_from_db()
    assert case.private_reason == "" and case.approved_ore == 20_000_00
    assert list(LedgerEntry.objects.filter(case=case).values_list("pk", "amount_ore")) == ledger
    assert Decision.objects.filter(case=case).count() == 1
