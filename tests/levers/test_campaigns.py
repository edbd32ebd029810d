"""Campaigns: the audience as counts, the refusal below 5, sending through the task queue in
batches (notices, outbox mails with the marker link), opt-outs and mail preferences, the
workflow, the audit trail, the conversion rates and the summaries of a period."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent, Notification, NotificationPreference
from lom.levers.effects import DEFAULT_CONVERSION
from lom.levers.models import Campaign, OptOut, Status
from lom.levers.selectors.campaigns import (
    audience_count,
    audience_counts,
    campaigns_for_period,
    conversion_for,
)
from lom.levers.services import delivery
from lom.levers.services.campaigns import campaign_cancel, campaign_send
from lom.levers.services.delivery import campaigns_deliver_due
from lom.levers.services.optout import campaign_opt_out, optout_token
from lom.mail.models import OutboundMail
from lom.outreach.models import PublishStatus
from tests.levers.helpers import add_staff, draft


def _send(world, c, capture):
    with capture(execute=True):
        return campaign_send(actor=world.actor(world.coordinator), campaign=c)


def test_the_audience_is_counted_per_dimension(world):
    add_staff(world, 5, prefix="a", occupational_group="Jurist", birth_year=1999, gender="M")
    add_staff(world, 6, unit=world.unit_b, prefix="b", birth_year=1960)
    org = world.org
    this_year = date.today().year
    assert audience_count(organisation=org, dimension="occupational_group", value="Jurist") == 5
    assert audience_count(organisation=org, dimension="gender", value="M") == 5
    # unit B: the colleague and six more; the whole tree from the top unit
    assert audience_count(organisation=org, dimension="unit", value=str(world.unit_b.pk)) == 7
    assert audience_count(organisation=org, dimension="unit", value=str(world.top.pk)) == 14
    young = 0 if this_year - 1999 > 29 else 5
    assert audience_count(organisation=org, dimension="age_band", value="0") == young
    old = audience_count(organisation=org, dimension="age_band", value="4")
    assert old == (6 if this_year - 1960 >= 60 else 0)
    # bad values are no group at all
    assert audience_count(organisation=org, dimension="gender", value="Q") == 0
    assert audience_count(organisation=org, dimension="age_band", value="9") == 0
    assert audience_count(organisation=org, dimension="nope", value="") == 0


def test_the_managers_of_units_and_another_organisations_unit_is_no_group(world, other_world):
    org = world.org
    world.unit_a.manager = world.manager_rec
    world.unit_a.save()
    value = f"{world.unit_a.pk},{other_world.unit_a.pk}"
    assert audience_count(organisation=org, dimension="managers", value=value) == 1
    assert audience_count(organisation=org, dimension="unit", value=str(other_world.unit_a.pk)) == 0


def test_opted_out_and_addressless_employees_are_counted_apart(world):
    staff = add_staff(world, 6, prefix="o")
    OptOut.objects.create(organisation=world.org, employee=staff[0])
    staff[1].email = ""
    staff[1].save()  # a user, no address: the notice only
    nobody = add_staff(world, 1, prefix="n", with_user=False, email="")[0]
    counts = audience_counts(organisation=world.org, dimension="all", value="")
    assert counts.opted_out == 1
    assert counts.in_app_only == 1
    assert counts.total == 3 + 6 + 1
    assert counts.reachable == counts.total - 1 - 1  # the opted out, and `nobody`
    assert nobody.pk


def test_no_campaign_reaches_fewer_than_five(world):
    add_staff(world, 1, prefix="j", occupational_group="Jurist")
    with pytest.raises(DomainError) as exc:
        draft(world, dimension="occupational_group", value="Jurist")
    assert exc.value.field == "value" and "minst 5" in str(exc.value.message)
    with pytest.raises(DomainError):
        draft(world, dimension="unit", value="999999")


def test_only_coordinators_and_admins_write(world):
    add_staff(world, 5)
    from lom.levers.services.campaigns import CampaignInput, campaign_save

    data = CampaignInput(title="t", subject="s", body="b", send_on=date.today())
    with pytest.raises(PermissionDeniedError):
        campaign_save(actor=world.actor(world.union_rep), data=data)
    assert campaign_save(actor=world.actor(world.admin), data=data).status == Status.DRAFT


def test_send_delivers_notices_and_mails_with_the_marker_skipping_opt_outs(
    world, django_capture_on_commit_callbacks
):
    staff = add_staff(world, 6)
    OptOut.objects.create(organisation=world.org, employee=staff[0])
    NotificationPreference.objects.create(user=staff[1].user, kind="campaign", email=False)
    c = draft(world, dimension="unit", value=str(world.unit_a.pk), expected_effect_kr=50_000)
    c = _send(world, c, django_capture_on_commit_callbacks)
    c.refresh_from_db()
    assert c.status == Status.SENT and c.sent_at is not None
    # unit A: the employee, the manager, six added, one opted out
    assert c.recipients == 7
    assert c.marker is not None and c.marker.status == PublishStatus.PUBLISHED
    assert c.marker.starts_on == c.send_on
    mails = OutboundMail.objects.filter(kind=c.mail_kind)
    addresses = set(mails.values_list("to_address", flat=True))
    assert staff[0].email not in addresses  # opted out: nothing
    assert staff[1].email not in addresses  # mail turned off: the notice only
    assert staff[2].email in addresses and mails.count() == 6
    notices = Notification.objects.filter(kind="campaign", organisation=world.org)
    assert notices.count() == 7
    assert not notices.filter(user=staff[0].user).exists()
    mail = mails.get(to_address=staff[2].email)
    link = f"http://testserver/o/{world.org.slug}/?k={c.marker_id}"
    assert link in mail.text and link in mail.html
    assert "/levers/optout/" in mail.text and "List-Unsubscribe" in mail.headers
    assert mail.subject == "Pengar för din utveckling"
    # the forecast at send is kept (the period has not used anything: all of it unused)
    assert c.forecast_unused_at_send_kr is not None
    actions = set(AuditEvent.objects.filter(target_id=c.pk).values_list("action", flat=True))
    assert {"levers.campaign_save", "levers.campaign_send", "levers.campaign_deliver"} <= actions


def test_an_english_recipient_gets_the_frame_in_english(world, django_capture_on_commit_callbacks):
    staff = add_staff(world, 5)
    staff[0].user.language = "en"
    staff[0].user.save()
    c = _send(world, draft(world), django_capture_on_commit_callbacks)
    mail = OutboundMail.objects.get(kind=c.mail_kind, to_address=staff[0].email)
    assert mail.language == "en" and "Hello Person0," in mail.text
    assert mail.subject == "Pengar för din utveckling"  # the coordinator's own text


def test_delivery_goes_in_batches_and_carries_on_where_it_stopped(world, monkeypatch):
    add_staff(world, 7)
    c = draft(world, send_on=date.today() + timedelta(days=3))
    campaign_send(actor=world.actor(world.coordinator), campaign=c)
    c.refresh_from_db()
    assert c.status == Status.SCHEDULED
    # not due yet: the daily job leaves it
    assert campaigns_deliver_due(today=date.today()) == 0
    monkeypatch.setattr(delivery, "BATCH_SIZE", 4)
    later = date.today() + timedelta(days=3)
    # an interrupted delivery: one batch done
    Campaign.objects.filter(pk=c.pk).update(send_on=later)
    first = delivery.Campaign.objects.get(pk=c.pk)
    ids = sorted(
        delivery.reachable_employees(organisation=world.org, dimension="all", value="").values_list(
            "pk", flat=True
        )
    )
    Campaign.objects.filter(pk=c.pk).update(delivered_up_to=ids[3], recipients=4)
    assert first.status == Status.SCHEDULED
    assert campaigns_deliver_due(today=later) == len(ids) - 4
    c.refresh_from_db()
    assert c.status == Status.SENT and c.recipients == len(ids)
    assert OutboundMail.objects.filter(kind=c.mail_kind).count() == len(ids) - 4


def test_cancel_stops_a_scheduled_campaign_and_unpublishes_its_marker(world):
    add_staff(world, 5)
    c = draft(world, send_on=date.today() + timedelta(days=2))
    campaign_send(actor=world.actor(world.coordinator), campaign=c)
    c = campaign_cancel(actor=world.actor(world.coordinator), campaign=c)
    assert c.status == Status.CANCELLED
    c.refresh_from_db()
    assert c.marker.status == PublishStatus.DRAFT
    assert campaigns_deliver_due(today=date.today() + timedelta(days=5)) == 0
    with pytest.raises(DomainError):
        campaign_send(actor=world.actor(world.coordinator), campaign=c)


def test_the_opt_out_link_works_once_and_a_forged_one_does_not(world):
    staff = add_staff(world, 1)
    token = optout_token(employee_id=staff[0].pk)
    assert campaign_opt_out(token=token).already
    assert campaign_opt_out(token=token).already
    assert OptOut.objects.filter(employee=staff[0]).count() == 1
    with pytest.raises(DomainError):
        campaign_opt_out(token=token + "x")


def test_conversion_defaults_then_history(world, django_capture_on_commit_callbacks):
    assert conversion_for(organisation=world.org) == DEFAULT_CONVERSION
    add_staff(world, 9)
    c = _send(world, draft(world), django_capture_on_commit_callbacks)
    # a campaign sent today does not count yet
    assert conversion_for(organisation=world.org).apply_source == "default"
    Campaign.objects.filter(pk=c.pk).update(sent_at=timezone.now() - timedelta(days=40))
    from lom.cases.models import Case
    from tests.factories import make_case

    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(reach_marker=c.marker_id)
    # One application through the link: a rate from it would give away a hidden count.
    assert conversion_for(organisation=world.org).apply_source == "default"
    cases = [make_case(world, title=f"Ansökan {i}") for i in range(4)]
    Case.objects.filter(pk__in=[x.pk for x in cases]).update(reach_marker=c.marker_id)
    conv = conversion_for(organisation=world.org)
    c.refresh_from_db()
    assert conv.apply_source == "history" and conv.campaigns == 1
    assert conv.apply_rate == pytest.approx(5 / c.recipients)


def test_campaigns_of_a_period_with_the_forecast_before_and_now(
    world, django_capture_on_commit_callbacks
):
    add_staff(world, 5)
    c = _send(world, draft(world), django_capture_on_commit_callbacks)
    draft(world, title="Ett utkast")
    rows = campaigns_for_period(organisation=world.org, period=world.period)
    assert [r.pk for r in rows] == [c.pk]
    r = rows[0]
    assert r.sent_on == date.today() and r.recipients == 8
    assert r.forecast_unused_before_kr is not None and r.forecast_unused_after_kr is not None
