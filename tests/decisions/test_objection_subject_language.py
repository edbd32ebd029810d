"""An objection raised without a subject is named by LOM: stored as a code, shown in the
reader's language on the page, in the list, in the API and inside the notification about it.
A subject the union wrote is kept as typed."""

from django.test import Client

from lom.accounts.models import ApiToken
from lom.common.models import Notification
from lom.decisions import services as dec
from tests.factories import make_case, signed_in


def _get(user, path: str, lang: str) -> str:
    c = signed_in(user)
    c.cookies["django_language"] = lang
    r = c.get(path)
    assert r.status_code == 200
    return r.content.decode()


def test_a_named_subject_is_a_code_shown_in_the_readers_language(world):
    rep = world.actor(world.union_rep)
    general = dec.objection_raise(actor=rep, reasons="Medlen når inte deltidsanställda.")
    case = make_case(world)
    about_case = dec.objection_raise(actor=rep, case=case, reasons="Fel prioritering.")
    typed = dec.objection_raise(actor=rep, subject="Schemaläggningen", reasons="Se protokoll.")
    assert (general.subject, general.subject_code) == ("", "decisions.objection_subject_agreement")
    assert about_case.subject_params == {"n": case.number}
    assert (typed.subject, typed.subject_code) == ("Schemaläggningen", "")

    page = _get(world.coordinator, f"/decisions/objections/{general.pk}/", "en")
    assert "<h1>The application of the agreement</h1>" in page
    assert "Raised an objection" in page  # the objection's history, as a sentence
    page = _get(world.coordinator, f"/decisions/objections/{general.pk}/", "sv")
    assert "<h1>Tillämpningen av avtalet</h1>" in page

    listing = _get(world.coordinator, "/decisions/objections/", "en")
    assert f"Case {case.number}" in listing and "Schemaläggningen" in listing
    listing = _get(world.coordinator, "/decisions/objections/", "sv")
    assert f"Ärende {case.number}" in listing

    # The coordinators' notification carries the subject as a code inside its parameters.
    note = Notification.objects.filter(
        user=world.coordinator, code="decisions.objection_raised"
    ).get(params__s__code="decisions.objection_subject_agreement")
    page = _get(world.coordinator, "/decisions/notifications/", "en")
    assert f"{world.union.name} objects: The application of the agreement" in page
    assert note.text == ""

    _t, raw = ApiToken.issue(user=world.coordinator)
    r = Client().get(
        f"/api/v1/decisions/objections/{general.pk}",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200
    body = r.json()
    assert body["subject"] == "The application of the agreement"
    assert body["subject_code"] == "decisions.objection_subject_agreement"
