"""Ledger memos that older releases wrote as a sentence (in the language of whoever caused the
entry, Swedish or English) get the code of the system message instead, when the sentence is
recognised: the kind of entry must fit, and the names and numbers in it must be the entry's own
(its period, the other period of a carry-over, its case). Any other memo (an expense's text
as a coordinator typed it) is kept as it is."""

import re

from django.db import migrations


def _p(*sentences: str) -> list[re.Pattern[str]]:
    return [re.compile(s, re.S) for s in sentences]


# Frozen copies of the messages at the time of this migration: (kind, code, patterns).
MEMOS = [
    (
        "allocation",
        "funds.allocated",
        _p(r"^Tilldelning för (?P<name>.+)$", r"^Allocation for (?P<name>.+)$"),
    ),
    (
        "carry_over",
        "funds.carried_after_close",
        _p(
            r"^Frigjort efter stängningen av (?P<a>.+), fört vidare till (?P<b>.+)$",
            r"^Released after the closing of (?P<a>.+), passed on to (?P<b>.+)$",
        ),
    ),
    (
        "carry_over",
        "funds.carry_reversed",
        _p(
            r"^Överföringen till (?P<b>.+) återförd: (?P<a>.+) öppnad igen$",
            r"^Carry-over to (?P<b>.+) reversed: (?P<a>.+) reopened$",
        ),
    ),
    (
        "carry_over",
        "funds.carried",
        _p(
            r"^Överfört från (?P<a>.+) till (?P<b>.+)$",
            r"^Carried over from (?P<a>.+) to (?P<b>.+)$",
        ),
    ),
    (
        "commitment",
        "funds.granted_reconsidered",
        _p(r"^Beviljat efter omprövning (?P<n>.+)$", r"^Granted after reconsideration (?P<n>.+)$"),
    ),
    ("commitment", "funds.granted", _p(r"^Beviljat (?P<n>.+)$", r"^Granted (?P<n>.+)$")),
    (
        "release",
        "funds.released_completed",
        _p(r"^Frigjort vid markera som avslutad$", r"^Released: mark as completed$"),
    ),
    (
        "release",
        "funds.released_withdrawn",
        _p(r"^Frigjort vid återta ansökan$", r"^Released: withdraw application$"),
    ),
    ("expense", "funds.expense", _p(r"^Faktisk kostnad$", r"^Actual cost$")),
]


def recognise(entry) -> tuple[str, dict[str, str]] | None:
    """The code and parameters of an entry's memo, or None when it is not LOM's sentence."""
    for kind, code, patterns in MEMOS:
        if entry.kind != kind:
            continue
        for pattern in patterns:
            m = pattern.match(entry.memo)
            if m is None:
                continue
            params = m.groupdict()
            if _fits(entry, params):
                return code, params
    return None


def _fits(entry, params: dict[str, str]) -> bool:
    """The names and numbers in the sentence are the entry's own."""
    if "name" in params:
        return params["name"] == entry.period.name
    if "n" in params:
        return entry.case is not None and params["n"] == entry.case.number
    if "a" in params:
        other = entry.linked_period
        names = {entry.period.name, other.name if other is not None else None}
        return {params["a"], params["b"]} <= names
    return True


def forwards(apps, schema_editor):
    LedgerEntry = apps.get_model("funds", "LedgerEntry")
    rows = (
        LedgerEntry.objects.filter(memo_code="")
        .exclude(memo="")
        .select_related("period", "linked_period", "case")
    )
    for entry in rows.iterator(chunk_size=500):
        found = recognise(entry)
        if found is not None:
            entry.memo_code, entry.memo_params = found
            entry.memo = ""
            entry.save(update_fields=["memo_code", "memo_params", "memo"])


# What an older release shows: the Swedish sentence of each code, written back on the way down.
SWEDISH = {
    "funds.allocated": "Tilldelning för %(name)s",
    "funds.carried": "Överfört från %(a)s till %(b)s",
    "funds.carried_after_close": "Frigjort efter stängningen av %(a)s, fört vidare till %(b)s",
    "funds.carry_reversed": "Överföringen till %(b)s återförd: %(a)s öppnad igen",
    "funds.granted": "Beviljat %(n)s",
    "funds.granted_reconsidered": "Beviljat efter omprövning %(n)s",
    "funds.released_completed": "Frigjort när ansökan avslutades",
    "funds.released_withdrawn": "Frigjort när ansökan återtogs",
    "funds.expense": "Faktisk kostnad",
}


def backwards(apps, schema_editor):
    LedgerEntry = apps.get_model("funds", "LedgerEntry")
    for entry in LedgerEntry.objects.filter(memo="").exclude(memo_code="").iterator(chunk_size=500):
        text = SWEDISH.get(entry.memo_code)
        if text is not None:
            try:
                entry.memo = (text % entry.memo_params)[:255]
            except (KeyError, TypeError, ValueError):
                continue
            entry.save(update_fields=["memo"])


class Migration(migrations.Migration):
    dependencies = [("funds", "0009_ledger_memo_code")]
    operations = [migrations.RunPython(forwards, backwards)]
