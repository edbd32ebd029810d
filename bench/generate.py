#!/usr/bin/env python
"""Generate a national-scale LOM data set in PostgreSQL, fast.

    make bench-data SCALE=1        # 250 organisations, 250 000 employees, 500 000 cases
    .venv/bin/python bench/generate.py --scale 0.01 --reset

1. Create the database (lom_bench_<scale> on the benchmark server unless told otherwise) and
   run the Django migrations on it. It must be empty (--reset drops and recreates a
   lom_bench_* database first).
2. Plan every row in memory, with ids assigned here, so nothing needs a round-trip.
3. In ONE transaction: truncate the (empty) tables, drop the secondary indexes and foreign keys
   of the tables being loaded, COPY ... FREEZE every table, add the foreign keys back (which
   validates every row) and rebuild the indexes from their exact definitions, then move every
   sequence past the ids used. The schema afterwards is exactly what the migrations made.
4. VACUUM ANALYZE, then consistency checks (unit paths, case paths, sums, numbers, balances).

At scale 1 the ledger has about 2 million rows. Amounts are integer öre throughout.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import math
import random
import subprocess
import sys
import time
import zlib
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

common.ensure_paths()

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

FULL = {"orgs": 250, "employees": 250_000, "cases": 500_000}
DAY = 86_400.0
HOUR = 3_600.0
NOW_DT = datetime.now(UTC).replace(microsecond=0)
NOW = NOW_DT.timestamp()
CUR_YEAR = NOW_DT.year
YEARS = list(range(CUR_YEAR - 9, CUR_YEAR + 1))
NEW_AGREEMENT_YEAR = CUR_YEAR - 2
N = "\\N"  # NULL in COPY text format


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# --------------------------------------------------------------------------------------------
# Vocabulary (no tabs, newlines or backslashes: the COPY text format needs no escaping then).
# --------------------------------------------------------------------------------------------
FIRST = _words(
    "Anna Erik Maria Lars Karin Johan Sara Anders Eva Per Lena Mikael Emma Peter Kristina "
    "Fredrik Sofia Daniel Ingrid Ahmed Fatima Mohammed Elin Oskar Hanna Nils Linnea Jonas Amira "
    "Gustav Ida Ali Maja Viktor Sanna Yusuf Astrid Henrik Malin Magnus Cecilia Tobias Helena "
    "Mattias Jenny Patrik Louise Stefan Therese Andreas Camilla Marcus Johanna Niklas Emelie "
    "Robert Frida Hassan Leila Omar Zeynep Mehmet Aino Juha Sven Birgitta Göran Ulla Kjell Britt"
)
LAST = _words(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Lindberg Lindqvist Berg Axelsson Hassan Ali Lundgren Holm Sandberg "
    "Ekström Nyberg Jakobsson Magnusson Olofsson Lindström Lindgren Bergström Lundberg Mohammed "
    "Fredriksson Henriksson Forsberg Sjöberg Wallin Engström Danielsson Håkansson Lund Björk "
    "Bengtsson Jönsson Petersson Nordin Strand Holmberg Öberg Blom Sundberg Ahmed Yilmaz Virtanen"
)
ASCII = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuAAOEU")
OCCUPATIONS = {
    "agency": [
        "Handläggare",
        "Utredare",
        "IT-specialist",
        "Administratör",
        "Jurist",
        "Analytiker",
        "Kommunikatör",
        "Ekonom",
        "Inspektör",
        "Controller",
    ],
    "region": [
        "Undersköterska",
        "Sjuksköterska",
        "Medicinsk sekreterare",
        "Läkare",
        "Fysioterapeut",
        "Vårdadministratör",
        "Lokalvårdare",
        "Kock",
        "Barnmorska",
    ],
    "municipality": [
        "Lärare",
        "Förskollärare",
        "Socialsekreterare",
        "Undersköterska",
        "Handläggare",
        "Ingenjör",
        "Fritidsledare",
        "Administratör",
        "Vaktmästare",
    ],
    "fund": ["Handläggare", "Ekonom", "Analytiker", "Administratör"],
}
UNIONS = {
    "agency": ["Saco-S", "OFR/ST", "Seko"],
    "region": ["Kommunal", "Vision", "Vårdförbundet", "Sveriges läkarförbund"],
    "municipality": ["Kommunal", "Vision", "Sveriges lärare", "Akademikerförbundet SSR"],
    "fund": ["Unionen", "Akavia"],
}
AGENCY_WORDS = _words(
    "tillsyn digital förvaltning kulturarv vattenvård transportsäkerhet arbetsmiljö "
    "livsmedel energi statistik samhällsplanering folkhälsa skogsvård läkemedel "
    "konsumentfrågor kriminalvård migration utbildning forskning rymdfrågor havsmiljö "
    "jordbruk elsäkerhet strålsäkerhet försäkring pensioner tull skatt lantmäteri patent"
)
PLACES = _words(
    "Norrsund Västerå Söderby Österlund Älvdal Bergslagen Sjöby Fjällby Ekeby Åsen Lindö "
    "Granvik Björkhaga Strömsby Holmsund Hagfors Dalby Forsa Ljungby Mossby Torsby Viken"
)
AREAS = _words(
    "tillsyn;digitalisering;ekonomi och styrning;HR;kommunikation;juridik;analys;"
    "kundservice;drift och förvaltning;utveckling;verksamhetsstöd;registrering;utredning;"
    "internationella frågor;säkerhet;hälso- och sjukvård;omsorg;utbildning;samhällsbyggnad;"
    "kultur och fritid;miljö;teknik;inköp;fastigheter;IT-utveckling;statistik;forskning",
    sep=";",
)
TITLES = {
    "competence_development": [
        "Vidareutbildning i dataanalys",
        "Kurs i förändringsledning",
        "Kurs i projektledning",
        "Utbildning i klarspråk",
        "Certifiering i informationssäkerhet",
        "Kurs i AI för handläggare",
    ],
    "career_change": ["Stöd vid karriärväxling till nytt yrke", "Omskolning till IT-tekniker"],
    "job_rotation": [
        "Växeltjänstgöring på digitaliseringsavdelningen",
        "Växeltjänstgöring hos annan myndighet",
    ],
    "career_life_planning": [
        "Karriär- och livsplanering för seniorer",
        "Planering inför ett längre arbetsliv",
    ],
    "coaching": ["Karriärcoachning inför ny roll", "Coachning vid omorganisation"],
    "education": [
        "Högskolekurs i informationssäkerhet",
        "Högskolestudier i statistik",
        "Distanskurs i juridik",
    ],
    "work_training": ["Arbetsträning i ny roll", "Praktik inom IT-drift"],
    "development_project": [
        "Utvecklingsprojekt: digital ärendehantering",
        "Utvecklingsprojekt: ny arbetsmodell",
    ],
    "pension_agreement": ["Avtalspension med kunskapsöverföring"],
    "study_counselling": ["Studie- och yrkesvägledning"],
    "individual_support": ["Individuellt stöd vid anställningens slut"],
}
BUSINESS_NEEDS = [
    "Digitalisering av handläggningen ändrar arbetsuppgifterna.",
    "Verksamheten får nya uppdrag som kräver annan kompetens.",
    "Automatisering minskar behovet av manuell registrering.",
    "Omorganisation och nya arbetssätt inom enheten.",
    "Förändrade krav på kompetens inom informationssäkerhet.",
    "Verksamheten flyttar och uppgifterna förändras.",
]
DESCRIPTIONS = [
    "Kurs på deltid under en termin hos extern utbildningsanordnare.",
    "Fem coachsamtal med certifierad karriärcoach.",
    "Tre månaders växeltjänstgöring med bibehållen lön.",
    "Högskolekurs om 7,5 hp på distans.",
    "Gruppinsats med workshop och handledning.",
    "Vägledningssamtal och kartläggning av kompetens.",
]
PRIVATE_REASONS = [
    "Jag vill byta inriktning av personliga skäl.",
    "Mina arbetsuppgifter påverkas av min livssituation.",
]
APPROVE_REASONS = [
    "Insatsen ligger inom avtalet och svarar mot verksamhetens behov.",
    "Bra insats. Beviljas enligt ansökan.",
    "Beviljas delvis: kostnaden för resor ingår inte.",
]
REJECT_REASONS = [
    "Insatsen är ordinarie kompetensutveckling och ingår inte i avtalet.",
    "Fondens medel för perioden räcker inte.",
]
RETURN_REASONS = [
    "Komplettera med kostnadsberäkning från anordnaren.",
    "Beskriv kopplingen till verksamhetens behov.",
]
COMMENTS = [
    "Jag har bifogat offerten.",
    "Har anordnaren lediga platser i höst?",
    "Chefen har tillstyrkt muntligt.",
    "Vi behöver intyg om genomförd kurs.",
]
PURPOSES = ["prevent", "prevent", "prevent", "move", "develop"]
COST_KINDS = {  # first cost line by measure: (kind, median kr, sigma)
    "competence_development": ("course_fee", 2_200, 0.7),
    "education": ("course_fee", 3_400, 0.6),
    "coaching": ("coaching", 4_500, 0.5),
    "career_change": ("coaching", 6_800, 0.6),
    "career_life_planning": ("coaching", 3_000, 0.5),
    "study_counselling": ("coaching", 2_200, 0.5),
    "job_rotation": ("salary", 7_500, 0.6),
    "work_training": ("salary", 6_000, 0.6),
    "pension_agreement": ("salary", 15_000, 0.5),
    "development_project": ("other", 22_500, 0.6),
    "individual_support": ("coaching", 11_200, 0.5),
}
EXTRA_COSTS = [
    ("travel", 1_400, 0.6),
    ("lodging", 1_900, 0.5),
    ("literature", 500, 0.5),
    ("other", 1_100, 0.7),
]
COST_DESCRIPTIONS = {
    "course_fee": "Kursavgift",
    "coaching": "Coacharvode",
    "salary": "Lön",
    "travel": "Resor",
    "lodging": "Hotell",
    "literature": "Kurslitteratur",
    "other": "Övrigt",
}
TRANSITION_LABELS = {"complete": "markera som avslutad", "withdraw": "återta ansökan"}


def _check_vocabulary() -> None:
    texts = [
        *FIRST,
        *LAST,
        *AREAS,
        *BUSINESS_NEEDS,
        *DESCRIPTIONS,
        *PRIVATE_REASONS,
        *APPROVE_REASONS,
        *REJECT_REASONS,
        *RETURN_REASONS,
        *COMMENTS,
        *PLACES,
        *AGENCY_WORDS,
        *itertools.chain.from_iterable(TITLES.values()),
        *itertools.chain.from_iterable(OCCUPATIONS.values()),
        *itertools.chain.from_iterable(UNIONS.values()),
    ]
    bad = [t for t in texts if any(ch in t for ch in "\t\n\r\\")]
    assert not bad, bad


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def ts(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(t))


def d(t: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def local_year(t: float) -> int:
    """Year in Stockholm (the year boundary is always in winter: UTC+1)."""
    return time.gmtime(t + HOUR).tm_year


def year_start(y: int) -> float:
    return datetime(y, 1, 1, tzinfo=UTC).timestamp() - HOUR  # local midnight


def nul(v) -> str:
    return N if v is None else str(v)


def b(v: bool) -> str:
    return "t" if v else "f"


class Ids:
    """Primary keys handed out here; the sequences are moved past them at the end."""

    def __init__(self):
        self.next: dict[str, int] = defaultdict(lambda: 1)

    def take(self, table: str, n: int = 1) -> int:
        first = self.next[table]
        self.next[table] = first + n
        return first


class Phases:
    def __init__(self):
        self.rows: list[tuple[str, float, str]] = []

    @contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        print(f"-- {name} …", flush=True)
        note: list[str] = []
        yield note
        dt = time.perf_counter() - t0
        self.rows.append((name, dt, " ".join(note)))
        print(f"   {name}: {dt:.1f} s {' '.join(note)}", flush=True)


# --------------------------------------------------------------------------------------------
# The plan: organisations and everything in them
# --------------------------------------------------------------------------------------------
class Org:
    def __init__(self, oid: int, name: str, slug: str, kind: str, n_emp: int):
        self.id, self.name, self.slug, self.kind, self.n_emp = oid, name, slug, kind, n_emp
        self.n_cases = 0
        self.units: list[list] = []  # [id, parent_id, name, code, path, depth]
        self.unit_by_id: dict[int, list] = {}
        self.leaves: list[int] = []
        self.unit_manager: dict[int, int] = {}  # unit id -> manager's user id
        self.managed_units: list[int] = []
        self.manager_emp: set[int] = set()
        self.emp_first_id = 0
        self.emp_unit: list[int] = []  # index = employee id - emp_first_id
        self.emp_name: list[tuple[str, str]] = []
        self.emp_user: dict[int, int] = {}
        self.unions: list[tuple[int, str]] = []
        self.agreements: list[dict] = []
        self.periods: dict[int, dict] = {}
        self.coordinators: list[int] = []
        self.decision_maker = 0
        self.admin = 0
        self.bench_employee = 0
        self.bench_manager_unit = 0
        self.salary_kr = 0

    def agreement_at(self, t: float) -> dict:
        return self.agreements[1] if local_year(t) >= NEW_AGREEMENT_YEAR else self.agreements[0]

    def manager_for(self, unit_id: int, exclude_user: int = 0) -> int:
        """The nearest manager whose subtree holds the unit (not `exclude_user`)."""
        path = self.unit_by_id[unit_id][4]
        for uid in reversed([int(x) for x in path.strip("/").split("/")]):
            m = self.unit_manager.get(uid)
            if m and m != exclude_user:
                return m
        return 0


class CasePlan:
    __slots__ = (
        "applicant",
        "approved",
        "co_mgr",
        "comments",
        "created",
        "created_by",
        "decider",
        "desc",
        "end_date",
        "endorsed_by",
        "id",
        "kind",
        "lines",
        "model",
        "mtypes",
        "need",
        "number",
        "org",
        "participants",
        "period",
        "private",
        "purpose",
        "requested",
        "share",
        "start_date",
        "status",
        "steps",
        "title",
        "unit",
        "updated",
    )


class Generator:
    def __init__(self, scale: float, seed: int, audit: bool):
        self.scale = scale
        self.rng = random.Random(seed)
        self.audit = audit
        self.ids = Ids()
        self.orgs: list[Org] = []
        self.lines: dict[str, list[str]] = defaultdict(list)  # small and medium tables
        self.cases: list[CasePlan] = []
        self.ledger: list[tuple] = []
        self.counts: dict[str, int] = {}

    # ---------------------------------------------------------------- reference data
    def load_reference(self, conn) -> None:
        rows = conn.execute("SELECT id, code FROM agreements_measuretype ORDER BY id").fetchall()
        self.measure_ids = {code: mid for mid, code in rows}
        self.measure_code = {mid: code for code, mid in self.measure_ids.items()}
        self.rates = conn.execute(
            "SELECT id, percent, valid_from, valid_to FROM agreements_contributionrate ORDER BY id"
        ).fetchall()
        from django.contrib.auth.hashers import make_password

        self.password = make_password(common.BENCH_PASSWORD)  # hashed once, shared

    def rate_for(self, day: date) -> tuple[int, Decimal]:
        for rid, pct, vf, vt in self.rates:
            if vf <= day and (vt is None or day <= vt):
                return rid, Decimal(pct)
        rid, pct, _vf, _vt = max(self.rates, key=lambda r: r[2])
        return rid, Decimal(pct)

    # ---------------------------------------------------------------- sizes
    def org_sizes(self) -> list[int]:
        rng = random.Random(1)  # the national shape is the same whatever the seed
        big = [25_000, 19_000, 15_000, 12_000, 10_000]
        flex = [rng.randint(2_000, 8_000) for _ in range(15)]
        flex += [rng.randint(1_000, 2_000) for _ in range(50)]
        flex += [int(100 * 10 ** (rng.random() ** 1.6)) for _ in range(250 - 70)]
        target = FULL["employees"] - sum(big)
        f = target / sum(flex)
        flex = [max(100, round(x * f)) for x in flex]
        flex[0] += target - sum(flex)
        full = sorted(big + flex, reverse=True)
        n = min(FULL["orgs"], max(2, math.ceil(FULL["orgs"] * 10 * self.scale)))
        picks = (
            full
            if n == len(full)
            else [full[round(i * (len(full) - 1) / (n - 1))] for i in range(n)]
        )
        total = max(5 * n, round(FULL["employees"] * self.scale))
        f = total / sum(picks)
        sizes = [max(5, round(x * f)) for x in picks]
        sizes[0] += total - sum(sizes)
        return sizes

    # ---------------------------------------------------------------- organisations
    def plan_orgs(self) -> None:
        rng = self.rng
        sizes = self.org_sizes()
        total_cases = max(6 * len(sizes), round(FULL["cases"] * self.scale))
        weights = [s * rng.uniform(0.6, 1.4) for s in sizes]
        wsum = sum(weights)
        case_counts = [max(6, int(total_cases * w / wsum)) for w in weights]
        for i in sorted(range(len(sizes)), key=lambda i: -weights[i])[
            : max(0, total_cases - sum(case_counts))
        ]:
            case_counts[i] += 1
        surplus = sum(case_counts) - total_cases
        for i in range(len(case_counts)):
            if surplus <= 0:
                break
            if case_counts[i] > 6:
                take = min(surplus, case_counts[i] - 6)
                case_counts[i] -= take
                surplus -= take
        used_names: set[str] = set()
        for idx, n_emp in enumerate(sizes):
            oid = self.ids.take("organisations_organisation")
            kind = self._org_kind(idx, n_emp)
            name = self._org_name(kind, used_names)
            org = Org(oid, name, f"o{oid}-{kind}", kind, n_emp)
            org.n_cases = case_counts[idx]
            org.salary_kr = rng.randint(33_000, 56_000)
            created = year_start(YEARS[0]) - rng.uniform(30, 400) * DAY
            self.lines["organisations_organisation"].append(
                f"{oid}\t{name}\t{org.slug}\t{rng.randint(202100, 232100)}-"
                f"{rng.randint(1000, 9999)}\t{kind}\t{ts(created)}\n"
            )
            self.orgs.append(org)
            self.plan_units(org)
            self.plan_employees(org)
            self.plan_roles(org)
            self.plan_agreements(org)
            self.plan_periods(org)

    def _org_kind(self, idx: int, n_emp: int) -> str:
        r = (idx * 7919) % 100
        if n_emp >= 8_000 * self.scale and r < 25:
            return "region"
        if r < 58:
            return "agency"
        if r < 95:
            return "municipality"
        return "fund"

    def _org_name(self, kind: str, used: set[str]) -> str:
        rng = self.rng
        for attempt in itertools.count():
            if kind == "agency":
                w = rng.choice(AGENCY_WORDS)
                name = rng.choice(
                    [
                        f"Myndigheten för {w}",
                        f"Statens verk för {w}",
                        f"Inspektionen för {w}",
                        f"Nämnden för {w}",
                    ]
                )
            elif kind == "region":
                name = f"Region {rng.choice(PLACES)}"
            elif kind == "municipality":
                name = f"{rng.choice(PLACES)} kommun"
            else:
                name = f"Omställningsfonden {rng.choice(PLACES)}"
            if attempt > 3:
                name = f"{name} {attempt}"
            if name not in used:
                used.add(name)
                return name
        raise AssertionError

    def plan_units(self, org: Org) -> None:
        rng = self.rng
        n_leaves = max(2, round(org.n_emp / rng.uniform(12, 18)))
        depth = 1
        while 7**depth < n_leaves:
            depth += 1
        counts = [1]
        for k in range(1, depth + 1):
            counts.append(max(counts[-1], round(n_leaves ** (k / depth))))
        counts[-1] = max(n_leaves, counts[-2])
        root_id = self.ids.take("organisations_unit")
        root = [root_id, None, org.name, "", f"/{root_id}/", 0]
        org.units.append(root)
        level = [root]
        for k in range(1, depth + 1):
            parents = level
            n = counts[k]
            owner = list(range(len(parents))) + [
                rng.randrange(len(parents)) for _ in range(n - len(parents))
            ]
            owner.sort()
            level = []
            sibling = defaultdict(int)
            for pi in owner:
                parent = parents[pi]
                sibling[pi] += 1
                uid = self.ids.take("organisations_unit")
                code = f"{parent[3]}.{sibling[pi]}" if parent[3] else str(sibling[pi])
                unit = [uid, parent[0], self._unit_name(k, code), code, f"{parent[4]}{uid}/", k]
                level.append(unit)
                org.units.append(unit)
        org.leaves = [u[0] for u in level]
        org.unit_by_id = {u[0]: u for u in org.units}
        for uid, parent, name, code, path, _depth in org.units:
            self.lines["organisations_unit"].append(
                f"{uid}\t{name}\t{code}\t{path}\t{org.id}\t{nul(parent)}\n"
            )

    def _unit_name(self, depth: int, code: str) -> str:
        area = AREAS[zlib.crc32(code.encode()) % len(AREAS)] if depth < 3 else ""
        if depth == 1:
            return f"Avdelningen för {area} ({code})"
        if depth == 2:
            return f"Enheten för {area} ({code})"
        if depth == 3:
            return f"Sektion {code}"
        return f"Grupp {code}"

    def plan_employees(self, org: Org) -> None:
        rng = self.rng
        managed = [u for u in org.units if u[5] >= 1]
        placements = [u[0] for u in managed]  # the manager sits in the unit they manage
        rest = max(0, org.n_emp - len(placements))
        leaf_w = list(itertools.accumulate(rng.uniform(0.5, 1.5) for _ in org.leaves))
        top = leaf_w[-1]
        placements += [org.leaves[bisect.bisect(leaf_w, rng.random() * top)] for _ in range(rest)]
        manager_slots = len(managed)
        org.emp_first_id = self.ids.take("organisations_employee", len(placements))
        occupations = OCCUPATIONS[org.kind]
        start_max = NOW - 30 * DAY
        out = self.lines["organisations_employee"]
        # HR loads the register unit by unit: ids grouped by unit, managers first.
        order = sorted(range(len(placements)), key=lambda i: (placements[i], i >= manager_slots))
        placements = [placements[i] for i in order]
        is_manager = [order[j] < manager_slots for j in range(len(order))]
        for j, unit_id in enumerate(placements):
            eid = org.emp_first_id + j
            first, last = rng.choice(FIRST), rng.choice(LAST)
            org.emp_unit.append(unit_id)
            org.emp_name.append((first, last))
            if is_manager[j]:
                org.manager_emp.add(eid)
            g = rng.random()
            gender = "F" if g < 0.52 else ("M" if g < 0.985 else "X")
            out.append(
                f"{eid}\t{first}\t{last}\t"
                f"{first.lower().translate(ASCII)}.{last.lower().translate(ASCII)}{eid}"
                f"@{org.slug}.example.org\t{rng.choice(occupations)}\t"
                f"{d(rng.uniform(year_start(1985), start_max))}\t"
                f"{'permanent' if rng.random() < 0.9 else 'fixed_term'}\t"
                f"{rng.randint(CUR_YEAR - 66, CUR_YEAR - 20)}\t{gender}\t"
                f"{b(rng.random() < 0.97)}\t{{user}}\t{org.id}\t{unit_id}\n"
            )
        # managers: one per unit below the root, sitting in that unit
        unit_mgr_emp: dict[int, int] = {}
        for j, unit_id in enumerate(placements):
            if is_manager[j] and unit_id not in unit_mgr_emp:
                unit_mgr_emp[unit_id] = org.emp_first_id + j
        subtree_size: dict[int, int] = defaultdict(int)
        for unit_id in placements:
            for p in org.unit_by_id[unit_id][4].strip("/").split("/"):
                subtree_size[int(p)] += 1
        depth1 = [u[0] for u in org.units if u[5] == 1]
        org.bench_manager_unit = max(depth1, key=lambda u: (subtree_size[u], -u))
        for unit_id, eid in sorted(unit_mgr_emp.items()):
            role = "manager" if unit_id == org.bench_manager_unit else f"m{unit_id}"
            uid = self.user_for(org, eid, common.username(org.id, role))
            org.unit_manager[unit_id] = uid
            self.membership(org, uid, "manager", unit=unit_id)
        org.managed_units = sorted(org.unit_manager)

    def user_for(self, org: Org, eid: int, username: str | None = None) -> int:
        """The user account of an employee (made when first needed), with the employee role."""
        uid = org.emp_user.get(eid)
        if uid:
            return uid
        first, last = org.emp_name[eid - org.emp_first_id]
        uid = self.new_user(org, username or common.username(org.id, f"e{eid}"), first, last)
        org.emp_user[eid] = uid
        self.membership(org, uid, "employee")
        return uid

    def new_user(self, org: Org, username: str, first: str, last: str) -> int:
        uid = self.ids.take("accounts_user")
        joined = year_start(YEARS[0]) - 10 * DAY + (uid % 1000) * 60
        self.lines["accounts_user"].append(
            f"{uid}\t{self.password}\t{N}\tf\t{username}\t{first}\t{last}\t"
            f"{username}@example.org\tf\tt\t{ts(joined)}\n"
        )
        return uid

    def membership(
        self, org: Org, uid: int, role: str, unit: int | None = None, union: int | None = None
    ) -> None:
        mid = self.ids.take("organisations_membership")
        self.lines["organisations_membership"].append(
            f"{mid}\t{role}\t{uid}\t{org.id}\t{nul(union)}\t{nul(unit)}\n"
        )

    def plan_roles(self, org: Org) -> None:
        rng = self.rng
        for name in UNIONS[org.kind]:
            org.unions.append((self.ids.take("organisations_union"), name))
            self.lines["organisations_union"].append(f"{org.unions[-1][0]}\t{name}\t{org.id}\n")
        pool = [
            org.emp_first_id + j
            for j in range(len(org.emp_unit))
            if org.emp_first_id + j not in org.manager_emp
        ]
        rng.shuffle(pool)
        bench_path = org.unit_by_id[org.bench_manager_unit][4]
        under = [
            e
            for e in pool
            if org.unit_by_id[org.emp_unit[e - org.emp_first_id]][4].startswith(bench_path)
        ]
        if under:
            org.bench_employee = under[0]
            pool.remove(under[0])
        elif pool:
            org.bench_employee = pool.pop()
        else:  # a tiny organisation: the bench employee is an employee in a managed unit
            org.bench_employee = org.emp_first_id
        self.user_for(org, org.bench_employee, common.username(org.id, "employee"))

        def role_user(role: str, label: str, first: str, last: str) -> int:
            if pool:
                return self.user_for(org, pool.pop(), common.username(org.id, role))
            return self.new_user(org, common.username(org.id, role), first, label or last)

        n_coord = 1 + org.n_emp // 5_000
        for i in range(n_coord):
            role = "coordinator" if i == 0 else f"coordinator{i + 1}"
            uid = role_user(role, "", "Sam", "Samordnare")
            org.coordinators.append(uid)
            self.membership(org, uid, "coordinator")
        org.decision_maker = role_user("decision_maker", "", "Bo", "Beslutsfattare")
        self.membership(org, org.decision_maker, "decision_maker")
        auditor = role_user("auditor", "", "Rut", "Revisor")
        self.membership(org, auditor, "auditor")
        org.admin = role_user("admin", "", "Ali", "Administratör")
        self.membership(org, org.admin, "org_admin")
        for i, (union_id, _name) in enumerate(org.unions):
            uid = role_user("union_rep" if i == 0 else f"union_rep{i + 1}", "", "Frida", "Facklig")
            self.membership(org, uid, "union_rep", union=union_id)
        # The benchmark coordinator's API token (only the hash is stored).
        raw = common.api_token_raw(org.id)
        tid = self.ids.take("accounts_apitoken")
        self.lines["accounts_apitoken"].append(
            f"{tid}\tbench\t{hashlib.sha256(raw.encode()).hexdigest()}\t{raw[4:12]}\t"
            f"{ts(NOW - 30 * DAY)}\t{N}\t{org.coordinators[0]}\n"
        )

    def plan_agreements(self, org: Org) -> None:
        rng = self.rng
        all_codes = list(self.measure_ids)
        for vf, vt in [
            (date(YEARS[0] - 2, 1, 1), date(NEW_AGREEMENT_YEAR - 1, 12, 31)),
            (date(NEW_AGREEMENT_YEAR, 1, 1), None),
        ]:
            aid = self.ids.take("agreements_localagreement")
            dev = rng.random() < 0.4
            if rng.random() < 0.5:
                codes = [c for c in all_codes if dev or c != "development_project"]
            else:
                core = {"competence_development", "coaching", "career_change"}
                others = [c for c in all_codes if c not in core and c != "development_project"]
                codes = sorted(core) + rng.sample(others, rng.randint(3, len(others)))
                if dev:
                    codes.append("development_project")
            agreement = {
                "id": aid,
                "with_manager": rng.random() < 0.9,
                "group": rng.random() < 0.8,
                "dev": dev,
                "endorsement": rng.random() < 0.25,
                "cap_app": 75_000_00 if rng.random() < 0.5 else None,
                "model": "joint" if rng.random() < 0.4 else "hr_decides",
                "carry": rng.random() < 0.85,
                "codes": [c for c in codes if c in TITLES],
            }
            agreement["non_dev"] = [
                c for c in agreement["codes"] if c != "development_project"
            ] or agreement["codes"]
            org.agreements.append(agreement)
            created = datetime(vf.year, vf.month, vf.day, tzinfo=UTC).timestamp() - 30 * DAY
            self.lines["agreements_localagreement"].append(
                f"{aid}\tLokalt avtal om omställningsmedel {vf.year}, {org.name}\t{vf}\t"
                f"{nul(vt)}\tMedlen ska användas proaktivt för att medarbetare ska kunna "
                f"utvecklas inför förändringar i verksamheten.\tHela forskarutbildningar.\tt\tt\t"
                f"{b(agreement['with_manager'])}\t{b(agreement['group'])}\t{b(dev)}\t"
                f"{b(agreement['endorsement'])}\t{N}\t{nul(agreement['cap_app'])}\t"
                f"{agreement['model']}\t{b(agreement['carry'])}\tParterna följer upp "
                f"användningen en gång per år.\t{ts(created)}\t{ts(created)}\t{org.id}\n"
            )
            for union_id, _name in org.unions:
                self.lines["agreements_localagreement_unions"].append(
                    f"{self.ids.take('agreements_localagreement_unions')}\t{aid}\t{union_id}\n"
                )
            for code in codes:
                self.lines["agreements_localagreement_measure_types"].append(
                    f"{self.ids.take('agreements_localagreement_measure_types')}\t{aid}\t"
                    f"{self.measure_ids[code]}\n"
                )

    def plan_periods(self, org: Org) -> None:
        from lom.common.money import percent_of

        rng = self.rng
        fixed = rng.random() < 0.15
        previous = None
        for y in YEARS:
            pid = self.ids.take("funds_fundperiod")
            created = year_start(y) - 17 * DAY + 9 * HOUR
            payroll = rate_id = fixed_amount = None
            if fixed:
                fixed_amount = round(org.n_emp * rng.uniform(900, 1_600)) * 100
                alloc = fixed_amount
            else:
                payroll = round(org.n_emp * org.salary_kr * 12 * 1.025 ** (y - YEARS[0])) * 100
                rate_id, pct = self.rate_for(date(y, 1, 1))
                alloc = percent_of(payroll, pct)
            org.periods[y] = {"id": pid, "alloc": alloc, "created": created}
            self.lines["funds_fundperiod"].append(
                f"{pid}\tLOM {y}\t{y}-01-01\t{y}-12-31\t"
                f"{'fixed_pot' if fixed else 'payroll_rate'}\t{nul(payroll)}\t"
                f"{nul(fixed_amount)}\t{ts(created)}\t{org.id}\t{nul(previous)}\t{nul(rate_id)}\n"
            )
            self.ledger.append(
                (
                    created,
                    org.id,
                    pid,
                    "allocation",
                    alloc,
                    None,
                    f"Tilldelning för LOM {y}",
                    org.admin,
                )
            )
            previous = pid

    # ---------------------------------------------------------------- cases
    def plan_cases(self) -> None:
        year_w = [
            (0.7 + 0.06 * i) * (1.0 if y < CUR_YEAR else self._year_fraction())
            for i, y in enumerate(YEARS)
        ]
        self.year_cum = list(itertools.accumulate(year_w))
        for org in self.orgs:
            forced = [
                (CUR_YEAR - 4, "completed"),
                (CUR_YEAR - 2, "completed"),
                (CUR_YEAR - 1, "rejected"),
                (CUR_YEAR, "in_review"),
            ]
            org_cases = [
                self.plan_case(
                    org, year=y, status=s, applicant=org.bench_employee, kind="individual"
                )
                for y, s in forced
            ]
            org_cases += [self.plan_case(org) for _ in range(org.n_cases - len(forced))]
            self.number_cases(org, org_cases)
            self.plan_money(org, org_cases)
            self.cases.extend(org_cases)
        self.cases.sort(key=lambda c: c.created)
        first = self.ids.take("cases_case", len(self.cases))
        for i, c in enumerate(self.cases):
            c.id = first + i

    @staticmethod
    def _year_fraction() -> float:
        return (NOW - year_start(CUR_YEAR)) / (365 * DAY)

    def plan_case(
        self,
        org: Org,
        *,
        year: int | None = None,
        status: str | None = None,
        applicant: int | None = None,
        kind: str | None = None,
    ) -> CasePlan:
        rng = self.rng
        c = CasePlan()
        c.org = org
        if year is None:
            year = YEARS[bisect.bisect(self.year_cum, rng.random() * self.year_cum[-1])]
        lo = year_start(year)
        hi = min(year_start(year + 1), NOW - HOUR)
        if year == CUR_YEAR and status == "in_review":
            lo = max(lo, NOW - 25 * DAY)
            hi = NOW - 6 * DAY
        c.created = rng.uniform(lo, hi)
        agreement = org.agreement_at(c.created)
        if kind is None:
            r = rng.random()
            kind = "individual"
            if r < 0.15 and agreement["with_manager"]:
                kind = "with_manager"
            elif 0.15 <= r < 0.27 and agreement["group"]:
                kind = "group"
            elif 0.27 <= r < 0.32 and agreement["dev"]:
                kind = "development_project"
        c.kind = kind
        c.co_mgr = None
        c.participants = 1
        if kind in ("individual", "with_manager"):
            if applicant is None:
                applicant = org.emp_first_id + rng.randrange(len(org.emp_unit))
            c.applicant = applicant
            c.unit = org.emp_unit[applicant - org.emp_first_id]
            c.created_by = self.user_for(org, applicant)
            if kind == "with_manager":
                c.co_mgr = org.manager_for(c.unit, exclude_user=c.created_by) or None
                if c.co_mgr is None:
                    c.kind = kind = "individual"
        else:
            c.applicant = None
            managed = org.managed_units
            c.unit = managed[rng.randrange(len(managed))]
            c.created_by = org.unit_manager[c.unit]
            c.participants = rng.randint(3, 15)
        is_manager = c.applicant in org.manager_emp
        endorse = agreement["endorsement"] and kind == "individual" and not is_manager
        # measure types allowed by the agreement in force
        codes = agreement["codes"]
        if kind == "development_project" and "development_project" in codes:
            main = "development_project"
        else:
            main = rng.choice(agreement["non_dev"])
        c.mtypes = [self.measure_ids[main]]
        if rng.random() < 0.25:
            extra = rng.choice(codes)
            if extra != main:
                c.mtypes.append(self.measure_ids[extra])
        c.title = rng.choice(TITLES[main])
        c.purpose = "develop" if kind == "development_project" else rng.choice(PURPOSES)
        c.need = rng.choice(BUSINESS_NEEDS)
        c.desc = rng.choice(DESCRIPTIONS)
        c.private = rng.choice(PRIVATE_REASONS) if rng.random() < 0.1 else ""
        c.share = bool(c.private) and rng.random() < 0.3
        c.lines = self.cost_lines(main, c.participants, agreement["cap_app"])
        c.requested = sum(x[2] for x in c.lines)
        c.model = agreement["model"]
        coordinator = org.coordinators[rng.randrange(len(org.coordinators))]
        c.decider = coordinator if c.model == "hr_decides" else org.decision_maker
        if status is None:
            status = self.pick_status(NOW - c.created, endorse)
        c.status = status
        c.endorsed_by = None
        c.steps = self.plan_steps(c, status, endorse, coordinator)
        approve = next((s for s in c.steps if s[0] == "approve"), None)
        base = approve[3] if approve else c.created
        c.start_date = base + rng.uniform(3, 45) * DAY
        c.end_date = c.start_date + rng.uniform(1, 200) * DAY
        c.updated = c.steps[-1][3] if c.steps else c.created + rng.uniform(0, 2) * HOUR
        c.approved = None
        c.period = None
        c.number = ""
        c.comments = []
        submitted = next((s[3] for s in c.steps if s[0] == "submit"), None)
        if submitted is not None and rng.random() < 0.08:
            for _ in range(rng.randint(1, 2)):
                author = c.created_by if rng.random() < 0.5 else coordinator
                c.comments.append(
                    (
                        rng.uniform(submitted, max(submitted, c.updated)),
                        author,
                        rng.choice(COMMENTS),
                    )
                )
        return c

    def cost_lines(self, main: str, participants: int, cap: int | None) -> list:
        rng = self.rng
        kind, median, sigma = COST_KINDS[main]
        amount = median * math.exp(rng.gauss(0, sigma))
        if participants > 1:
            amount *= participants * rng.uniform(0.15, 0.4)
        lines = [[kind, COST_DESCRIPTIONS[kind], max(100, int(round(amount, -1))) * 100]]
        for _ in range(rng.choices([0, 1, 2], [60, 30, 10])[0]):
            k, med, sig = rng.choice(EXTRA_COSTS)
            lines.append(
                [
                    k,
                    COST_DESCRIPTIONS[k],
                    max(100, int(round(med * math.exp(rng.gauss(0, sig)), -1))) * 100,
                ]
            )
        total = sum(x[2] for x in lines)
        if cap and total > cap:
            f = cap / total
            for x in lines:
                x[2] = max(100, int(x[2] * f) // 100 * 100)
        return lines

    STATUS_BY_AGE = [
        (
            21,
            {
                "draft": 15,
                "awaiting_endorsement": 8,
                "submitted": 40,
                "in_review": 25,
                "returned": 7,
                "withdrawn": 2,
                "approved": 3,
            },
        ),
        (
            60,
            {
                "draft": 5,
                "awaiting_endorsement": 2,
                "submitted": 12,
                "in_review": 18,
                "returned": 6,
                "approved": 30,
                "rejected": 8,
                "withdrawn": 4,
                "in_progress": 15,
            },
        ),
        (
            365,
            {
                "draft": 3,
                "submitted": 2,
                "in_review": 3,
                "returned": 2,
                "approved": 8,
                "in_progress": 30,
                "completed": 36,
                "rejected": 9,
                "withdrawn": 7,
            },
        ),
        (
            730,
            {
                "draft": 1.5,
                "approved": 1,
                "in_progress": 5,
                "completed": 76.5,
                "rejected": 9,
                "withdrawn": 7,
            },
        ),
        (
            10**9,
            {"draft": 1.5, "in_progress": 0.5, "completed": 81, "rejected": 10, "withdrawn": 7},
        ),
    ]
    _status_tables: list = []

    def pick_status(self, age: float, endorse: bool) -> str:
        if not self._status_tables:
            for limit, table in self.STATUS_BY_AGE:
                names = list(table)
                self._status_tables.append(
                    (limit * DAY, names, list(itertools.accumulate(table.values())))
                )
        for limit, names, cum in self._status_tables:
            if age < limit:
                s = names[bisect.bisect(cum, self.rng.random() * cum[-1])]
                if s == "awaiting_endorsement" and not endorse:
                    s = "submitted"
                return s
        raise AssertionError

    def plan_steps(self, c: CasePlan, status: str, endorse: bool, coordinator: int) -> list:
        """The transitions the case went through: (name, before, after, time, actor, note)."""
        rng = self.rng
        org = c.org
        manager = org.manager_for(c.unit, exclude_user=c.created_by) if endorse else 0
        endorse = endorse and bool(manager)
        if status == "awaiting_endorsement" and not endorse:
            status = c.status = "submitted"
        names: list[str] = []
        if status == "withdrawn":
            r = rng.random()
            variant = "draft" if r < 0.15 else ("funded" if r < 0.4 else "open")
        else:
            variant = ""
        if status != "draft" and variant != "draft":
            names.append("submit")
            if endorse and status != "awaiting_endorsement":
                names.append("endorse")
            if (
                status
                in ("in_review", "returned", "approved", "rejected", "in_progress", "completed")
                or variant == "funded"
            ):
                names.append("start_review")
            if status == "returned":
                names.append("return")
            if status in ("approved", "in_progress", "completed") or variant == "funded":
                names.append("approve")
            if status == "rejected":
                names.append("reject")
            if status in ("in_progress", "completed"):
                names.append("start")
            if status == "completed":
                names.append("complete")
        if status == "withdrawn":
            names.append("withdraw")
        gaps = {
            "submit": (0.02, 10),
            "endorse": (0.5, 7),
            "start_review": (0.3, 10),
            "return": (1, 10),
            "approve": (0.5, 25),
            "reject": (0.5, 25),
            "start": (1, 40),
            "complete": (20, 250),
            "withdraw": (1, 30),
        }
        durations = [rng.uniform(*gaps[n]) * DAY for n in names]
        avail = NOW - HOUR - c.created
        total = sum(durations)
        if total > avail:
            f = avail / total * rng.uniform(0.3, 1.0)
            durations = [x * f for x in durations]
        state = "draft"
        t = c.created
        steps = []
        for name, dt in zip(names, durations, strict=True):
            t += dt
            note = ""
            if name == "submit":
                after = "awaiting_endorsement" if endorse else "submitted"
                actor = c.created_by
            elif name == "endorse":
                after, actor = "submitted", manager
                c.endorsed_by = manager
            elif name == "start_review":
                after, actor = "in_review", coordinator
            elif name == "return":
                after, actor, note = "returned", coordinator, rng.choice(RETURN_REASONS)
            elif name == "approve":
                after, actor, note = "approved", c.decider, rng.choice(APPROVE_REASONS)
            elif name == "reject":
                after, actor, note = "rejected", c.decider, rng.choice(REJECT_REASONS)
            elif name == "start":
                after = "in_progress"
                actor = c.created_by if rng.random() < 0.5 else coordinator
            elif name == "complete":
                after, actor = "completed", coordinator
            else:
                after, actor = "withdrawn", c.created_by
            steps.append([name, state, after, t, actor, note])
            state = after
        return steps

    def number_cases(self, org: Org, cases: list[CasePlan]) -> None:
        by_year: dict[int, list[tuple[float, CasePlan]]] = defaultdict(list)
        for c in cases:
            for s in c.steps:
                if s[0] == "submit":
                    by_year[local_year(s[3])].append((s[3], c))
                    break
        for y, items in by_year.items():
            items.sort(key=lambda x: x[0])
            for n, (_t, c) in enumerate(items, start=1):
                c.number = f"{y}-{n:04d}"
            self.lines["cases_casecounter"].append(
                f"{self.ids.take('cases_casecounter')}\t{y}\t{len(items)}\t{org.id}\n"
            )

    # ---------------------------------------------------------------- money
    def plan_money(self, org: Org, cases: list[CasePlan]) -> None:
        """Approved amounts within what each period has, then the ledger they imply:
        commitment per decision, expenses, releases, and carry-over between periods."""
        rng = self.rng
        funded: dict[int, list[CasePlan]] = defaultdict(list)
        for c in cases:
            approve = next((s for s in c.steps if s[0] == "approve"), None)
            if approve is None:
                continue
            if rng.random() < 0.78:
                c.approved = c.requested
            else:
                c.approved = max(100_00, int(round(c.requested * rng.uniform(0.5, 0.95), -4)))
                c.approved = min(c.approved, c.requested)
            funded[local_year(approve[3])].append(c)
        carry_in = 0
        for y in YEARS:
            period = org.periods[y]
            pid = period["id"]
            available = period["alloc"] + carry_in
            group = funded.get(y, [])
            total = sum(c.approved for c in group)
            if total > 0.95 * available:
                f = 0.95 * available / total
                for c in group:
                    c.approved = max(100, int(c.approved * f) // 100 * 100)
            released_early = 0
            carry_time = year_start(y + 1) + 14 * DAY + 10 * HOUR
            for c in group:
                c.period = pid
                approve = next(s for s in c.steps if s[0] == "approve")
                self.ledger.append(
                    (
                        approve[3],
                        org.id,
                        pid,
                        "commitment",
                        c.approved,
                        c,
                        f"Beviljat {c.number}",
                        c.decider,
                    )
                )
                released_early += self.plan_use(org, c, pid, carry_time)
            total = sum(c.approved for c in group)
            remaining = available - total + released_early
            carry_in = 0
            nxt = org.periods.get(y + 1)
            if nxt and remaining > 0 and org.agreement_at(year_start(y + 1) + DAY)["carry"]:
                memo = f"Överfört från LOM {y} till LOM {y + 1}"
                self.ledger.append(
                    (
                        carry_time,
                        org.id,
                        pid,
                        "carry_over",
                        -remaining,
                        None,
                        memo,
                        org.coordinators[0],
                    )
                )
                self.ledger.append(
                    (
                        carry_time,
                        org.id,
                        nxt["id"],
                        "carry_over",
                        remaining,
                        None,
                        memo,
                        org.coordinators[0],
                    )
                )
                carry_in = remaining

    def plan_use(self, org: Org, c: CasePlan, pid: int, carry_time: float) -> int:
        """Expenses and the release of what was not used. Returns what was released before
        `carry_time` (it is part of the balance carried over)."""
        rng = self.rng
        steps = {s[0]: s for s in c.steps}
        coordinator = org.coordinators[0]
        released = 0
        if "withdraw" in steps:
            t = steps["withdraw"][3]
            self.ledger.append(
                (
                    t,
                    org.id,
                    pid,
                    "release",
                    c.approved,
                    c,
                    "Frigjort vid återta ansökan",
                    c.created_by,
                )
            )
            return c.approved if t < carry_time else 0
        if "start" not in steps:
            return 0
        t0 = steps["start"][3]
        if "complete" in steps:
            t1 = steps["complete"][3]
            spent = (
                c.approved
                if rng.random() < 0.4
                else int(round(c.approved * rng.uniform(0.55, 1.0), -2))
            )
            n = rng.choices([1, 2, 3, 4, 5, 6], [8, 15, 25, 25, 17, 10])[0]
        else:
            t1 = NOW - HOUR
            spent = int(round(c.approved * rng.uniform(0.0, 0.8), -2))
            n = rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0]
        spent = min(spent, c.approved)
        if n and spent > 0:
            cuts = sorted(rng.randint(0, spent) for _ in range(n - 1))
            parts = [b_ - a_ for a_, b_ in zip([0, *cuts], [*cuts, spent], strict=True)]
            times = sorted(rng.uniform(t0, max(t0, t1 - 60)) for _ in parts)
            for amount, t in zip(parts, times, strict=True):
                if amount > 0:
                    self.ledger.append(
                        (
                            t,
                            org.id,
                            pid,
                            "expense",
                            amount,
                            c,
                            f"Faktura {rng.randint(10000, 99999)}",
                            coordinator,
                        )
                    )
        else:
            spent = 0
        if "complete" in steps and c.approved - spent > 0:
            self.ledger.append(
                (
                    t1,
                    org.id,
                    pid,
                    "release",
                    c.approved - spent,
                    c,
                    "Frigjort vid markera som avslutad",
                    coordinator,
                )
            )
            if t1 < carry_time:
                released = c.approved - spent
        return released

    # ---------------------------------------------------------------- emit big tables
    def case_lines(self):
        for c in self.cases:
            o = c.org
            decided = next((s[3] for s in c.steps if s[0] in ("approve", "reject")), None)
            submitted = next((s[3] for s in c.steps if s[0] == "submit"), None)
            yield (
                f"{c.id}\t{c.number}\t{c.status}\t{c.kind}\t{c.title}\t"
                f"{o.unit_by_id[c.unit][4]}\t{c.purpose}\t{c.need}\t{c.desc}\t{c.private}\t"
                f"{b(c.share)}\t{c.participants}\t{d(c.start_date)}\t{d(c.end_date)}\t"
                f"{c.requested}\t{nul(c.approved)}\t{ts(c.created)}\t"
                f"{ts(submitted) if submitted else N}\t{ts(decided) if decided else N}\t"
                f"{ts(c.updated)}\t{nul(c.applicant)}\t{nul(c.co_mgr)}\t{c.created_by}\t"
                f"{nul(c.endorsed_by)}\t{o.id}\t{nul(c.period)}\t{c.unit}\n"
            )

    def costline_lines(self):
        next_id = self.ids.take("cases_costline", sum(len(c.lines) for c in self.cases))
        for c in self.cases:
            for kind, desc, amount in c.lines:
                yield f"{next_id}\t{kind}\t{desc}\t{amount}\t{c.id}\n"
                next_id += 1

    def case_measure_lines(self):
        next_id = self.ids.take("cases_case_measure_types", sum(len(c.mtypes) for c in self.cases))
        for c in self.cases:
            for mid in c.mtypes:
                yield f"{next_id}\t{c.id}\t{mid}\n"
                next_id += 1

    def decision_lines(self):
        rows = []
        for c in self.cases:
            for s in c.steps:
                if s[0] in ("approve", "reject"):
                    rows.append((s[3], c, s))
        rows.sort(key=lambda r: r[0])
        next_id = self.ids.take("cases_decision", len(rows))
        for t, c, s in rows:
            ok = s[0] == "approve"
            yield (
                f"{next_id}\t{'approved' if ok else 'rejected'}\t"
                f"{c.approved if ok else N}\t{s[5]}\t{c.model}\t{ts(t)}\t{c.id}\t{s[4]}\n"
            )
            next_id += 1

    def comment_lines(self):
        rows = [(t, c, author, text) for c in self.cases for t, author, text in c.comments]
        rows.sort(key=lambda r: r[0])
        next_id = self.ids.take("cases_comment", len(rows))
        for t, c, author, text in rows:
            yield f"{next_id}\t{text}\t{ts(t)}\t{author}\t{c.id}\n"
            next_id += 1

    def ledger_lines(self):
        self.ledger.sort(key=lambda r: r[0])
        next_id = self.ids.take("funds_ledgerentry", len(self.ledger))
        for t, org_id, pid, kind, amount, case, memo, by in self.ledger:
            yield (
                f"{next_id}\t{kind}\t{amount}\t{memo}\t{ts(t)}\t"
                f"{case.id if case is not None else N}\t{nul(by)}\t{org_id}\t{pid}\n"
            )
            next_id += 1

    def period_totals_lines(self):
        """The running totals of every period (funds.PeriodTotals), summed from the planned
        ledger, as ledger_post would have kept them."""
        field = {k: i for i, k in enumerate(TOTAL_KINDS)}
        totals = {
            period["id"]: [0] * len(TOTAL_KINDS)
            for org in self.orgs
            for period in org.periods.values()
        }
        for _t, _org, pid, kind, amount, *_rest in self.ledger:
            totals[pid][field[kind]] += amount
        for pid in sorted(totals):
            yield "\t".join(map(str, [pid, *totals[pid]])) + "\n"

    def audit_lines(self):
        """One event per case creation and per transition, as case_transition() writes them."""
        keys = []
        for ci, c in enumerate(self.cases):
            keys.append((c.created, ci, -1))
            for si, s in enumerate(c.steps):
                keys.append((s[3], ci, si))
        keys.sort()
        next_id = self.ids.take("common_auditevent", len(keys))
        for t, ci, si in keys:
            c = self.cases[ci]
            if si < 0:
                before = "{}"
                after = _snapshot("draft", None, c.requested)
                action, actor, note = "case.create", c.created_by, ""
            else:
                name, frm, to, _t, actor, note = c.steps[si]
                approved_before = c.approved if _approved_before(c, si) else None
                approved_after = (
                    c.approved if (_approved_before(c, si) or name == "approve") else None
                )
                before = _snapshot(frm, approved_before, c.requested)
                after = _snapshot(to, approved_after, c.requested)
                action = f"case.{name}"
            yield (
                f"{next_id}\t{action}\tcases.case\t{c.id}\t{before}\t{after}\t{note}\t"
                f"{ts(t)}\t{nul(actor)}\t{c.id}\t{c.org.id}\n"
            )
            next_id += 1

    def employee_lines(self):
        user_of = {}
        for org in self.orgs:
            user_of.update(org.emp_user)
        for line in self.lines.pop("organisations_employee"):
            eid = int(line[: line.index("\t")])
            yield line.replace("{user}", nul(user_of.get(eid)), 1)


def _snapshot(status: str, approved: int | None, requested: int) -> str:
    return (
        f'{{"status": "{status}", "approved_ore": {"null" if approved is None else approved},'
        f' "requested_ore": {requested}}}'
    )


def _approved_before(c: CasePlan, si: int) -> bool:
    return any(s[0] == "approve" for s in c.steps[:si])


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------
COLUMNS = {
    "organisations_organisation": "id name slug org_number kind created_at",
    "organisations_unit": "id name code path organisation_id parent_id",
    "organisations_union": "id name organisation_id",
    "accounts_user": "id password last_login is_superuser username first_name last_name email "
    "is_staff is_active date_joined",
    "organisations_employee": "id first_name last_name email occupational_group "
    "employment_start employment_form birth_year gender active user_id "
    "organisation_id unit_id",
    "organisations_membership": "id role user_id organisation_id union_id unit_id",
    "accounts_apitoken": "id name key_hash prefix created_at last_used_at user_id",
    "agreements_localagreement": "id title valid_from valid_to purpose_text exclusions "
    "excludes_ordinary_training allow_individual allow_with_manager "
    "allow_group allow_development_project "
    "requires_manager_endorsement cap_per_person_ore "
    "cap_per_application_ore decision_model allows_carry_over "
    "follow_up_text created_at updated_at organisation_id",
    "agreements_localagreement_unions": "id localagreement_id union_id",
    "agreements_localagreement_measure_types": "id localagreement_id measuretype_id",
    "funds_fundperiod": "id name start end method payroll_ore fixed_amount_ore created_at "
    "organisation_id previous_id rate_id",
    "cases_casecounter": "id year last organisation_id",
    "cases_case": "id number status kind title unit_path purpose business_need description "
    "private_reason share_private_reason participant_count start_date end_date "
    "requested_ore approved_ore created_at submitted_at decided_at updated_at "
    "applicant_id co_applicant_manager_id created_by_id endorsed_by_id "
    "organisation_id period_id unit_id",
    "cases_costline": "id kind description amount_ore case_id",
    "cases_case_measure_types": "id case_id measuretype_id",
    "cases_decision": "id outcome amount_ore reasoning decision_model decided_at case_id "
    "decided_by_id",
    "cases_comment": "id text created_at author_id case_id",
    "funds_ledgerentry": "id kind amount_ore memo created_at case_id created_by_id "
    "organisation_id period_id",
    "funds_periodtotals": "period_id allocated carried_over commitments releases spent",
    "common_auditevent": "id action target_type target_id before after note at actor_id "
    "case_id organisation_id",
}


# The ledger kinds in the order of the funds_periodtotals columns after period_id.
TOTAL_KINDS = ("allocation", "carry_over", "commitment", "release", "expense")


def _copy_text(value) -> str:
    if value is None:
        return N
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def defaults_for_other_columns(table: str) -> tuple[list[str], str]:
    """Columns of the model that the generator does not set (added after it was written), with
    the model field's default, so a new NOT NULL column with a default does not break the load.
    A column the generator names that the model no longer has is an error."""
    from django.apps import apps
    from django.db.models import NOT_PROVIDED

    models = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    given = COLUMNS[table].split()
    fields = models[table]._meta.concrete_fields
    missing = set(given) - {f.column for f in fields}
    if missing:
        raise SystemExit(f"{table}: the model has no column(s) {sorted(missing)}; update bench")
    extra_cols, extra_vals = [], []
    for f in fields:
        if (
            f.column in given
            or f.null
            or getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED
        ):
            continue
        if f.has_default():
            value = f.get_default()
        elif f.blank and f.get_internal_type() in ("CharField", "TextField", "SlugField"):
            value = ""
        else:
            raise SystemExit(f"{table}.{f.column} is NOT NULL without a default; update bench")
        extra_cols.append(f.column)
        extra_vals.append(_copy_text(value))
    return extra_cols, "".join("\t" + v for v in extra_vals)


def copy_lines(cur, table: str, lines) -> int:
    extra_cols, suffix = defaults_for_other_columns(table)
    columns = COLUMNS[table].split() + extra_cols
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE true)").format(sql.Identifier(table), cols)
    n = 0
    with cur.copy(stmt) as copy:
        buf: list[str] = []
        for line in lines:
            buf.append(line)
            if len(buf) >= 20_000:
                n += _flush(copy, buf, suffix)
        n += _flush(copy, buf, suffix)
    return n


def _flush(copy, buf: list[str], suffix: str) -> int:
    if not buf:
        return 0
    text = "".join(buf)
    if suffix:
        text = text.replace("\n", suffix + "\n")
    copy.write(text.encode())
    n = len(buf)
    buf.clear()
    return n


def referencing_closure(cur, tables: list[str]) -> list[str]:
    """The tables plus every table with a foreign key to one of them (for TRUNCATE)."""
    out = set(tables)
    while True:
        rows = cur.execute(
            """SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
               WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)""",
            [list(out)],
        ).fetchall()
        new = {r[0] for r in rows} - out
        if not new:
            return sorted(out)
        out |= new


def drop_secondary(cur, tables: list[str]) -> tuple[list, list]:
    """Drop foreign keys and non-constraint indexes of `tables`; return how to recreate them."""
    fks = cur.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
           FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)""",
        [tables],
    ).fetchall()
    idx = cur.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid::regclass::text = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [tables],
    ).fetchall()
    for table, name, _def in fks:
        cur.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)
            )
        )
    for name, _def in idx:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return fks, idx


def restore_secondary(cur, fks, idx) -> None:
    for _name, definition in idx:
        cur.execute(definition)
    for table, name, definition in fks:
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                sql.Identifier(table), sql.Identifier(name)
            )
            + sql.SQL(definition)
        )


# --------------------------------------------------------------------------------------------
# Database setup, checks, main
# --------------------------------------------------------------------------------------------
def prepare_database(url: str, reset: bool) -> str:
    name = common.database_name(url)
    admin = common.with_database(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            if not name.startswith("lom_bench"):
                raise SystemExit(f"refusing to drop {name!r}: --reset only drops lom_bench_*")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return "created"
    return "exists"


def migrate(url: str) -> None:
    import os

    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", common.BENCH_SECRET_KEY),
        LOM_BASE_URL=os.environ.get("LOM_BASE_URL", "http://127.0.0.1:8000"),
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="lom.config.settings",
    )
    subprocess.run(
        [sys.executable, str(common.ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
    )


CHECKS = [
    (
        "unit path = parent path + id",
        """SELECT count(*) FROM organisations_unit u LEFT JOIN organisations_unit p
        ON p.id = u.parent_id
        WHERE u.path <> coalesce(p.path, '/') || u.id || '/'
           OR (p.id IS NOT NULL AND p.organisation_id <> u.organisation_id)""",
    ),
    (
        "case unit_path = unit path",
        """SELECT count(*) FROM cases_case c JOIN organisations_unit u ON u.id = c.unit_id
        WHERE c.unit_path <> u.path OR u.organisation_id <> c.organisation_id""",
    ),
    (
        "requested = sum(cost lines)",
        """SELECT count(*) FROM cases_case c LEFT JOIN (SELECT case_id, sum(amount_ore) s
        FROM cases_costline GROUP BY case_id) l ON l.case_id = c.id
        WHERE c.requested_ore <> coalesce(l.s, 0)""",
    ),
    (
        "duplicate case numbers per organisation",
        """SELECT count(*) FROM (SELECT organisation_id, number FROM cases_case WHERE number <> ''
        GROUP BY 1, 2 HAVING count(*) > 1) x""",
    ),
    (
        "funded cases without approved amount or period",
        """SELECT count(*) FROM cases_case WHERE status IN ('approved', 'in_progress', 'completed')
        AND (approved_ore IS NULL OR period_id IS NULL OR approved_ore > requested_ore)""",
    ),
    (
        "counters behind the numbers",
        """SELECT count(*) FROM cases_casecounter k JOIN (SELECT organisation_id,
        split_part(number, '-', 1)::int y, max(split_part(number, '-', 2)::int) m
        FROM cases_case WHERE number <> '' GROUP BY 1, 2) c
        ON c.organisation_id = k.organisation_id AND c.y = k.year WHERE k.last <> c.m""",
    ),
    (
        "periods with negative remaining or committed",
        """SELECT count(*) FROM (SELECT period_id,
        sum(amount_ore) FILTER (WHERE kind = 'allocation') a,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'carry_over'), 0) co,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'commitment'), 0) c,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'release'), 0) r,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'expense'), 0) e
        FROM funds_ledgerentry GROUP BY 1) b
        WHERE a + co - c + r < 0 OR c - r - e < 0""",
    ),
    (
        "period running totals = ledger sums",
        """SELECT count(*) FROM funds_fundperiod p
        LEFT JOIN funds_periodtotals t ON t.period_id = p.id
        LEFT JOIN (SELECT period_id,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'allocation'), 0) a,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'carry_over'), 0) co,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'commitment'), 0) c,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'release'), 0) r,
        coalesce(sum(amount_ore) FILTER (WHERE kind = 'expense'), 0) e
        FROM funds_ledgerentry GROUP BY 1) b ON b.period_id = p.id
        WHERE t.period_id IS NULL
           OR (t.allocated, t.carried_over, t.commitments, t.releases, t.spent)
              IS DISTINCT FROM (coalesce(b.a, 0), coalesce(b.co, 0), coalesce(b.c, 0),
                                coalesce(b.r, 0), coalesce(b.e, 0))""",
    ),
    (
        "cases spending more than approved",
        """SELECT count(*) FROM cases_case c JOIN (SELECT case_id,
        sum(amount_ore) FILTER (WHERE kind = 'expense') e,
        sum(amount_ore) FILTER (WHERE kind = 'commitment') k,
        sum(amount_ore) FILTER (WHERE kind = 'release') r
        FROM funds_ledgerentry WHERE case_id IS NOT NULL GROUP BY 1) l ON l.case_id = c.id
        WHERE coalesce(l.e, 0) + coalesce(l.r, 0) > coalesce(l.k, 0)
           OR l.k <> c.approved_ore""",
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", help="default: DATABASE_URL or the bench server")
    parser.add_argument(
        "--server",
        help=f"PostgreSQL server URL (default {common.DEFAULT_SERVER}"
        "); the database is lom_bench_<scale>",
    )
    parser.add_argument(
        "--reset", action="store_true", help="drop and recreate the lom_bench_* database first"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-audit", action="store_true", help="skip the audit trail")
    parser.add_argument("--no-verify", action="store_true", help="skip the consistency checks")
    args = parser.parse_args()
    _check_vocabulary()
    url = common.resolve_database_url(args.scale, args.database_url, args.server)
    print(f"LOM benchmark data: scale {args.scale:g} into {common.database_name(url)}")
    phases = Phases()
    t_all = time.perf_counter()
    with phases("database") as note:
        note.append(prepare_database(url, args.reset))
    with phases("migrate"):
        migrate(url)
    common.setup_django(url)
    gen = Generator(args.scale, args.seed, audit=not args.no_audit)
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT count(*) FROM organisations_organisation").fetchone()[0]:
            raise SystemExit("the database already holds organisations: use --reset")
        with phases("plan organisations, units, employees, roles, agreements, periods") as note:
            gen.load_reference(conn)
            gen.plan_orgs()
            note.append(f"({len(gen.orgs)} organisations)")
        with phases("plan cases and ledger") as note:
            gen.plan_cases()
            note.append(f"({len(gen.cases)} cases, {len(gen.ledger)} ledger rows)")
        big = [
            "cases_case",
            "cases_costline",
            "cases_case_measure_types",
            "cases_decision",
            "cases_comment",
            "funds_ledgerentry",
            "common_auditevent",
            "organisations_employee",
            "accounts_user",
            "organisations_membership",
        ]
        counts: dict[str, int] = {}
        with conn.cursor() as cur:
            with phases("truncate, drop secondary indexes and foreign keys"):
                tables = list(COLUMNS)
                cur.execute(
                    sql.SQL("TRUNCATE {}").format(
                        sql.SQL(", ").join(
                            sql.Identifier(t) for t in referencing_closure(cur, tables)
                        )
                    )
                )
                fks, idx = drop_secondary(cur, tables)
            sources = {
                "organisations_employee": gen.employee_lines,
                "cases_case": gen.case_lines,
                "cases_costline": gen.costline_lines,
                "cases_case_measure_types": gen.case_measure_lines,
                "cases_decision": gen.decision_lines,
                "cases_comment": gen.comment_lines,
                "funds_ledgerentry": gen.ledger_lines,
                "funds_periodtotals": gen.period_totals_lines,
                "common_auditevent": gen.audit_lines,
            }
            if args.no_audit:
                sources["common_auditevent"] = lambda: iter(())
            order = [t for t in COLUMNS if t not in big] + big
            for table in order:
                with phases(f"copy {table}") as note:
                    lines = sources[table]() if table in sources else gen.lines.pop(table, [])
                    counts[table] = copy_lines(cur, table, lines)
                    note.append(f"{counts[table]:,} rows")
            with phases("foreign keys (validated) and indexes") as note:
                restore_secondary(cur, fks, idx)
                note.append(f"({len(fks)} foreign keys, {len(idx)} indexes)")
            with phases("sequences"):
                for table in COLUMNS:
                    if COLUMNS[table].split()[0] != "id":
                        continue  # keyed by another table's id (funds_periodtotals)
                    cur.execute(
                        sql.SQL(
                            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                            "coalesce((SELECT max(id) FROM {}), 0) + 1, false)"
                        ).format(sql.Identifier(table)),
                        [table],
                    )
            with phases("commit"):
                conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        with phases("vacuum analyze"):
            conn.execute("VACUUM ANALYZE")
        failures = []
        if not args.no_verify:
            with phases("consistency checks") as note:
                for label, query in CHECKS:
                    bad = conn.execute(query).fetchone()[0]
                    if bad:
                        failures.append(f"{label}: {bad}")
                note.append("all passed" if not failures else f"{len(failures)} FAILED")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]
    total = time.perf_counter() - t_all
    print()
    print(f"{'phase':<64} {'seconds':>8}")
    for name, dt, note in phases.rows:
        print(f"{name:<64} {dt:8.1f}  {note}")
    print(f"{'TOTAL':<64} {total:8.1f}")
    print()
    print(f"{'table':<44} {'rows':>12}")
    for table, n in counts.items():
        print(f"{table:<44} {n:>12,}")
    print(f"{'all rows':<44} {sum(counts.values()):>12,}   database size {size}")
    for f in failures:
        print("CHECK FAILED:", f)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    out = common.RESULTS / f"generate-{common.database_name(url)}.json"
    out.write_text(
        json.dumps(
            {
                "scale": args.scale,
                "database": common.database_name(url),
                "seed": args.seed,
                "generated_at": NOW_DT.isoformat(),
                "seconds_total": round(total, 1),
                "phases": [
                    {"phase": n, "seconds": round(t, 2), "note": x} for n, t, x in phases.rows
                ],
                "rows": counts,
                "database_size": size,
                "failed_checks": failures,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written {out.relative_to(common.ROOT)}")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
