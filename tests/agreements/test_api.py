"""Agreements through the API: the page, add and change (coordinators and administrators),
and what the information page shows."""

from django.test import Client

from lom.accounts.models import ApiToken
from lom.agreements.models import LocalAgreement, MeasureType

JSON = "application/json"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def payload(**kw) -> dict:
    mt = MeasureType.objects.get(code="education")
    return {
        "title": "Lokalt avtal 2031",
        "valid_from": "2031-01-01",
        "measure_type_ids": [mt.pk],
    } | kw


def test_agreements_are_a_page(world):
    body = Client().get("/api/v1/agreements", **bearer(world.employee)).json()
    assert [a["id"] for a in body["items"]] == [
        LocalAgreement.objects.get(organisation=world.org).pk
    ]
    assert body["next_cursor"] is None


def test_a_coordinator_adds_and_changes_an_agreement(world, other_world):
    c, coord = Client(), bearer(world.coordinator)
    assert (
        c.post(
            "/api/v1/agreements", payload(), content_type=JSON, **bearer(world.employee)
        ).status_code
        == 403
    )
    r = c.post(
        "/api/v1/agreements", payload(union_ids=[world.union.pk]), content_type=JSON, **coord
    )
    assert r.status_code == 201, r.content
    agreement = LocalAgreement.objects.get(pk=r.json()["id"])
    assert agreement.organisation == world.org and list(agreement.unions.all()) == [world.union]
    url = f"/api/v1/agreements/{agreement.pk}"
    # A change of the rules needs the date the new version is to apply from...
    r = c.put(url, payload(title="Ändrat", objection_days=30), content_type=JSON, **coord)
    assert r.status_code == 400 and r.json()["field"] == "effective_from"
    # ...and becomes a draft: the title changes at once, the rules in force do not.
    r = c.put(
        url,
        payload(title="Ändrat", objection_days=30, effective_from="2031-06-01"),
        content_type=JSON,
        **coord,
    )
    assert r.status_code == 200 and r.json()["title"] == "Ändrat"
    assert r.json()["objection_days"] == 14
    agreement.refresh_from_db()
    assert agreement.objection_days == 14 and list(agreement.unions.all()) == [world.union]
    draft = agreement.versions.get(status="draft")
    assert draft.number == 2 and draft.rules["objection_days"] == 30
    assert draft.rules["union_ids"] == []
    # Another organisation's union, an end before the start: refused naming the field.
    r = c.put(url, payload(union_ids=[other_world.union.pk]), content_type=JSON, **coord)
    assert r.status_code == 400 and r.json()["field"] == "union_ids"
    r = c.put(url, payload(valid_to="2030-01-01"), content_type=JSON, **coord)
    assert r.status_code == 400 and r.json()["field"] == "valid_to"
    other = bearer(other_world.coordinator)
    assert c.put(url, payload(), content_type=JSON, **other).status_code == 404


def test_information_is_the_agreement_in_force(world):
    body = Client().get("/api/v1/information", **bearer(world.employee)).json()
    assert body["agreement"]["id"] == LocalAgreement.objects.get(organisation=world.org).pk
    LocalAgreement.objects.all().delete()
    assert Client().get("/api/v1/information", **bearer(world.employee)).json() == {
        "agreement": None
    }
