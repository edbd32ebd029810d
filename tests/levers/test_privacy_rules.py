"""The 5-person rule where it is easy to miss: rates and money that would give away a hidden
count, counts beside the one that is hidden, a group that shrank before its send date, the
levers' own counts; a marker that is not the public page's theme; a stale form that would undo
a send; and digits that are not ASCII."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from lom.cases.models import Case
from lom.common.errors import DomainError
from lom.common.models import AuditEvent, Notification
from lom.levers.models import Campaign, OptOut, Status
from lom.levers.selectors.campaigns import AudienceCounts, conversion_for
from lom.levers.selectors.funnel import Funnel
from lom.levers.selectors.levers import period_levers
from lom.levers.services.campaigns import CampaignInput, campaign_save, campaign_send
from lom.levers.services.delivery import campaign_deliver
from lom.mail.models import OutboundMail
from lom.outreach.selectors import campaign_current
from tests.api_client import token_caller
from tests.factories import approve, make_case, signed_in
from tests.levers.builders import staff
from tests.levers.helpers import add_staff, draft

pytestmark = pytest.mark.django_db


def test_the_approval_rate_and_the_average_grant_need_five_on_each_side(world):
    cases = [make_case(world, title=f"Ansökan {i}") for i in range(5)]
    for case in cases[:4]:
        approve(world, case)
    # Four approved (and one undecided): one grant among four would be guessable.
    assert conversion_for(organisation=world.org).grant_source == "default"
    approve(world, cases[4])
    conv = conversion_for(organisation=world.org)
    assert (conv.grant_source, conv.approval_rate, conv.average_grant_kr) == (
        "history",
        1.0,
        20_000,
    )


def test_money_is_shown_only_behind_five_approved():
    funnel = Funnel(
        sent=40, delivered=40, opened=12, started=6, submitted=5, approved=0, committed_kr=18_000
    )
    # A case under reconsideration keeps its money but is not approved: one person's grant.
    assert funnel.committed_kr_shown is None
    assert Funnel(40, 40, 12, 6, 5, 0, 0).committed_kr_shown == 0
    assert Funnel(40, 40, 12, 6, 6, 5, 90_000).committed_kr_shown == 90_000


def test_a_count_that_could_be_worked_out_is_hidden_with_the_small_one():
    shown = AudienceCounts(total=10, with_email=8, in_app_only=0, opted_out=2).shown()
    # 2 opted out is hidden, and so is the total it could be worked out from.
    assert shown == {
        "total": None,
        "with_email": 8,
        "in_app_only": 0,
        "opted_out": None,
        "reachable": 8,
    }
    shown = AudienceCounts(total=9, with_email=6, in_app_only=3, opted_out=0).shown()
    assert (shown["with_email"], shown["in_app_only"], shown["reachable"]) == (None, None, 9)
    assert set(AudienceCounts(4, 4, 0, 0).shown().values()) == {None}


def test_the_preview_page_and_api_hide_the_small_opt_out_count(world):
    people = add_staff(world, 8)
    OptOut.objects.create(organisation=world.org, employee=people[0])
    OptOut.objects.create(organisation=world.org, employee=people[1])
    c = draft(world, dimension="unit", value=str(world.unit_a.pk))
    body = token_caller(world.union_rep)("get", f"/api/v1/levers/campaigns/{c.pk}/preview").json()
    assert body["audience"]["opted_out"] is None and body["audience"]["total"] is None
    assert body["audience"]["reachable"] == 8  # the world's two in unit A and six of the eight
    html = signed_in(world.coordinator).get(reverse("levers:campaign", args=[c.pk])).content
    assert 'Har avslutat utskicken</th><td class="num">–' in html.decode()


def test_a_group_that_shrank_below_five_by_its_send_date_is_not_delivered(
    world, django_capture_on_commit_callbacks
):
    people = add_staff(world, 3)  # unit A: the world's two and three more
    c = draft(world, dimension="unit", value=str(world.unit_a.pk))
    Campaign.objects.filter(pk=c.pk).update(send_on=date.today() + timedelta(days=3))
    c.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(actor=world.actor(world.coordinator), campaign=c)
    OptOut.objects.create(organisation=world.org, employee=people[0])
    assert campaign_deliver(campaign_id=c.pk, today=date.today() + timedelta(days=3)) == 0
    c.refresh_from_db()
    assert c.status == Status.CANCELLED and c.recipients == 0
    assert not OutboundMail.objects.filter(kind=c.mail_kind).exists()
    assert AuditEvent.objects.filter(action="levers.campaign_withhold", target_id=c.pk).exists()
    # The coordinator who sent it is told, in their own language when they read it.
    notice = Notification.objects.get(user=world.coordinator, code="levers.campaign_withheld")
    assert notice.url == reverse("levers:campaign", args=[c.pk])
    with translation.override("en"):
        assert notice.shown.startswith(f"The campaign “{c.title}” was not sent")


def test_the_levers_never_name_a_group_a_campaign_could_reach_fewer_than_five_of(world):
    carers = staff(world, world.unit_b, 5, "vard")  # unit B: the colleague and five
    assert [i.label for i in period_levers(period=world.period).lever("silent_units").items] == [
        "Enhet B"
    ]
    for emp in carers[:2]:
        OptOut.objects.create(organisation=world.org, employee=emp)
    assert period_levers(period=world.period).lever("silent_units").items == []


def test_a_campaigns_marker_is_never_the_public_pages_theme(
    world, django_capture_on_commit_callbacks
):
    add_staff(world, 5)
    c = draft(world, dimension="unit", value=str(world.unit_a.pk))
    with django_capture_on_commit_callbacks(execute=True):
        c = campaign_send(actor=world.actor(world.coordinator), campaign=c)
    assert c.marker is not None and c.marker.is_marker
    assert campaign_current(organisation=world.org, today=date.today()) is None
    page = signed_in(world.employee).get(f"/o/{world.org.slug}/").content.decode()
    assert c.body not in page


def test_a_stale_edit_does_not_undo_a_send(world, django_capture_on_commit_callbacks):
    add_staff(world, 5)
    stale = draft(world, dimension="unit", value=str(world.unit_a.pk))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(actor=world.actor(world.coordinator), campaign=stale)
    data = CampaignInput(
        title="Ändrad",
        subject="Ändrad",
        body="Ändrad",
        send_on=date.today(),
        dimension="unit",
        value=str(world.unit_a.pk),
    )
    with pytest.raises(DomainError) as refused:
        campaign_save(actor=world.actor(world.coordinator), data=data, campaign=stale)
    assert refused.value.field == "status"
    saved = Campaign.objects.get(pk=stale.pk)
    assert saved.status == Status.SENT and saved.title != "Ändrad" and saved.recipients == 7


@pytest.mark.parametrize("odd", ["²", "١٢", "٣"])
def test_digits_that_are_not_ascii_are_ignored_or_refused_not_a_500(world, odd):
    add_staff(world, 5)
    client = signed_in(world.coordinator)
    r = client.get(
        reverse("levers:campaign_new"),
        {"period": odd, "effect": odd, "measure": odd, "dimension": "managers", "value": odd},
    )
    assert r.status_code == 200
    r = client.post(
        reverse("levers:campaign_new"),
        {"audience": f"managers:{odd}", "title": "T", "subject": "S", "body": "B"},
    )
    assert r.status_code == 400 and "error-summary" in r.content.decode()  # the form again
    call = token_caller(world.coordinator)
    for dimension in ("unit", "age_band", "managers"):
        r = call(
            "post",
            "/api/v1/levers/campaigns",
            {
                "title": "T",
                "subject": "S",
                "body": "B",
                "send_on": date.today().isoformat(),
                "dimension": dimension,
                "value": odd,
            },
        )
        assert r.status_code == 400 and r.json()["field"] == "value", (dimension, r.content)
    assert not Case.objects.exists()
