"""Seeded criteria and pot memos that older releases stored as Swedish sentences get the code
of the system message instead, when the sentence is recognised; any other text (a criterion
the fund wrote, a memo in another wording) is kept as it is."""

import re

from django.db import migrations

# Frozen copies of the messages at the time of this migration.
CRITERIA = {
    "Deltagarna är anställda när anmälan görs och under hela insatsen": "fund.criterion.employed",
    "Insatsen svarar mot arbetsgivarens behov av kompetensförsörjning": (
        "fund.criterion.employer_need"
    ),
    "Insatsen bidrar till tidig omställning (ingen risk för arbetsbrist krävs)": (
        "fund.criterion.early"
    ),
    "Insatsen går utöver normal kompetensutveckling": "fund.criterion.beyond_normal",
    "De fackliga organisationerna har samverkat före anmälan och samverkan är protokollförd": (
        "fund.criterion.unions_consulted"
    ),
    "Insatsen utförs av fonden, arbetsgivaren eller en annan anordnare": "fund.criterion.provider",
    "Medlen används för avtalets syften": "fund.criterion.purposes",
}
MEMOS = [
    ("fund.pot_allocated", re.compile(r"^Tilldelning efter lönesumma, (?P<name>.+)$", re.S)),
    ("fund.pot_paid", re.compile(r"^Utbetalning: (?P<n>.+)$", re.S)),
    ("fund.pot_unclaimed", re.compile(r"^Ej rekvirerat, åter till potten: (?P<n>.+)$", re.S)),
    ("fund.pot_granted", re.compile(r"^Beviljat: (?P<n>.+)$", re.S)),
    ("fund.pot_lowered", re.compile(r"^Sänkt beviljat belopp: (?P<n>.+)$", re.S)),
]


def forwards(apps, schema_editor):
    Criterion = apps.get_model("fundmode", "Criterion")
    for text, code in CRITERIA.items():
        Criterion.objects.filter(text=text, text_code="").update(text="", text_code=code)
    PotEntry = apps.get_model("fundmode", "PotEntry")
    for entry in PotEntry.objects.filter(memo_code="").exclude(memo="").iterator(chunk_size=500):
        for code, pattern in MEMOS:
            m = pattern.match(entry.memo)
            if m is not None:
                entry.memo_code, entry.memo_params, entry.memo = code, m.groupdict(), ""
                entry.save(update_fields=["memo_code", "memo_params", "memo"])
                break


def backwards(apps, schema_editor):
    Criterion = apps.get_model("fundmode", "Criterion")
    for text, code in CRITERIA.items():
        Criterion.objects.filter(text="", text_code=code).update(text=text)


class Migration(migrations.Migration):
    dependencies = [("fundmode", "0005_system_text_codes")]
    operations = [migrations.RunPython(forwards, backwards)]
