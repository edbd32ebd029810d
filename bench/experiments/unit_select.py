#!/usr/bin/env python
"""Why the case list grows with the organisation: the unit filter renders every unit.

    .venv/bin/python bench/experiments/unit_select.py --scale 1

Times, for the largest organisation of a benchmark database, what the case list spends on its
unit <select>: loading the units, building CaseFilterForm, rendering the field with Django's
widget templates, and two cheaper alternatives (format_html_join over the same choices; only
the top two levels of the tree). Nothing is changed; src/ is only imported.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import common


def ms(fn, n: int = 10) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--server", default=None)
    args = p.parse_args()
    common.setup_django(common.resolve_database_url(args.scale, None, args.server))
    from django.db.models import Count
    from django.utils.html import format_html, format_html_join

    from lom.cases.forms import CaseFilterForm
    from lom.cases.models import Status
    from lom.organisations.models import Employee, Unit

    org_id = (
        Employee.objects.values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")
        .first()["organisation_id"]
    )

    def load():
        return list(Unit.objects.filter(organisation_id=org_id).order_by("path"))

    units = load()
    form = CaseFilterForm(None, statuses=Status.choices, units=units)

    def fast():
        return format_html(
            '<select name="unit" id="id_unit">{}</select>',
            format_html_join("", '<option value="{}">{}</option>', form.fields["unit"].choices),
        )

    top = [u for u in units if u.depth <= 2]
    small = CaseFilterForm(None, statuses=Status.choices, units=top)
    kw = {"statuses": Status.choices, "units": units}
    big = f"({len(str(form['unit'])) // 1024} KB of HTML)"
    rows = [
        ("load units (query + model instances)", ms(load), ""),
        ("build CaseFilterForm", ms(lambda: CaseFilterForm(None, **kw)), ""),
        ("render unit field, Django widgets", ms(lambda: str(form["unit"])), big),
        ("render same choices, format_html_join", ms(fast), ""),
        (f"render only depth <= 2 ({len(top)} units)", ms(lambda: str(small["unit"])), ""),
    ]
    print(f"organisation {org_id}: {len(units)} units")
    for label, value, note in rows:
        print(f"  {label:<40} {value:7.1f} ms  {note}")


if __name__ == "__main__":
    main()
