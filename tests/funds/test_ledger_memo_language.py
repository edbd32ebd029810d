"""The memos LOM writes in an organisation's ledger are system text: stored as a code with
parameters and shown in the reader's language (the period page, the exports, the API). A memo
a coordinator types is kept as typed; the migration gives older rows a code only where it
recognises the sentence as the entry's own."""

import csv
import importlib
import io

from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from lom.accounts.models import ApiToken
from lom.cases import services as case_services
from lom.funds.models import EntryKind, LedgerEntry
from tests.factories import approve, make_case, signed_in

migration = importlib.import_module("lom.funds.migrations.0010_ledger_memo_to_code")


def _get(user, path: str, lang: str) -> str:
    c = signed_in(user)
    c.cookies["django_language"] = lang
    r = c.get(path)
    assert r.status_code == 200, path
    if getattr(r, "streaming", False):
        return b"".join(r.streaming_content).decode("utf-8-sig")
    return r.content.decode()


def test_a_grant_memo_is_stored_as_a_code_and_read_in_the_readers_language(world):
    case = approve(world, make_case(world, amount_ore=1000))
    entry = LedgerEntry.objects.get(case=case, kind=EntryKind.COMMITMENT)
    assert (entry.memo, entry.memo_code, entry.memo_params) == (
        "",
        "funds.granted",
        {"n": case.number},
    )
    period = f"/funds/{world.period.pk}/"
    assert f"Granted {case.number}" in _get(world.coordinator, period, "en")
    page = _get(world.coordinator, period, "sv")
    assert f"Beviljat {case.number}" in page and f"Granted {case.number}" not in page
    # The allocation the period was opened with, too.
    assert f"Allocation for {world.period.name}" in _get(world.coordinator, period, "en")

    export = reverse("reports:export_ledger_csv", args=[world.period.pk])
    rows = list(csv.reader(io.StringIO(_get(world.coordinator, export, "en")), delimiter=";"))
    assert f"Granted {case.number}" in [r[3] for r in rows]
    rows = list(csv.reader(io.StringIO(_get(world.coordinator, export, "sv")), delimiter=";"))
    assert f"Beviljat {case.number}" in [r[3] for r in rows]

    _t, raw = ApiToken.issue(user=world.coordinator)
    body = (
        Client()
        .get(
            f"/api/v1/fund-periods/{world.period.pk}/ledger",
            HTTP_ACCEPT_LANGUAGE="en",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        .json()
    )
    row = next(e for e in body["items"] if e["id"] == entry.pk)
    assert row["memo"] == f"Granted {case.number}"
    assert (row["memo_code"], row["memo_params"]) == ("funds.granted", {"n": case.number})


def test_a_typed_expense_memo_is_kept_and_an_empty_one_is_the_coded_default(world):
    case = approve(world, make_case(world, amount_ore=2000))
    coord = world.actor(world.coordinator)
    case_services.case_record_expense(actor=coord, case=case, amount_ore=500, memo="Faktura 17")
    case_services.case_record_expense(actor=coord, case=case, amount_ore=500)
    typed, default = LedgerEntry.objects.filter(case=case, kind=EntryKind.EXPENSE).order_by("id")
    assert (typed.memo, typed.memo_code) == ("Faktura 17", "")
    assert (default.memo, default.memo_code) == ("", "funds.expense")
    page = _get(world.coordinator, f"/funds/{world.period.pk}/", "en")
    assert "Faktura 17" in page and "Actual cost" in page


def test_old_rows_get_codes_only_where_the_sentence_is_the_entrys_own(world):
    case = approve(world, make_case(world, amount_ore=1000))
    other = make_case(world, amount_ore=1000)
    granted = LedgerEntry.objects.get(case=case, kind=EntryKind.COMMITMENT)
    allocation = LedgerEntry.objects.get(period=world.period, kind=EntryKind.ALLOCATION)
    coord = world.actor(world.coordinator)
    case_services.case_record_expense(actor=coord, case=case, amount_ore=100, memo="x")
    case_services.case_record_expense(actor=coord, case=case, amount_ore=100, memo="x")
    typed, english = LedgerEntry.objects.filter(case=case, kind=EntryKind.EXPENSE).order_by("id")
    LedgerEntry.objects.filter(pk=granted.pk).update(
        memo=f"Beviljat {case.number}", memo_code="", memo_params={}
    )
    LedgerEntry.objects.filter(pk=allocation.pk).update(
        memo=f"Tilldelning för {world.period.name}", memo_code="", memo_params={}
    )
    # A coordinator's own text that looks like a sentence of LOM's is not one of this entry.
    LedgerEntry.objects.filter(pk=typed.pk).update(memo=f"Beviljat {other.number}")
    LedgerEntry.objects.filter(pk=english.pk).update(memo="Actual cost")

    migration.forwards(django_apps, None)

    for e in (granted, allocation, typed, english):
        e.refresh_from_db()
    assert (granted.memo, granted.memo_code, granted.memo_params) == (
        "",
        "funds.granted",
        {"n": case.number},
    )
    assert (allocation.memo_code, allocation.memo_params) == (
        "funds.allocated",
        {"name": world.period.name},
    )
    assert (typed.memo, typed.memo_code) == (f"Beviljat {other.number}", "")
    assert (english.memo, english.memo_code) == ("", "funds.expense")

    migration.backwards(django_apps, None)
    granted.refresh_from_db()
    assert granted.memo == f"Beviljat {case.number}"
