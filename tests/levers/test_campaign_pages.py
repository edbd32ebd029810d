"""The campaign pages: a new campaign prefilled from a lever's link, the preview (counts only)
and the what-if chart with its table, sending, the funnel fed by the public page, the
application and the decision (each count hidden below 5), the union representatives' read
access, another organisation's campaign, and the opt-out page without login."""

from datetime import date

from django.test import Client
from django.urls import reverse

from lom.agreements.models import MeasureType
from lom.cases.models import Case
from lom.levers.models import Campaign, OptOut, Status
from lom.levers.selectors.funnel import campaign_funnel
from lom.levers.services.optout import optout_token
from tests.factories import approve, make_case, signed_in
from tests.levers.helpers import add_staff, draft


def test_the_new_page_takes_the_levers_link_and_ignores_bad_values(world):
    add_staff(world, 5, occupational_group="Jurist")
    c = signed_in(world.coordinator)
    url = reverse("levers:campaign_new")
    assert url == "/levers/campaigns/new/"
    r = c.get(
        url,
        {
            "period": world.period.pk,
            "lever": "under_reached",
            "dimension": "occupational_group",
            "value": "Jurist",
            "effect": "120000",
            "measure": "abc",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert 'value="occupational_group:Jurist" selected' in html
    assert 'name="effect" value="120000"' in html and 'name="lever" value="under_reached"' in html
    assert "Omställningsmedlen är till för dig också" in html  # the lever's template
    assert 'name="measure"' in html and 'name="measure" value="abc"' not in html
    r = c.get(url, {"lever": "nonsense", "dimension": "gender", "value": "F", "mall": "en"})
    assert "money for your development" in r.content.decode()
    nudge = c.get(
        url,
        {
            "lever": "silent_units",
            "dimension": "managers",
            "value": f"{world.unit_a.pk}",
            "kind": "nudge",
        },
    ).content.decode()
    assert f'value="managers:{world.unit_a.pk}" selected' in nudge
    assert 'name="kind" value="nudge"' in nudge


def test_preview_shows_counts_and_the_what_if_then_send(world, django_capture_on_commit_callbacks):
    add_staff(world, 6)
    c = signed_in(world.coordinator)
    r = c.post(
        reverse("levers:campaign_new"),
        {
            "title": "Kampanj A",
            "audience": f"unit:{world.unit_a.pk}",
            "subject": "Pengar för utveckling",
            "body": "Läs mer.",
            "landing": "guide",
            "by_email": "on",
            "by_notice": "on",
            "send_on": world.period.start.isoformat()
            if world.period.start > date.today()
            else date.today().isoformat(),
            "kind": "employees",
            "lever": "under_reached",
            "period": world.period.pk,
            "effect": "40000",
        },
    )
    campaign = Campaign.objects.get(title="Kampanj A")
    assert r.status_code == 302 and r["Location"] == reverse("levers:campaign", args=[campaign.pk])
    html = c.get(r["Location"]).content.decode()
    assert "Aktiva medarbetare i gruppen" in html and "<svg" in html
    assert "Prognos nu" in html and "Med kampanjen" in html  # the chart's table alternative
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("levers:campaign_send", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Status.SENT and campaign.recipients == 8
    html = c.get(reverse("levers:campaign", args=[campaign.pk])).content.decode()
    assert 'id="funnel"' in html and "Skicka kampanjen" not in html


def test_a_small_group_is_refused_with_a_clear_message(world):
    c = signed_in(world.coordinator)
    r = c.post(
        reverse("levers:campaign_new"),
        {
            "title": "Liten",
            "audience": f"unit:{world.unit_b.pk}",
            "subject": "s",
            "body": "b",
            "landing": "page",
            "by_email": "on",
            "send_on": date.today().isoformat(),
            "kind": "employees",
        },
    )
    assert r.status_code == 400
    assert "minst 5 personer" in r.content.decode()
    assert not Campaign.objects.exists()


def _apply_through_link(world, user, marker_id, title):
    client = Client()
    client.get(f"/o/{world.org.slug}/?k={marker_id}")
    r = client.get(f"/o/{world.org.slug}/ansok/?fran=page&k={marker_id}")
    assert r.status_code == 302
    client.force_login(user)
    mt = MeasureType.objects.get(code="career_change")
    r = client.post(
        reverse("cases:create"),
        {
            "title": title,
            "kind": "individual",
            "participant_count": 1,
            "measure_types": [mt.pk],
            "purpose": "move",
        },
    )
    assert r.status_code == 302
    return Case.objects.get(title=title)


def test_the_funnel_counts_the_link_the_application_and_the_decision(
    world, django_capture_on_commit_callbacks
):
    staff = add_staff(world, 6)
    campaign = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        from lom.levers.services.campaigns import campaign_send

        campaign = campaign_send(actor=world.actor(world.coordinator), campaign=campaign)
    campaign.refresh_from_db()
    case = _apply_through_link(world, staff[0].user, campaign.marker_id, "Via kampanjen")
    assert case.reach_marker == campaign.marker_id
    f = campaign_funnel(campaign=campaign)
    assert (f.sent, f.opened, f.started, f.submitted, f.approved) == (9, 1, 1, 0, 0)
    html = signed_in(world.union_rep).get(reverse("levers:campaign", args=[campaign.pk]))
    assert "färre än 5" in html.content.decode()
    # Four more through the link, all submitted and approved: the counts show.
    for i, s in enumerate(staff[1:5]):
        _apply_through_link(world, s.user, campaign.marker_id, f"Via kampanjen {i}")
    for i, s in enumerate(staff[:5]):
        done = make_case(world, s.user, title=f"Inskickad {i}")
        Case.objects.filter(pk=done.pk).update(reach_marker=campaign.marker_id)
        approve(world, Case.objects.get(pk=done.pk))
    f = campaign_funnel(campaign=campaign)
    assert f.opened == 5 and f.started == 5 and f.submitted == 5 and f.approved == 5
    assert f.committed_kr == 5 * 20_000
    html = signed_in(world.union_rep).get(reverse("levers:campaign", args=[campaign.pk]))
    page = html.content.decode()
    assert 'Beviljade belopp</th><td class="num">100\u00a0000 kr' in page
    assert "Skicka kampanjen" not in page and "Stoppa kampanjen" not in page


def test_who_sees_what(world, other_world):
    add_staff(world, 5)
    campaign = draft(world)
    url = reverse("levers:campaign", args=[campaign.pk])
    assert signed_in(world.union_rep).get(reverse("levers:campaigns")).status_code == 200
    assert signed_in(world.union_rep).get(url).status_code == 200
    assert signed_in(world.employee).get(url).status_code == 403
    assert signed_in(other_world.coordinator).get(url).status_code == 404
    send = reverse("levers:campaign_send", args=[campaign.pk])
    assert signed_in(world.union_rep).post(send).status_code == 403
    assert signed_in(other_world.coordinator).post(send).status_code == 404
    assert signed_in(world.union_rep).get(reverse("levers:campaign_new")).status_code == 403


def test_the_opt_out_page_needs_no_login(world):
    staff = add_staff(world, 1)
    url = reverse("levers:optout", args=[optout_token(employee_id=staff[0].pk)])
    c = Client()
    r = c.get(url)
    assert r.status_code == 200 and "Avsluta utskicken" in r.content.decode()
    assert not OptOut.objects.exists()
    r = Client(enforce_csrf_checks=True).post(url)  # the mail program's one click
    assert r.status_code == 200 and OptOut.objects.filter(employee=staff[0]).exists()
    forged = reverse("levers:optout", args=[optout_token(employee_id=staff[0].pk) + "x"])
    assert c.get(forged).status_code == 400
