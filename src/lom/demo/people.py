"""The demo organisations' units and people as the HR system has them: unit codes, employee
numbers and the employees' register fields, shared by `load_demo` (which loads them) and
`demo_register_files` (which writes the example export files of the register import)."""

import random
from datetime import date, timedelta
from decimal import Decimal

# Employment dates and birth years count from a fixed day, so the demo's people are the same
# whichever day it is loaded (and the example export files stay true to it).
REGISTER_DAY = date(2026, 1, 1)


def demo_units(spec) -> list[tuple[str, str, str]]:
    """(code, name, parent code) of the organisation's units, parents first."""
    code = spec["code"]
    out = [(code, spec["name"], "")]
    for d, (dept, subs) in enumerate(spec["units"].items(), start=1):
        out.append((f"{code}-{d}", dept, code))
        out += [(f"{code}-{d}-{s}", sub, f"{code}-{d}") for s, sub in enumerate(subs, start=1)]
    return out


def demo_people(spec, rnd: random.Random, *, first: list[str], last: list[str]) -> list[dict]:
    """The employees' register fields, drawn in the loader's order (`rnd` goes on to the rest
    of the demo). `leaf` indexes the leaf units; the second person (the demo manager) works in
    the first one."""
    leaves = sum(len(subs) for subs in spec["units"].values())
    people = []
    for i in range(spec["employees"]):
        people.append(
            {
                "number": f"{spec['code']}{i + 1:04d}",
                "leaf": 0 if i == 1 else i % leaves,
                "first_name": rnd.choice(first),
                "last_name": rnd.choice(last),
                "email": f"{spec['prefix']}anstalld{i}@example.org",
                "occupational_group": rnd.choice(spec["occupations"]),
                "employment_start": REGISTER_DAY - timedelta(days=rnd.randint(90, 12000)),
                "employment_form": rnd.choice(["permanent"] * 8 + ["fixed_term"]),
                "birth_year": rnd.randint(REGISTER_DAY.year - 66, REGISTER_DAY.year - 22),
                "gender": rnd.choice(["F", "F", "M", "M", "X"])
                if i % 40 == 0
                else rnd.choice(["F", "M"]),
                "rate": Decimal(80 if i % 9 == 4 else 100),
            }
        )
    return people
