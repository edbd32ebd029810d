"""The main flows at the HTTP level (Django test client), as each user would do them."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lom.agreements.models import MeasureType
from lom.cases.models import Case, Status
from lom.funds.selectors import fund_balance
from tests.factories import make_case


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_employee_applies_step_by_step_and_submits(world):
    c = client_for(world.employee)
    # The information page is rendered from the agreement.
    r = c.get(reverse("information"))
    assert "Medlen används för proaktiv omställning." in r.content.decode()
    mt = MeasureType.objects.get(code="coaching")
    r = c.post(
        reverse("cases:create"),
        {
            "title": "Karriärcoachning",
            "kind": "individual",
            "participant_count": 1,
            "measure_types": [mt.pk],
            "purpose": "move",
        },
    )
    case = Case.objects.get(title="Karriärcoachning")
    assert r.status_code == 302 and r["Location"].endswith("/edit/details/")
    start = date.today() + timedelta(days=10)
    r = c.post(
        reverse("cases:edit", args=[case.pk, "details"]),
        {
            "business_need": "Nya digitala arbetssätt.",
            "description": "Fem coachsamtal.",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=60)).isoformat(),
        },
    )
    assert r.status_code == 302
    r = c.post(
        reverse("cases:edit", args=[case.pk, "costs"]),
        {
            "cost-TOTAL_FORMS": 2,
            "cost-INITIAL_FORMS": 0,
            "cost-MIN_NUM_FORMS": 0,
            "cost-MAX_NUM_FORMS": 30,
            "cost-0-kind": "coaching",
            "cost-0-description": "5 samtal",
            "cost-0-amount": "12 500",
            "cost-1-kind": "",
            "cost-1-description": "",
            "cost-1-amount": "",
        },
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.requested_ore == 12_500_00
    pdf = SimpleUploadedFile("kursplan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = c.post(reverse("cases:attachment", args=[case.pk]), {"file": pdf, "next": "review"})
    assert r.status_code == 302
    r = c.post(reverse("cases:submit", args=[case.pk]))
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.number
    assert case.attachments.get().register_number == f"{case.number}:1"
    # The applicant follows the status and comments.
    r = c.get(reverse("cases:detail", args=[case.pk]))
    page = r.content.decode()
    assert case.number in page and "Inskickad" in page
    c.post(reverse("cases:comment", args=[case.pk]), {"text": "Kursen börjar i mars."})
    assert case.comments.get().text == "Kursen börjar i mars."


def test_a_rejected_form_keeps_what_the_user_typed(world):
    c = client_for(world.employee)
    case = make_case(world, submit=False)
    r = c.post(
        reverse("cases:edit", args=[case.pk, "details"]),
        {
            "business_need": "Mitt viktiga behov",
            "description": "Min långa beskrivning",
            "start_date": "2030-05-10",
            "end_date": "2030-01-01",
        },
    )
    assert r.status_code == 400  # refused, what was typed is kept
    page = r.content.decode()
    assert "Mitt viktiga behov" in page and "Min långa beskrivning" in page
    assert 'class="error-summary"' in page
    assert "Slutdatum kan inte vara före startdatum." in page
    assert 'aria-invalid="true"' in page


def test_bad_amount_gives_a_message_next_to_the_field(world):
    c = client_for(world.employee)
    case = make_case(world, submit=False)
    r = c.post(
        reverse("cases:edit", args=[case.pk, "costs"]),
        {
            "cost-TOTAL_FORMS": 1,
            "cost-INITIAL_FORMS": 0,
            "cost-MIN_NUM_FORMS": 0,
            "cost-MAX_NUM_FORMS": 30,
            "cost-0-kind": "travel",
            "cost-0-description": "Tåg",
            "cost-0-amount": "tolv tusen",
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Ange ett belopp i kronor" in page and 'value="tolv tusen"' in page


def test_attachment_of_wrong_type_is_refused(world):
    c = client_for(world.employee)
    case = make_case(world)
    exe = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    r = c.post(reverse("cases:attachment", args=[case.pk]), {"file": exe}, follow=True)
    assert "stämmer inte med filtypen" in r.content.decode()
    assert case.attachments.count() == 0


def test_coordinator_reviews_approves_and_fund_overview_shows_commitment(world):
    case = make_case(world, amount_ore=40_000_00)
    c = client_for(world.coordinator)
    r = c.get(reverse("cases:list") + "?status=submitted")
    assert case.number in r.content.decode()
    c.post(reverse("cases:transition", args=[case.pk, "start_review"]))
    r = c.post(
        reverse("cases:transition", args=[case.pk, "approve"]),
        {"reason": "Svarar mot behovet.", "amount": "35 000", "period": ""},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.APPROVED and case.approved_ore == 35_000_00
    r = c.get(reverse("funds:overview"))
    page = r.content.decode()
    assert "35\u00a0000,00\u00a0kr" in page  # committed
    assert "965\u00a0000,00\u00a0kr" in page  # remaining
    # The applicant sees the decision and its reasoning.
    r = client_for(world.employee).get(reverse("cases:detail", args=[case.pk]))
    assert "Svarar mot behovet." in r.content.decode()


def test_approval_over_remaining_funds_explains_why(world):
    case = make_case(world, amount_ore=40_000_00)
    from lom.funds.services import ledger_post

    ledger_post(period=world.period, kind="commitment", amount_ore=990_000_00, actor=None)
    c = client_for(world.coordinator)
    c.post(reverse("cases:transition", args=[case.pk, "start_review"]))
    r = c.post(
        reverse("cases:transition", args=[case.pk, "approve"]),
        {"reason": "Ok", "amount": "", "period": ""},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "inte tillräckligt med medel" in page and "10\u00a0000,00\u00a0kr" in page
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


def test_coordinator_returns_for_completion_and_records_expense_and_completes(world):
    case = make_case(world, amount_ore=20_000_00)
    c = client_for(world.coordinator)
    c.post(reverse("cases:transition", args=[case.pk, "start_review"]))
    c.post(reverse("cases:transition", args=[case.pk, "return"]), {"reason": "Bifoga kursplan."})
    case.refresh_from_db()
    assert case.status == Status.RETURNED
    e = client_for(world.employee)
    assert e.post(reverse("cases:submit", args=[case.pk])).status_code == 302
    c.post(reverse("cases:transition", args=[case.pk, "start_review"]))
    c.post(
        reverse("cases:transition", args=[case.pk, "approve"]),
        {"reason": "Ok", "amount": "", "period": ""},
    )
    c.post(reverse("cases:expense", args=[case.pk]), {"amount": "15 000", "memo": "Faktura 1"})
    c.post(reverse("cases:transition", args=[case.pk, "complete"]))
    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    b = fund_balance(period=world.period)
    assert (b.spent, b.committed) == (15_000_00, 0)


def test_manager_sees_unit_cases_and_endorses(db):
    from tests.factories import make_world

    w = make_world("endo", endorsement=True)
    case = make_case(w)
    c = client_for(w.manager)
    r = c.get(reverse("cases:list"))
    assert case.number in r.content.decode()
    c.post(reverse("cases:transition", args=[case.pk, "endorse"]))
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_employee_cannot_approve_over_http(world):
    case = make_case(world)
    c = client_for(world.employee)
    r = c.post(
        reverse("cases:transition", args=[case.pk, "approve"]),
        {"reason": "jag beviljar mig själv", "amount": ""},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_list_pages_use_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(3):
        make_case(world)
    c = client_for(world.coordinator)
    urls = ("/cases/", "/funds/", "/", "/api/v1/cases")
    for url in urls:  # warm up the session and the caches (the levers panel is kept 10 min)
        c.get(url)

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = {u: count(u) for u in urls}
    for _ in range(25):
        make_case(world)
    many = {u: count(u) for u in few}
    assert few == many
    assert max(many.values()) <= 15


def test_case_page_query_count_does_not_grow_with_history(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case(world)
    c = client_for(world.coordinator)
    url = reverse("cases:detail", args=[case.pk])
    c.get(url)
    with CaptureQueriesContext(connection) as small:
        c.get(url)
    for i in range(10):
        c.post(reverse("cases:comment", args=[case.pk]), {"text": f"kommentar {i}"})
    with CaptureQueriesContext(connection) as big:
        c.get(url)
    assert len(small) == len(big)


@pytest.mark.parametrize("lang,expected", [("sv", "Ärenden"), ("en", "Cases")])
def test_ui_is_swedish_by_default_and_english_on_request(world, lang, expected):
    c = client_for(world.employee)
    c.cookies["django_language"] = lang
    r = c.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert expected in r.content.decode()
    assert r["Content-Language"] == lang
