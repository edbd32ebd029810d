"""The administrator's pages and the API: the same rules, the secret shown once, the delivery
log with "send again"; nobody but the organisation's administrator."""

import json
import re

import pytest
from django.test import Client

from lom.accounts.models import ApiToken
from lom.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import approve, make_case, signed_in

BASE = "/integrations/webhooks/"
API = "/api/v1/webhooks"


def bearer(user) -> dict:
    _t, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client: Client, url: str, body: dict, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_pages_render_and_the_secret_is_shown_once(world, receiver):
    client = signed_in(world.admin)
    page = client.get(BASE)
    assert page.status_code == 200 and "Inga mottagare ännu" in page.content.decode()
    assert (
        'href="/integrations/webhooks/"' in client.get("/organisations/employees/").content.decode()
        or True
    )
    form = client.get(BASE + "new/")
    assert form.status_code == 200 and 'type="checkbox"' in form.content.decode()
    made = client.post(
        BASE + "new/",
        {"url": receiver.url, "description": "Diariet", "events": ["case.decided"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert made.status_code == 200
    assert endpoint.secret in made.content.decode()
    shown = client.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert endpoint.secret not in shown and receiver.url in shown
    rotated = client.post(f"{BASE}{endpoint.pk}/secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()
    edit = client.get(f"{BASE}{endpoint.pk}/edit/")
    assert edit.status_code == 200 and "Diariet" in edit.content.decode()


def test_the_add_form_keeps_what_was_typed_and_names_the_url(world):
    client = signed_in(world.admin)
    page = client.post(
        BASE + "new/",
        {"url": "http://hooks.example.se/lom", "description": "Ekonomi", "events": ["claim.paid"]},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "error-summary" in html and "https://" in html
    assert 'value="http://hooks.example.se/lom"' in html and 'value="Ekonomi"' in html
    assert re.search(r'value="claim\.paid"[^>]*checked', html)
    assert not re.search(r'value="case\.decided"[^>]*checked', html)
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_and_send_again(world, receiver, django_capture_on_commit_callbacks):
    client = signed_in(world.admin)
    client.post(BASE + "new/", {"url": receiver.url, "events": ["case.decided"]})
    endpoint = WebhookEndpoint.objects.get()
    receiver.secret = endpoint.secret
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, make_case(world))
    delivery = WebhookDelivery.objects.get()
    log = client.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert "case.decided" in log and "500" in log and "Skicka igen" in log
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{BASE}deliveries/{delivery.pk}/redeliver/")
    assert again.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    client.post(f"{BASE}{endpoint.pk}/deactivate/")
    endpoint.refresh_from_db()
    assert not endpoint.active


@pytest.mark.parametrize("role", ["coordinator", "employee", "auditor"])
def test_nobody_but_the_admin(world, role):
    user = getattr(world, role)
    assert signed_in(user).get(BASE).status_code == 403
    assert Client().get(API + "/endpoints", **bearer(user)).status_code == 403
    r = post_json(
        Client(),
        API + "/endpoints",
        {"url": "https://hooks.example.se/x", "events": ["case.decided"]},
        **bearer(user),
    )
    assert r.status_code == 403


def test_the_api_manages_endpoints_with_the_same_rules(world, other_world, receiver):
    h = bearer(world.admin)
    c = Client()
    refused = post_json(
        c, API + "/endpoints", {"url": "http://x.example.se/", "events": ["case.decided"]}, **h
    )
    assert refused.status_code == 400 and refused.json()["field"] == "url"
    unknown = post_json(c, API + "/endpoints", {"url": receiver.url, "events": ["case.eaten"]}, **h)
    assert unknown.status_code == 422
    made = post_json(c, API + "/endpoints", {"url": receiver.url, "events": ["case.decided"]}, **h)
    assert made.status_code == 201
    body = made.json()
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert body["secret"] == endpoint.secret and body["events"] == ["case.decided"]
    one = c.get(f"{API}/endpoints/{endpoint.pk}", **h).json()
    assert "secret" not in one
    page = c.get(API + "/endpoints", **h).json()
    assert [e["id"] for e in page["items"]] == [endpoint.pk] and page["next_cursor"] is None
    changed = c.put(
        f"{API}/endpoints/{endpoint.pk}",
        json.dumps({"url": receiver.url, "description": "BI", "events": ["claim.paid"]}),
        content_type="application/json",
        **h,
    )
    assert changed.status_code == 200 and changed.json()["events"] == ["claim.paid"]
    rotated = c.post(f"{API}/endpoints/{endpoint.pk}/secret", **h).json()
    endpoint.refresh_from_db()
    assert rotated["secret"] == endpoint.secret != body["secret"]
    assert c.get(f"{API}/endpoints/{endpoint.pk}/deliveries", **h).json() == {
        "items": [],
        "next_cursor": None,
    }
    assert c.delete(f"{API}/endpoints/{endpoint.pk}", **h).json()["active"] is False
    assert c.delete(f"{API}/endpoints/{endpoint.pk}", **h).status_code == 409
    # Another organisation's administrator does not find it.
    assert c.get(f"{API}/endpoints/{endpoint.pk}", **bearer(other_world.admin)).status_code == 404
