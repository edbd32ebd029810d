"""A notification stores a message code and its parameters, never the sentence, and is shown in
the language of whoever reads it, on the page, in the API, and when they switch language."""

import importlib

from django.apps import apps as django_apps
from django.test import Client
from django.utils import translation

from lom.accounts.models import ApiToken
from lom.common.messages import encode_params, render_message
from lom.common.models import Notification
from tests.factories import make_case, signed_in

migration = importlib.import_module("lom.common.migrations.0006_notification_text_to_code")


def test_a_notification_is_stored_as_a_code_and_shown_in_the_readers_language(world):
    case = make_case(world)  # submitted: the coordinators hear of it
    note = Notification.objects.get(user=world.coordinator, case=case)
    assert note.code == "cases.status" and note.text == ""
    assert note.params["status"] == {"msgid": "Inskickad"}
    assert "Inskickad" not in str(note.params["case"])

    c = signed_in(world.coordinator)
    c.cookies["django_language"] = "en"
    page = c.get("/decisions/notifications/").content.decode()
    assert f"{case.display_number} {case.title}: Submitted" in page
    c.cookies["django_language"] = "sv"
    page = c.get("/decisions/notifications/").content.decode()
    assert f"{case.display_number} {case.title}: Inskickad" in page


def test_the_notifications_api_gives_code_params_and_text_in_the_request_language(world):
    make_case(world)
    _t, raw = ApiToken.issue(user=world.coordinator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = Client().get("/api/v1/decisions/notifications", HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert r.status_code == 200
    [item] = [i for i in r.json()["items"] if i["code"] == "cases.status"]
    assert item["text"].endswith(": Submitted")
    assert item["params"]["status"] == {"msgid": "Inskickad"}
    r = Client().get("/api/v1/decisions/notifications", HTTP_ACCEPT_LANGUAGE="sv", **auth)
    [item] = [i for i in r.json()["items"] if i["code"] == "cases.status"]
    assert item["text"].endswith(": Inskickad")


def test_an_old_row_keeps_its_text_and_a_known_sentence_gets_its_code(world):
    old = Notification.objects.create(
        user=world.coordinator, organisation=world.org, kind="status", text="Fritt skriven text"
    )
    known = Notification.objects.create(
        user=world.coordinator,
        organisation=world.org,
        kind="objection",
        text="Arbetsgivaren har svarat på invändningen: Schemat",
    )
    migration.forwards(django_apps, None)
    old.refresh_from_db()
    known.refresh_from_db()
    assert (old.code, old.text) == ("", "Fritt skriven text")
    assert old.shown == "Fritt skriven text"
    assert known.code == "decisions.objection_answered" and known.params == {"s": "Schemat"}
    with translation.override("en"):
        assert known.shown == "The employer has answered the objection: Schemat"


def test_an_unknown_code_or_params_that_do_not_fit_never_break_the_page():
    assert render_message("no.such.code", {}) is None
    shown = render_message("cases.status", {"case": "x"}, "en")  # a parameter missing
    assert shown == "%(case)s: %(status)s"
    assert encode_params({"n": 3, "d": None}) == {"n": 3, "d": None}
