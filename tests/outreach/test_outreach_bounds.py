"""Bounded input in outreach, and typed answers: every operation of the library, events and
outreach routers answers with a named schema, never a bare dict."""

from datetime import date

import pytest
from django.test import Client

from lom.common.errors import DomainError
from lom.outreach import services
from lom.outreach.models import ContactPerson, NewsItem
from tests.api_client import error_field, token_caller

pytestmark = pytest.mark.django_db
TODAY = date.today().isoformat()


@pytest.fixture
def api(world):
    return token_caller(world.coordinator)


@pytest.mark.parametrize(
    "url, payload, field",
    [
        ("news", {"title": "T", "body": "x" * (10 * 1024 * 1024), "publish_from": TODAY}, "body"),
        ("news", {"title": "x" * 161, "body": "Text", "publish_from": TODAY}, "title"),
        (
            "campaigns",
            {"title": "T", "text": "x", "starts_on": TODAY, "ends_on": TODAY, "status": "live"},
            "status",
        ),
        (
            "campaigns",
            {
                "title": "T",
                "text": "x",
                "starts_on": TODAY,
                "ends_on": TODAY,
                "measure_type_codes": ["x"] * 51,
            },
            "measure_type_codes",
        ),
        (
            "contacts",
            {"name": "N", "role": "R", "email": "a@b.se", "sort_order": 2**63},
            "sort_order",
        ),
        ("contacts", {"name": "N", "role": "R", "email": "a@b.se", "union_id": 2**63}, "union_id"),
        ("contacts", {"name": "N", "role": "R", "email": "a@b.se", "phone": "1" * 41}, "phone"),
    ],
)
def test_api_past_a_bound_is_422_naming_the_field(api, url, payload, field):
    r = api("post", f"/api/v1/outreach/{url}", payload)
    assert r.status_code == 422, r.content[:300]
    assert error_field(r) == field
    assert not NewsItem.objects.exists() and not ContactPerson.objects.exists()


def test_api_ids_of_another_organisation_or_past_a_column(api, world, other_world):
    r = api(
        "post",
        "/api/v1/outreach/contacts",
        {"name": "N", "role": "R", "email": "a@b.se", "union_id": other_world.union.pk},
    )
    assert r.status_code == 400 and r.json()["field"] == "union_id"
    assert not ContactPerson.objects.exists()
    for kind in ("news", "campaigns", "contacts"):
        assert api("put", f"/api/v1/outreach/{kind}/{2**64}", {}).status_code in (404, 422)
    for kind, param in (
        ("news", "news_id"),
        ("campaigns", "campaign_id"),
        ("contacts", "contact_id"),
    ):
        past = api("get", f"/api/v1/outreach/{kind}/{2**64}")
        assert past.status_code == 422 and error_field(past) == param
        other = api("get", f"/api/v1/outreach/{kind}/999999")
        assert other.status_code == 404
    r = Client().get(f"/api/v1/outreach/public/{world.org.slug}/guide?goal=x")
    assert r.status_code == 400 and r.json()["field"] == "goal"
    r = Client().get(f"/api/v1/outreach/public/{world.org.slug}/guide?" + "suits=course&" * 21)
    assert r.status_code == 422 and error_field(r) == "suits"


def test_service_checks_phone_and_email_length(world):
    coord = world.actor(world.coordinator)
    with pytest.raises(DomainError) as e:
        services.contact_save(actor=coord, name="N", role="R", email="a@b.se", phone="1" * 41)
    assert e.value.field == "phone"
    with pytest.raises(DomainError) as e:
        services.contact_save(actor=coord, name="N", role="R", email="a" * 250 + "@b.se")
    assert e.value.field == "email"
    assert not ContactPerson.objects.exists()


def _is_typed(schema: dict) -> bool:
    """A named schema ($ref), a list of named schemas, or nothing (204)."""
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _is_typed(schema.get("items", {}))
    return False


def test_every_operation_of_library_events_and_outreach_has_a_typed_answer(world):
    c = Client()
    c.force_login(world.coordinator)
    spec = c.get("/api/v1/openapi.json").json()
    prefixes = ("/api/v1/library", "/api/v1/events", "/api/v1/outreach")
    checked = 0
    for path, ops in spec["paths"].items():
        if not path.startswith(prefixes):
            continue
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                content = answer["content"]
                if "application/json" not in content:  # a file: declared as binary
                    assert all(c["schema"]["format"] == "binary" for c in content.values())
                    continue
                schema = content["application/json"]["schema"]
                assert _is_typed(schema), (method, path, status, schema)
                checked += 1
    assert checked >= 30
