"""Deterministic staff register export files for the register import benchmark.

    .venv/bin/python bench/register_data.py --scale 1 --out bench/results/register-1

Four files, as a Swedish HR/payroll system exports them: semicolon-separated, UTF-8 with a
byte-order mark (what Excel writes), decimal comma, ISO dates, Swedish column headers.

- `enheter.csv`: 2 500 units in a tree of four levels (code, name, parent code, the manager's
  employee number);
- `personal.csv`: 25 000 employees, every unit's manager among them (number, names, e-mail,
  unit, SSYK, occupation, employment start/end, percentage, birth year, gender, form);
- `anstallningsmanader.csv`: 12 months per employee, 300 000 rows (number, month, hours a
  week, gross income in kr);
- `lonesumma.csv`: payroll for 3 years (year, payroll in kr).

Everything is derived from `--seed` (same seed and scale: byte-identical files), so a second
import of the same files must change nothing. `COLUMNS` is the column mapping (register field
key -> header) the benchmark saves for the organisation.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import ASCII, FIRST, LAST, OCCUPATIONS

FULL_UNITS = 2_500
FULL_EMPLOYEES = 25_000
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]  # fixed, so the files never change
PAYROLL_YEARS = (2023, 2024, 2025)
DOMAIN = "registerverket.se"

# Register field key -> the column header of this (Primula-like) export layout.
COLUMNS: dict[str, dict[str, str]] = {
    "units": {
        "code": "Enhetskod",
        "name": "Enhetsnamn",
        "parent_code": "Överordnad enhet",
        "manager_number": "Chef anst.nr",
    },
    "employees": {
        "employee_number": "Anst.nr",
        "first_name": "Förnamn",
        "last_name": "Efternamn",
        "email": "E-post",
        "unit_code": "Enhetskod",
        "ssyk": "SSYK",
        "occupation": "Befattning",
        "employment_start": "Anst. fr.o.m.",
        "employment_end": "Anst. t.o.m.",
        "employment_rate": "Syss.grad %",
        "birth_year": "Födelseår",
        "gender": "Kön",
        "employment_form": "Anst.form",
    },
    "months": {
        "employee_number": "Anst.nr",
        "month": "Månad",
        "hours_per_week": "Tim/vecka",
        "income": "Bruttolön (kr)",
    },
    "payroll": {"year": "År", "payroll": "Lönesumma (kr)"},
}
FILE_NAMES = {
    "units": "enheter.csv",
    "employees": "personal.csv",
    "months": "anstallningsmanader.csv",
    "payroll": "lonesumma.csv",
}
KINDS = tuple(FILE_NAMES)

# Values as the export writes them (the register's own codes: F/M/X, permanent/fixed_term).
GENDERS = ("K", "M")
FORMS = {"permanent": "Tillsvidare", "fixed_term": "Visstid"}
SSYK = {  # occupation -> SSYK 2012 code
    "Handläggare": "3359",
    "Utredare": "2422",
    "IT-specialist": "2512",
    "Administratör": "4119",
    "Jurist": "2619",
    "Analytiker": "2413",
    "Kommunikatör": "2432",
    "Ekonom": "2411",
    "Inspektör": "3359",
    "Controller": "2411",
}
DIVISIONS = [
    "Tillsyn",
    "Digitalisering",
    "Ekonomi och styrning",
    "HR",
    "Kommunikation",
    "Juridik",
    "Analys",
    "Kundservice",
    "Drift och förvaltning",
    "Utveckling",
]


@dataclass
class ExportFiles:
    scale: float
    data: dict[str, bytes]  # kind -> file content
    rows: dict[str, int]  # kind -> data rows (without the header)

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for kind, data in self.data.items():
            (folder / FILE_NAMES[kind]).write_bytes(data)


def read_files(folder: Path) -> dict[str, bytes]:
    return {kind: (folder / FILE_NAMES[kind]).read_bytes() for kind in KINDS}


@dataclass
class FileFacts:
    rows: dict[str, int]  # kind -> data rows (without the header)
    sha256: dict[str, str]
    mb: float


def describe(folder: Path) -> FileFacts:
    """Row counts and checksums of the files in `folder`, read in small chunks (the benchmark's
    parent process stays small: a child's peak RSS starts from its parent's)."""
    rows, sums, size = {}, {}, 0
    for kind in KINDS:
        digest, lines = hashlib.sha256(), 0
        with open(folder / FILE_NAMES[kind], "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                lines += chunk.count(b"\n")
                size += len(chunk)
        rows[kind], sums[kind] = lines - 1, digest.hexdigest()
    return FileFacts(rows=rows, sha256=sums, mb=round(size / 1e6, 2))


def kr(ore: int) -> str:
    """12345678 öre -> '123456,78' (decimal comma, no thousands separator)."""
    return f"{ore // 100},{ore % 100:02d}"


def decimal_comma(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text.replace(".", ",")


def _csv(kind: str, rows: list[tuple[str, ...]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS[kind].values())
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def unit_levels(n: int) -> list[int]:
    """How many units each level of the tree has: one root, about 0.4 % divisions, 4 %
    departments, the rest sections (2 500 -> 1, 10, 100, 2 389)."""
    if n <= 1:
        return [1]
    l1 = max(1, round(n * 0.004))
    l2 = max(0, min(n - 1 - l1, round(n * 0.04)))
    return [x for x in (1, l1, l2, n - 1 - l1 - l2) if x > 0]


def generate(scale: float = 1.0, seed: int = 1) -> ExportFiles:
    rnd = random.Random(seed)
    n_units = max(3, round(FULL_UNITS * scale))
    n_emp = max(n_units, round(FULL_EMPLOYEES * scale))

    # Units, level by level; a unit's parent is in the level above, spread evenly.
    codes: list[str] = []
    parents: list[str] = []
    names: list[str] = []
    level_codes: list[list[str]] = []
    for depth, count in enumerate(unit_levels(n_units)):
        here: list[str] = []
        for k in range(count):
            code = f"{depth + 1}{len(codes) + 1:04d}"
            if depth == 0:
                parent, name = "", "Registerverket"
            else:
                above = level_codes[-1]
                parent = above[k % len(above)]
                area = DIVISIONS[k % len(DIVISIONS)]
                kind = ("Avdelningen för", "Enheten för", "Sektionen för")[min(depth, 3) - 1]
                name = f"{kind} {area.lower()} {k + 1}"
            codes.append(code)
            parents.append(parent)
            names.append(name)
            here.append(code)
        level_codes.append(here)

    # Employees: employee k sits in unit k mod n_units, so the first n_units employees are
    # the managers of their units (one per unit, in the unit they lead).
    occupations = OCCUPATIONS["agency"]
    emp_rows: list[tuple[str, ...]] = []
    month_rows: list[tuple[str, ...]] = []
    payroll_by_year = {y: 0 for y in PAYROLL_YEARS}
    numbers: list[str] = []
    for k in range(n_emp):
        number = f"{100001 + k}"
        numbers.append(number)
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        occupation = occupations[rnd.randrange(len(occupations))]
        fixed_term = rnd.random() < 0.08
        start_year = rnd.randint(1985, 2024)
        start = f"{start_year}-{rnd.randint(1, 12):02d}-01"
        end = f"{rnd.randint(2026, 2028)}-{rnd.randint(1, 12):02d}-{rnd.choice((15, 28))}"
        rate = 100.0 if rnd.random() < 0.8 else rnd.choice((50.0, 75.0, 80.0, 87.5, 90.0))
        email = f"{first}.{last}.{number}@{DOMAIN}".lower().translate(ASCII)
        emp_rows.append(
            (
                number,
                first,
                last,
                email,
                codes[k % n_units],
                SSYK.get(occupation, "3359"),
                occupation,
                start,
                end if fixed_term else "",
                decimal_comma(rate),
                str(rnd.randint(1960, 2003)),
                GENDERS[rnd.random() < 0.45],
                FORMS["fixed_term" if fixed_term else "permanent"],
            )
        )
        monthly_ore = rnd.randint(28_000, 65_000) * 100
        for month in MONTHS:
            hours = round(40 * rate / 100 - rnd.choice((0, 0, 0, 0.5, 2)), 1)
            income = int(monthly_ore * rate / 100) + rnd.choice((0, 0, 0, 125_000, 250_000))
            month_rows.append((number, month, decimal_comma(hours), kr(income)))
        for i, year in enumerate(PAYROLL_YEARS):
            payroll_by_year[year] += monthly_ore * 12 * (96 + 2 * i) // 100

    unit_rows: list[tuple[str, ...]] = [
        (codes[i], names[i], parents[i], numbers[i] if i < n_emp else "") for i in range(n_units)
    ]
    payroll_rows: list[tuple[str, ...]] = [(str(y), kr(payroll_by_year[y])) for y in PAYROLL_YEARS]
    rows: dict[str, list[tuple[str, ...]]] = {
        "units": unit_rows,
        "employees": emp_rows,
        "months": month_rows,
        "payroll": payroll_rows,
    }
    return ExportFiles(
        scale=scale,
        data={kind: _csv(kind, rows[kind]) for kind in KINDS},
        rows={kind: len(rows[kind]) for kind in KINDS},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder for the four files")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    files = generate(args.scale, args.seed)
    files.write(args.out)
    for kind in KINDS if not args.quiet else ():
        size = len(files.data[kind]) / 1e6
        print(f"{FILE_NAMES[kind]:26} {files.rows[kind]:>9} rows {size:8.2f} MB")


if __name__ == "__main__":
    main()
