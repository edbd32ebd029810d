"""Notifications stored as a sentence by older releases get the code and parameters of the
system message they were rendered from, where the sentence is recognised; any other row keeps
its text as it is. Only messages whose parameters are names, numbers, titles or dates are
recognised: a parameter that was itself translated (a status label) cannot be told back."""

import re

from django.db import migrations

# code: (Swedish source, English); a frozen copy of the messages at the time of this migration.
KNOWN = {
    "decisions.objection_raised": ("%(u)s invänder: %(s)s", "%(u)s objects: %(s)s"),
    "decisions.objection_answered": (
        "Arbetsgivaren har svarat på invändningen: %(s)s",
        "The employer has answered the objection: %(s)s",
    ),
    "decisions.agenda_added": (
        "%(case)s är uppsatt på dagordningen till %(m)s",
        "%(case)s has been put on the agenda for %(m)s",
    ),
    "support.taken": (
        "En vägledare har tagit din ansökan om individuellt stöd.",
        "A counsellor has taken your application for individual support.",
    ),
    "support.closed": (
        "Din ansökan om individuellt stöd är avslutad.",
        "Your application for individual support is closed.",
    ),
    "fund.claim_new": ("Ny rekvisition: %(n)s %(t)s", "New claim: %(n)s %(t)s"),
    "fund.claim_returned": (
        "Fonden har återsänt rekvisitionen för %(n)s",
        "The fund has returned the claim for %(n)s",
    ),
}

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _pattern(template: str) -> re.Pattern[str]:
    out, last = [], 0
    for m in PLACEHOLDER.finditer(template):
        out.append(re.escape(template[last : m.start()]))
        out.append(rf"(?P<{m.group(1)}>\d+)" if m.group(2) == "d" else rf"(?P<{m.group(1)}>.+?)")
        last = m.end()
    out.append(re.escape(template[last:]))
    return re.compile("^" + "".join(out) + "$", re.S)


PATTERNS = [(code, _pattern(t)) for code, pair in KNOWN.items() for t in pair]


def forwards(apps, schema_editor):
    Notification = apps.get_model("common", "Notification")
    for row in Notification.objects.filter(code="").exclude(text="").iterator(chunk_size=500):
        for code, pattern in PATTERNS:
            m = pattern.match(row.text)
            if m is None:
                continue
            row.code, row.params, row.text = code, m.groupdict(), ""
            row.save(update_fields=["code", "params", "text"])
            break


def backwards(apps, schema_editor):
    pass  # the text is rendered from the code on display either way


class Migration(migrations.Migration):
    dependencies = [("common", "0005_notification_code")]
    operations = [migrations.RunPython(forwards, backwards)]
