"""Every refusal of the API has the one shape ({detail, field, code}), in the caller's language."""

from django.test import Client

from lom.accounts.models import ApiToken


def bearer(user, **extra) -> dict:
    _t, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", **extra}


def test_401_has_the_one_shape_in_swedish_by_default(db):
    r = Client().get("/api/v1/cases")
    assert r.status_code == 401
    assert r.json() == {
        "detail": "Ange en giltig API-nyckel eller logga in.",
        "code": "unauthenticated",
    }
    assert r["Content-Language"] == "sv"


def test_the_caller_gets_english_when_it_asks_for_it(db):
    r = Client().get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,sv;q=0.5")
    assert r.status_code == 401
    assert r.json()["detail"] == "Provide a valid API key or log in."
    assert r["Content-Language"] == "en"
    assert "Accept-Language" in r["Vary"]


def test_an_unknown_language_falls_back_to_swedish(db):
    r = Client().get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="fi")
    assert r["Content-Language"] == "sv"


def test_pages_keep_ignoring_accept_language(db):
    r = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert r["Content-Language"] == "sv"


def test_another_organisations_case_is_a_404_in_the_one_shape(world, other_world):
    from tests.factories import make_case

    case = make_case(other_world)
    r = Client().get(f"/api/v1/cases/{case.pk}", **bearer(world.coordinator))
    assert r.status_code == 404
    assert r.json() == {"detail": "Hittades inte.", "code": "not_found"}


def test_a_request_off_the_schema_is_a_422_naming_every_field(world):
    r = Client().post(
        "/api/v1/cases",
        {"title": "x" * 10_000, "participant_count": 0},
        content_type="application/json",
        **bearer(world.employee),
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert {e["field"] for e in body["errors"]} >= {"title", "participant_count"}
    assert body["field"] in {"title", "participant_count"}
    assert body["detail"].startswith("Fältet ")


def test_a_rule_refusing_the_input_is_a_400_naming_the_field(world):
    r = Client().post(
        "/api/v1/cases",
        {"title": "Kurs", "start_date": "2027-03-02", "end_date": "2027-03-01"},
        content_type="application/json",
        **bearer(world.employee),
    )
    assert r.status_code == 400
    assert r.json()["field"] == "end_date"
    assert set(r.json()) <= {"detail", "field", "code"}


def _post(user, path: str, body: dict):
    return Client().post(f"/api/v1{path}", body, content_type="application/json", **bearer(user))


def test_a_moment_out_of_range_is_a_422_not_a_database_error(world):
    """PostgreSQL refuses an offset beyond ±16 hours; the schema refuses it first."""
    meeting = {"title": "Partsmöte", "starts_at": "0305-12-15T16:44:35-20:00"}
    r = _post(world.coordinator, "/decisions/meetings", meeting)
    assert r.status_code == 422
    assert r.json()["field"] == "starts_at"
    assert {e["code"] for e in r.json()["errors"]} == {"date_out_of_range"}
    meeting["starts_at"] = "2027-03-01T09:00:00-20:00"
    r = _post(world.coordinator, "/decisions/meetings", meeting)
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "offset_out_of_range"


def test_a_date_outside_the_years_is_a_422_naming_the_field(world):
    r = _post(world.employee, "/cases", {"title": "Kurs", "start_date": "0001-01-01"})
    assert r.status_code == 422
    assert r.json()["field"] == "start_date"
    assert "1900" in r.json()["detail"]
