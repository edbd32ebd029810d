"""Bounded input in the library: texts, lists, filters, pages and ids are held to their bounds
in the form, the API schema and the service."""

import pytest
from django.test import Client

from lom.agreements.models import MeasureType
from lom.common.bounds import COMMENT_MAX, TEXT_MAX
from lom.common.errors import DomainError
from lom.library import services
from lom.library.models import LibraryEntry
from tests.api_client import error_field, token_caller
from tests.factories import make_completed_case, make_world, publish_library_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    w = make_world("libb")
    call = token_caller(w.coordinator)
    call.world = w
    return call


ENTRY = {
    "title": "Kurs i analys",
    "need": "Mer analys i verksamheten",
    "summary": "Kurs på deltid",
    "reviewed": True,
}


def _entry(**change):
    first = MeasureType.objects.order_by("pk").values_list("pk", flat=True).first()
    return {**ENTRY, "measure_type_ids": [first], **change}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"need": "x" * (10 * 1024 * 1024)}, "need"),
        ({"title": "x" * 201}, "title"),
        ({"measure_type_ids": list(range(1, 52))}, "measure_type_ids"),
        ({"contact_user_id": 2**63}, "contact_user_id"),
    ],
)
def test_api_draft_past_a_bound_is_422_naming_the_field(api, change, field):
    case = make_completed_case(api.world)
    r = api("post", f"/api/v1/library/cases/{case.pk}/entry", _entry(**change))
    assert r.status_code == 422, r.content[:300]
    assert error_field(r) == field
    assert not LibraryEntry.objects.exists()


def test_api_contact_of_another_organisation_is_400_naming_the_field(api, other_world):
    case = make_completed_case(api.world)
    r = api(
        "post",
        f"/api/v1/library/cases/{case.pk}/entry",
        _entry(contact_user_id=other_world.coordinator.pk, contact_agreed=True),
    )
    assert r.status_code == 400 and r.json()["field"] == "contact_user_id"
    assert not LibraryEntry.objects.exists()
    assert api("post", f"/api/v1/library/cases/{2**64}/entry", _entry()).status_code in (404, 422)


def test_api_enums_pages_and_ids(api):
    w = api.world
    entry = publish_library_entry(w, make_completed_case(w), publish=False)
    r = api("post", f"/api/v1/library/entries/{entry.pk}/consent", {"side": "both"})
    assert r.status_code == 422 and error_field(r) == "side"
    r = api("post", f"/api/v1/library/entries/{entry.pk}/withdraw", {"reason": "x" * 5001})
    assert r.status_code == 422 and error_field(r) == "reason"
    for query, field in (
        ("per_page=1000000", "per_page"),
        ("page=0", "page"),
        ("sector=nope", "sector"),
        ("need_met=maybe", "need_met"),
        ("q=" + "x" * 501, "q"),
    ):
        r = api("get", f"/api/v1/library/entries?{query}")
        assert r.status_code == 422 and error_field(r) == field, query
    assert api("get", "/api/v1/library/entries?sector=agency&need_met=yes").status_code == 200
    r = api("get", f"/api/v1/library/entries/{2**64}")
    assert r.status_code == 422 and error_field(r) == "entry_id"
    assert api("get", "/api/v1/library/similar?text=kurs&limit=1000").status_code == 422


def test_service_refuses_long_texts_instead_of_cutting_them():
    w = make_world("libb-svc")
    case = make_completed_case(w)
    data = services.EntryInput(
        title="Kurs",
        need="x" * (TEXT_MAX + 1),
        summary="Innehåll",
        measure_type_ids=list(MeasureType.objects.values_list("pk", flat=True)[:1]),
        reviewed=True,
    )
    with pytest.raises(DomainError) as e:
        services.library_entry_create(actor=w.actor(w.coordinator), case=case, data=data)
    assert e.value.field == "need"
    entry = publish_library_entry(w, case)
    with pytest.raises(DomainError) as e:
        services.library_entry_withdraw(
            actor=w.actor(w.coordinator), entry=entry, reason="x" * (COMMENT_MAX + 1)
        )
    assert e.value.field == "reason"
    entry.refresh_from_db()
    assert entry.is_published


def test_form_refuses_a_long_text_and_a_long_withdraw_reason():
    w = make_world("libb-form")
    case = make_completed_case(w)
    c = Client()
    c.force_login(w.coordinator)
    r = c.post(
        f"/library/new/{case.pk}/",
        {"title": "Kurs", "need": "x" * (TEXT_MAX + 1), "summary": "Innehåll", "reviewed": "on"},
    )
    assert r.status_code == 400 and r.context["form"].errors.get("need")
    entry = publish_library_entry(w, case)
    r = c.post(f"/library/{entry.pk}/withdraw/", {"reason": "x" * (COMMENT_MAX + 1)})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.is_published  # refused, with a message, not withdrawn without its reason
