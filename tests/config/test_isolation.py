"""Walk every URL and API route as every role of one organisation, pointed at the objects of
another: nothing of the other organisation may leak, and nothing may answer 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lom.agreements.models import LocalAgreement
from lom.cases import services
from lom.organisations.models import Membership
from tests.factories import approve, make_case

SLUG_VALUES = {
    "step": ["start", "details", "costs", "review"],
    "name": [
        "submit",
        "endorse",
        "start_review",
        "approve",
        "reject",
        "withdraw",
        "complete",
        "return",
        "start",
    ],
}
SKIP_PREFIXES = ("django-admin/", "i18n/", "static/", "media/")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _routes():
    out = []
    for route in _walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        if route.startswith(SKIP_PREFIXES) or "openapi" in route or "docs" in route:
            continue
        out.append(route)
    return sorted(set(out))


def _fill(route, ids):
    """Expand a route pattern into concrete paths using the other organisation's ids."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>|\{(\w+)\}", route)
    paths = [route]
    for conv, name, ninja_name in params:
        key = name or ninja_name
        new = []
        for path in paths:
            token = f"<{conv}:{name}>" if conv else (f"<{name}>" if name else "{" + key + "}")
            values = SLUG_VALUES.get(key) or [
                ids.get(f"{route.split('/')[0]}/{key}") or ids.get(key, 1)
            ]
            # A route's own object kind wins: /decisions/meetings/<pk>/ takes a meeting id.
            for prefix, value in ids.get("by_prefix", {}).items():
                if route.startswith(prefix) and key == "pk":
                    values = [value]
            for v in values:
                new.append(path.replace(token, str(v), 1))
        paths = new
    return ["/" + p for p in paths]


@pytest.fixture
def two_orgs(world, other_world):
    secret = make_case(
        other_world, title="Hemlig ansökan BETA", private_reason="Hemlig hälsouppgift"
    )
    approved = approve(other_world, make_case(other_world, title="Beviljad BETA"))
    att = services.case_attachment_add(
        actor=other_world.actor(other_world.employee),
        case=secret,
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 beta", content_type="application/pdf"),
    )
    from datetime import timedelta

    from django.utils import timezone

    from lom.decisions import services as dec

    coord = other_world.actor(other_world.coordinator)
    in_review = services.case_transition(
        actor=coord, case=make_case(other_world, title="Hemlig ansökan BETA"), name="start_review"
    )
    meeting = dec.meeting_create(
        actor=coord, title="Hemligt möte BETA", starts_at=timezone.now(), attendee_ids=[]
    )
    item = dec.meeting_add_case(actor=coord, meeting=meeting, case=in_review)
    objection = dec.objection_raise(
        actor=other_world.actor(other_world.union_rep),
        case=secret,
        reasons="Hemlig invändning BETA",
    )
    rnd = dec.round_create(
        actor=coord,
        title="Hemlig omgång BETA",
        call_text="x",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=5),
        budget_ore=100,
        period=other_world.period,
        criteria=[("a", 5)],
    )
    ids = {
        "by_prefix": {
            "decisions/meetings/": meeting.pk,
            "decisions/items/": item.pk,
            "decisions/objections/": objection.pk,
            "decisions/rounds/": rnd.pk,
        },
        "pk": secret.pk,
        "case_id": approved.pk,
        "period_id": other_world.period.pk,
        "agreement_id": LocalAgreement.objects.get(organisation=other_world.org).pk,
    }
    extra = {
        "attachment": att.pk,
        "employee": other_world.employee_rec.pk,
        "membership": Membership.objects.filter(organisation=other_world.org).first().pk,
    }
    return world, other_world, ids, extra


def _leaks(body: str) -> bool:
    return any(
        s in body
        for s in (
            "Hemlig ansökan BETA",
            "Beviljad BETA",
            "Hemlig hälsouppgift",
            "Organisation beta",
            "Hemligt möte BETA",
            "Hemlig invändning BETA",
            "Hemlig omgång BETA",
        )
    )


ROLES = ["employee", "manager", "coordinator", "union_rep", "decision_maker", "auditor", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_no_route_leaks_another_organisation(two_orgs, role):
    world, other, ids, extra = two_orgs
    c = Client(raise_request_exception=False)
    c.force_login(world.users[role])
    paths = []
    for route in _routes():
        paths += _fill(route, ids)
    # Object ids that appear under other names in specific routes.
    paths += [
        f"/cases/attachments/{extra['attachment']}/",
        f"/organisation/employees/{extra['employee']}/",
        f"/funds/{other.period.pk}/",
        f"/agreements/{ids['agreement_id']}/edit/",
    ]
    assert len(paths) > 30
    checked = 0
    for path in paths:
        for method in ("get", "post"):
            r = getattr(c, method)(path)
            # The readiness probe answers 503 by design while no worker or scheduler runs.
            not_ready = path == "/readyz" and r.status_code == 503
            assert r.status_code < 500 or not_ready, (method, path, r.status_code)
            body = r.getvalue().decode(errors="replace") if r.status_code == 200 else ""
            assert not _leaks(body), (method, path)
            checked += 1
    # The revoke route must not touch the other organisation's membership.
    c.post(f"/organisation/roles/{extra['membership']}/revoke/")
    assert Membership.objects.filter(pk=extra["membership"]).exists()
    assert checked > 60


def test_api_token_of_one_org_cannot_read_the_other(two_orgs):
    from lom.accounts.models import ApiToken

    world, other, ids, _extra = two_orgs
    _token, raw = ApiToken.issue(user=world.coordinator)
    c = Client()
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert c.get(f"/api/v1/cases/{ids['pk']}", **h).status_code == 404
    assert c.get(f"/api/v1/fund-periods/{ids['period_id']}", **h).status_code == 404
    assert c.get(f"/api/v1/fund-periods/{ids['period_id']}/ledger", **h).status_code == 404
    assert c.get(f"/api/v1/agreements/{ids['agreement_id']}", **h).status_code == 404
    r = c.post(
        f"/api/v1/cases/{ids['pk']}/transitions",
        {"name": "start_review"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 404
    # Claiming the other organisation in the header does not help either.
    r = c.get("/api/v1/cases", HTTP_X_LOM_ORGANISATION=str(other.org.pk), **h)
    assert r.status_code == 200 and not _leaks(r.content.decode())
