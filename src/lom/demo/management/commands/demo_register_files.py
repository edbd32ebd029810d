"""Write the example export files of the staff register import for Statens tillsynsverk
(the demo's first organisation), in two column layouts, to src/lom/register/static/register/
examples/ (served as static files, linked from the import page):

- Primula-like: semicolon CSV in Windows-1252 with decimal comma: units, employees, months;
- Heroma-like: Excel with other headers: employees, payroll per year.

Made from the same people `load_demo` loads (same draws), so a preview against the demo shows
a mix: most unchanged, some changed (SSYK filled in, a new surname, a lower employment rate,
an end date, two moved to a new unit), some new, and eight who have left. Regenerate with
`DEBUG=1 .venv/bin/python manage.py demo_register_files` (no database needed)."""

import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

import lom.register
from lom.common.files import XlsxBook, csv_rows
from lom.demo.management.commands.load_demo import FIRST, LAST, ORGS
from lom.demo.people import REGISTER_DAY, demo_people, demo_units

OUT = Path(lom.register.__file__).parent / "static" / "register" / "examples"
SPEC: dict[str, Any] = ORGS[0]
LEAVING = 8  # the last people of the demo are missing from the files: they have left
NEW_UNIT = (f"{SPEC['code']}-2-3", "Analys", f"{SPEC['code']}-2")
RENAMED = {f"{SPEC['code']}-3-3": "Registratur och arkiv"}
NEW_PEOPLE = [
    ("Alva", "Lindström", 2), ("Hugo", "Åberg", 0), ("Selma", "Öberg", 5), ("Arvid", "Falk", 3),
    ("Leila", "Haddad", 1), ("Omar", "Nasser", 7), ("Tove", "Sjöberg", 4), ("Elias", "Ek", 6),
    ("Wilma", "Strand", 0), ("Liam", "Björk", 2),
]  # fmt: skip
GENDER = {"F": "K", "M": "M", "X": "X"}
FORM = {"permanent": "Tillsvidare", "fixed_term": "Visstid"}

PRIMULA_UNITS = ["Enhetskod", "Enhetsnamn", "Överordnad enhet", "Chefens anst.nr"]
PRIMULA_PEOPLE = [
    "Anst.nr", "Tilltalsnamn", "Efternamn", "E-post", "Org.enhet", "SSYK", "Befattning",
    "Anst.datum", "Slutdatum", "Syss.grad", "Födelseår", "Kön", "Anställningsform",
]  # fmt: skip
PRIMULA_MONTHS = ["Anst.nr", "Månad", "Timmar/vecka", "Bruttolön"]
HEROMA_PEOPLE = [
    "Personalnummer", "Förnamn", "Efternamn", "Mejl", "Kostnadsställe", "Yrkeskod",
    "Befattning", "Anställningens början", "T.o.m.", "Tjänstgöringsgrad", "Födelseår",
    "Kön", "Anställningsform",
]  # fmt: skip
HEROMA_PAYROLL = ["År", "Lönesumma"]


def register_rows() -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """The units and people as the HR system exports them after this year's changes."""
    units = [(c, RENAMED.get(c, n), p) for c, n, p in demo_units(SPEC)]
    leaves = [c for c, _n, _p in units if c.count("-") == 2]
    units.append(NEW_UNIT)
    people = demo_people(SPEC, random.Random(SPEC["slug"]), first=FIRST, last=LAST)[:-LEAVING]
    for p in people:
        p |= {"unit": leaves[p.pop("leaf")], "ssyk": "", "end": None}
    for p in people[10:20]:
        p["ssyk"] = "3359"  # the register now carries the occupational code
    people[10]["unit"] = people[11]["unit"] = NEW_UNIT[0]
    people[12]["rate"] = Decimal("75.5")
    people[13]["last_name"] = "Lindqvist Berg"
    people[14] |= {"employment_form": "fixed_term", "end": date(REGISTER_DAY.year, 6, 30)}
    for i, (first, last, leaf) in enumerate(NEW_PEOPLE, start=SPEC["employees"] + 1):
        people.append(
            {
                "number": f"{SPEC['code']}{i:04d}",
                "unit": NEW_UNIT[0] if i % 5 == 0 else leaves[leaf],
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{i}@example.org",
                "occupational_group": "Handläggare",
                "ssyk": "3359",
                "employment_start": date(REGISTER_DAY.year, 1 + i % 6, 1),
                "end": None,
                "employment_form": "permanent",
                "birth_year": 1970 + i % 30,
                "gender": "F" if i % 2 else "M",
                "rate": Decimal(100),
            }
        )
    return units, people


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """Primula's way: semicolons, decimal comma, Windows-1252, no byte-order mark."""
    return "".join(csv_rows(header, rows)).lstrip("\ufeff").encode("cp1252")


def _xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    book = XlsxBook()
    book.table(title, header, rows)
    return book.to_bytes()


def _person(p: dict[str, Any], *, unit: str, gender: str) -> list[Any]:
    return [
        p["number"], p["first_name"], p["last_name"], p["email"], unit, p["ssyk"],
        p["occupational_group"], p["employment_start"], p["end"], p["rate"], p["birth_year"],
        gender, FORM[p["employment_form"]],
    ]  # fmt: skip


def _pay(p: dict[str, Any]) -> Decimal:
    """A monthly income (kr, with öre) that varies between people."""
    return Decimal(31_000 + 150 * (int(p["number"][-3:]) % 60)).quantize(Decimal("0.01"))


def example_files() -> dict[str, bytes]:
    units, people = register_rows()
    existing = [c for c, _n, _p in demo_units(SPEC)]
    first_leaf = next(c for c in existing if c.count("-") == 2)
    manager = {first_leaf: people[1]["number"]}  # the demo manager heads the first unit
    months = [
        [p["number"], f"{REGISTER_DAY.year - 1}-{m:02d}", Decimal(40) * p["rate"] / 100, _pay(p)]
        for p in people[: SPEC["employees"] - LEAVING]
        for m in range(1, 13)
    ]
    return {
        "primula_enheter.csv": _csv(
            PRIMULA_UNITS, [[c, n, p, manager.get(c, "")] for c, n, p in units]
        ),
        "primula_medarbetare.csv": _csv(
            PRIMULA_PEOPLE, [_person(p, unit=p["unit"], gender=GENDER[p["gender"]]) for p in people]
        ),
        "primula_manader.csv": _csv(PRIMULA_MONTHS, months),
        # Heroma's file alone knows no new unit: its people stay in the units the demo has.
        "heroma_personal.xlsx": _xlsx(
            "Personal",
            HEROMA_PEOPLE,
            [
                _person(
                    p,
                    unit=p["unit"] if p["unit"] in existing else first_leaf,
                    gender={"F": "Kvinna", "M": "Man", "X": "X"}[p["gender"]],
                )
                for p in people
            ],
        ),
        "heroma_lonesumma.xlsx": _xlsx(
            "Lönesumma",
            HEROMA_PAYROLL,
            [[REGISTER_DAY.year - 2 + i, 1_212_500_000 + i * 37_500_000] for i in range(3)],
        ),
    }


class Command(BaseCommand):
    help = "Write the example export files of the register import (Statens tillsynsverk)."

    def handle(self, *args, **options):
        OUT.mkdir(parents=True, exist_ok=True)
        for name, data in example_files().items():
            (OUT / name).write_bytes(data)
            self.stdout.write(f"{OUT / name} ({len(data)} bytes)")
