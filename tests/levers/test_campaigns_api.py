"""The campaigns API: list (cursor pages), create (4xx naming the field), get, preview,
send, cancel, statistics; readers and writers; another organisation's campaign is 404."""

from datetime import date

from django.test import Client

from lom.accounts.models import ApiToken
from tests.levers.helpers import add_staff, draft


def _h(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def _payload(world, **changes):
    return {
        "title": "Via API",
        "subject": "Pengar för utveckling",
        "body": "Läs mer.",
        "send_on": date.today().isoformat(),
        "dimension": "unit",
        "value": str(world.unit_a.pk),
        "period_id": world.period.pk,
        "lever": "under_reached",
        "expected_effect_kr": 30000,
        **changes,
    }


def test_create_preview_send_and_statistics(world, other_world, django_capture_on_commit_callbacks):
    add_staff(world, 6)
    c, h = Client(), _h(world.coordinator)
    r = c.post("/api/v1/levers/campaigns", _payload(world), content_type="application/json", **h)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["recipients"] == 0
    cid = body["id"]
    r = c.get(f"/api/v1/levers/campaigns/{cid}/preview", **h)
    p = r.json()
    assert p["audience"]["reachable"] == 8 and not p["audience"]["too_small"]
    assert p["conversion"]["apply_source"] == "default"
    assert p["what_if"]["unused_after_kr"] == p["what_if"]["unused_now_kr"] - p["effect_kr"]
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/api/v1/levers/campaigns/{cid}/send", **h)
    assert r.status_code == 200
    r = c.get(f"/api/v1/levers/campaigns/{cid}", **h)
    assert r.json()["status"] == "sent" and r.json()["recipients"] == 8
    stats = c.get(f"/api/v1/levers/campaigns/{cid}/statistics", **_h(world.union_rep)).json()
    assert [s["code"] for s in stats["steps"]][:2] == ["sent", "delivered"]
    assert stats["steps"][0]["count"] == 8
    assert stats["steps"][2]["count"] == 0  # nobody opened it yet: 0 identifies nobody
    # twice: refused, naming the field
    r = c.post(f"/api/v1/levers/campaigns/{cid}/send", **h)
    assert r.status_code == 400 and r.json()["field"] == "status"
    assert (
        c.get(f"/api/v1/levers/campaigns/{cid}", **_h(other_world.coordinator)).status_code == 404
    )


def test_refusals_name_the_field_and_roles_are_kept(world):
    add_staff(world, 2)
    c, h = Client(), _h(world.coordinator)
    r = c.post(
        "/api/v1/levers/campaigns",
        _payload(world, dimension="unit", value=str(world.unit_b.pk)),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400 and r.json()["field"] == "value"
    r = c.post(
        "/api/v1/levers/campaigns",
        _payload(world, dimension="everyone"),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 422
    r = c.post(
        "/api/v1/levers/campaigns",
        _payload(world),
        content_type="application/json",
        **_h(world.union_rep),
    )
    assert r.status_code == 403
    assert c.get("/api/v1/levers/campaigns", **_h(world.employee)).status_code == 403


def test_the_list_is_a_cursor_page(world):
    add_staff(world, 5)
    for i in range(3):
        draft(world, title=f"K{i}")
    c, h = Client(), _h(world.union_rep)
    first = c.get("/api/v1/levers/campaigns", {"limit": 2}, **h).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = c.get("/api/v1/levers/campaigns", {"cursor": first["next_cursor"]}, **h).json()
    titles = {i["title"] for i in first["items"] + rest["items"]}
    assert titles == {"K0", "K1", "K2"}
