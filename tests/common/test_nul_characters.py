"""A NUL character in a query parameter or a JSON text is refused with 400 naming the field (on
PostgreSQL it would otherwise end in a 500), on every database."""

import json

from django.test import Client

from lom.accounts.models import ApiToken


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def test_a_nul_in_a_query_parameter_is_refused_naming_it(world):
    r = Client().get("/api/v1/cases", {"q": "ab\x00c"}, **_auth(world.coordinator))
    assert r.status_code == 400 and r.json()["field"] == "q"
    assert r.json()["code"] == "nul_character"


def test_a_nul_in_a_json_text_is_refused_naming_its_path(world):
    body = {"title": "Kurs", "cost_lines": [{"kind": "fee", "description": "x\x00y"}]}
    r = Client().post(
        "/api/v1/cases",
        json.dumps(body),
        content_type="application/json",
        **_auth(world.coordinator),
    )
    assert r.status_code == 400 and r.json()["field"] == "cost_lines[0].description"


def test_ordinary_requests_pass(world):
    r = Client().get("/api/v1/cases", {"q": "Kurs"}, **_auth(world.coordinator))
    assert r.status_code == 200


def test_pages_leave_it_to_their_forms(world):
    r = Client().get(f"/o/{world.org.slug}/guide/", {"goal": "develop", "tenure": "\x00"})
    assert r.status_code == 200
