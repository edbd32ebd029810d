"""The criteria a period is seeded with and the memos of the pot ledger are system text: stored
as codes, shown in the reader's language. A criterion the fund rewrites is kept as written."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import translation

from lom.accounts.models import ApiToken
from lom.fundmode import services as fs
from lom.fundmode.models import Criterion, PotEntry
from lom.fundmode.selectors import criteria_for
from tests.factories import make_fund, open_and_allocate, signed_in

migration = importlib.import_module("lom.fundmode.migrations.0006_system_text_to_codes")


@pytest.fixture
def fw(world, other_world):
    f = make_fund(members=[world.org, other_world.org])
    f.alfa, f.beta = world, other_world
    return f


def _get(user, path: str, lang: str) -> str:
    c = signed_in(user)
    c.cookies["django_language"] = lang
    r = c.get(path)
    assert r.status_code == 200, path
    return r.content.decode()


def test_seeded_criteria_and_pot_memos_read_in_the_readers_language(fw):
    r = open_and_allocate(fw)
    first = criteria_for(fund_round=r).first()
    assert (first.text, first.text_code) == ("", "fund.criterion.employed")
    entry = PotEntry.objects.filter(pot__round=r).first()
    assert entry.memo == "" and entry.memo_code == "fund.pot_allocated"
    assert entry.memo_params == {"name": r.name}

    page = _get(fw.admin, f"/fund/periods/{r.pk}/criteria/", "en")
    assert "The participants are employed when the notification is made" in page
    page = _get(fw.admin, f"/fund/periods/{r.pk}/criteria/", "sv")
    assert "Deltagarna är anställda när anmälan görs" in page

    page = _get(fw.admin, f"/fund/pots/{entry.pot_id}/", "en")
    assert f"Allocation by payroll, {r.name}" in page
    page = _get(fw.admin, f"/fund/pots/{entry.pot_id}/", "sv")
    assert f"Tilldelning efter lönesumma, {r.name}" in page

    _t, raw = ApiToken.issue(user=fw.admin)
    api = Client().get(
        f"/api/v1/fund/periods/{r.pk}/criteria",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert api.status_code == 200
    body = api.json()
    rows = body["items"] if isinstance(body, dict) else body
    row = next(c for c in rows if c["id"] == first.pk)
    assert row["text_code"] == "fund.criterion.employed"
    assert row["text"].startswith("The participants are employed")


def test_a_rewritten_criterion_is_kept_as_written_and_an_unchanged_one_stays_coded(fw):
    r = open_and_allocate(fw)
    admin = fw.actor(fw.admin)
    first, second = list(criteria_for(fund_round=r))[:2]
    with translation.override("sv"):
        fs.criterion_save(
            actor=admin, fund_round=r, criterion=first, text=first.text_shown, help_text="Se avtal"
        )
    fs.criterion_save(actor=admin, fund_round=r, criterion=second, text="Egen formulering")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.text_code == "fund.criterion.employed" and first.help_text == "Se avtal"
    assert (second.text, second.text_code) == ("Egen formulering", "")
    with translation.override("en"):
        assert second.text_shown == "Egen formulering"


def test_old_rows_get_codes_where_the_sentence_is_known(fw):
    r = open_and_allocate(fw)
    Criterion.objects.filter(round=r, text_code="fund.criterion.purposes").update(
        text="Medlen används för avtalets syften", text_code=""
    )
    own = Criterion.objects.create(round=r, order=99, text="Fondens eget kriterium")
    entry = PotEntry.objects.filter(pot__round=r).first()
    PotEntry.objects.filter(pk=entry.pk).update(memo="Utbetalning: F-2025-0001", memo_code="")
    migration.forwards(django_apps, None)
    own.refresh_from_db()
    entry.refresh_from_db()
    assert (own.text, own.text_code) == ("Fondens eget kriterium", "")
    assert Criterion.objects.get(round=r, order=7).text_code == "fund.criterion.purposes"
    assert (entry.memo_code, entry.memo_params) == ("fund.pot_paid", {"n": "F-2025-0001"})
