"""The case history is rendered in the reader's language: each event a sentence, the states
through the workflow's labels; the stored event keeps its codes."""

from django.test import Client

from lom.accounts.models import ApiToken
from lom.common.models import AuditEvent
from tests.factories import approve, make_case, signed_in


def _page(world, case, lang: str) -> str:
    c = signed_in(world.coordinator)
    c.cookies["django_language"] = lang
    r = c.get(f"/cases/{case.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_case_history_reads_in_english_and_in_swedish(world):
    case = approve(world, make_case(world))
    # What is stored is codes, not sentences.
    submit = AuditEvent.objects.get(case=case, action="case.submit")
    assert submit.before["status"] == "draft" and submit.after["status"] == "submitted"

    english = _page(world, case, "en")
    assert "Submitted the application (draft → submitted)" in english
    assert "Reserved the approved amount" in english
    assert "Approved the application (being processed → granted)" in english
    assert "<code>case.submit</code>" not in english and "ledger.commitment" not in english

    swedish = _page(world, case, "sv")
    assert "Skickade in ansökan (utkast → inskickad)" in swedish
    assert "Bokade det beviljade beloppet" in swedish
    assert "Submitted the application" not in swedish


def test_the_history_api_gives_the_code_and_the_sentence_in_the_request_language(world):
    case = approve(world, make_case(world))
    _t, raw = ApiToken.issue(user=world.coordinator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = Client().get(f"/api/v1/cases/{case.pk}/history", HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert r.status_code == 200
    submit = next(e for e in r.json()["items"] if e["code"] == "case.submit")
    assert submit["label"] == "Submitted the application"
    assert submit["text"] == "Submitted the application (draft → submitted)"
    assert (submit["status_before"], submit["status_after"]) == ("draft", "submitted")
    r = Client().get(f"/api/v1/cases/{case.pk}/history", HTTP_ACCEPT_LANGUAGE="sv", **auth)
    submit = next(e for e in r.json()["items"] if e["code"] == "case.submit")
    assert submit["text"] == "Skickade in ansökan (utkast → inskickad)"
