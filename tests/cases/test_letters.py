"""The decision letter: issued at every decision in the applicant's language, sealed, registered
in the diarium, shown on the case page and read through the API."""

import hashlib
import io
from datetime import timedelta

import pypdf
import pytest
from django.utils import timezone

from lom.cases import services as case_services
from lom.cases.letters import letter_text
from lom.cases.models import DecisionLetter
from lom.diarium.models import RegisteredDocument
from tests.api_client import token_caller
from tests.factories import approve, make_case, set_agreement_rules, signed_in


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    )


def reject(world, case, reason="Insatsen är ordinarie kompetensutveckling."):
    coord = world.actor(world.coordinator)
    if case.status == "submitted":
        case = case_services.case_transition(actor=coord, case=case, name="start_review")
    return case_services.case_transition(actor=coord, case=case, name="reject", reason=reason)


def stored_pdf(letter: DecisionLetter) -> bytes:
    with letter.sealed_file.open("rb") as f:
        return f.read()


@pytest.mark.django_db
class TestIssue:
    def test_a_lower_approval_in_swedish(self, world):
        case = approve(world, make_case(world, amount_ore=20_000_00), amount_ore=12_500_00)
        (letter,) = case.letters.all()
        today = timezone.localdate()
        assert letter.language == "sv" and letter.recipient == "Eva Ek"
        assert letter.reconsideration_until == today + timedelta(days=21)
        assert letter.objection_until == today + timedelta(days=14)
        data = stored_pdf(letter)
        assert hashlib.sha256(data).hexdigest() == letter.sealed_sha256
        assert letter.sealed_by == world.coordinator
        text = pdf_text(data)
        for expected in (
            "Organisation alfa",
            case.number,
            today.isoformat(),
            "Din ansökan är beviljad.",
            "20 000,00 kr",
            "12 500,00 kr",
            "Bra insats.",
            f"senast {(today + timedelta(days=21)).isoformat()}",
            "21 dagar",
            "inom 14 dagar",
            letter.register_number,
        ):
            assert expected in text, expected

    def test_a_rejection_in_english(self, world):
        world.employee.language = "en"
        world.employee.save(update_fields=["language"])
        case = reject(world, make_case(world, amount_ore=8_000_00))
        (letter,) = case.letters.all()
        assert letter.language == "en"
        text = pdf_text(stored_pdf(letter))
        today = timezone.localdate()
        for expected in (
            "Decision on transition funds",
            "Your application has been rejected.",
            "SEK 8,000.00",
            "Insatsen är ordinarie kompetensutveckling.",
            f"arrive by {(today + timedelta(days=21)).isoformat()}",
            "within 14 days",
        ):
            assert expected in text, expected
        assert "beviljad" not in text and "Amount granted" not in text

    def test_a_full_approval_offers_no_reconsideration(self, world):
        case = approve(world, make_case(world, amount_ore=5_000_00))
        letter = case.letters.get()
        assert letter.reconsideration_until is None
        text = letter_text(letter)
        assert text.reconsideration == "" and "14 dagar" in text.objection

    def test_the_deadlines_follow_the_agreement(self, world):
        set_agreement_rules(world.org, reconsideration_days=30, objection_days=10)
        case = reject(world, make_case(world))
        letter = case.letters.get()
        today = timezone.localdate()
        assert letter.reconsideration_until == today + timedelta(days=30)
        assert letter.objection_until == today + timedelta(days=10)

    def test_registered_in_the_diarium(self, world):
        case = reject(world, make_case(world))
        letter = case.letters.get()
        row = RegisteredDocument.objects.get(
            target_type="cases.decisionletter", target_id=letter.pk
        )
        assert (row.kind, row.direction, row.secrecy) == ("decision_letter", "outgoing", "review")
        assert (row.party, row.case_id, row.case_number) == ("Eva Ek", case.pk, case.number)
        assert row.number == letter.register_number
        assert row.title == f"Beslutsbrev {case.number}: avslagen"


@pytest.mark.django_db
class TestReading:
    def test_the_case_page_links_the_letter_for_the_applicant_and_the_coordinator(self, world):
        case = approve(world, make_case(world))
        letter = case.letters.get()
        url = f"/cases/{case.pk}/letters/{letter.pk}.pdf"
        for user in (world.employee, world.coordinator):
            client = signed_in(user)
            assert url in client.get(f"/cases/{case.pk}/").content.decode()
            response = client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == stored_pdf(letter)
        rep = signed_in(world.union_rep)
        assert url not in rep.get(f"/cases/{case.pk}/").content.decode()
        assert rep.get(url).status_code == 403

    def test_the_api_lists_and_serves_the_letter(self, world, other_world):
        case = approve(world, make_case(world))
        letter = case.letters.get()
        call = token_caller(world.employee)
        items = call("get", f"/api/v1/cases/{case.pk}/letters").json()["items"]
        assert [(i["id"], i["language"], i["outcome"]) for i in items] == [
            (letter.pk, "sv", "approved")
        ]
        assert items[0]["sha256"] == letter.sealed_sha256
        response = call("get", f"/api/v1/cases/{case.pk}/letters/{letter.pk}.pdf")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == stored_pdf(letter)
        stranger = token_caller(other_world.coordinator)
        assert (
            stranger("get", f"/api/v1/cases/{case.pk}/letters/{letter.pk}.pdf").status_code == 404
        )
        assert (
            token_caller(world.union_rep)("get", f"/api/v1/cases/{case.pk}/letters").status_code
            == 403
        )
