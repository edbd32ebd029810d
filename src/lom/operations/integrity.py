"""The integrity check of a running or restored installation: reads only, writes nothing.

- Every sealed document (any concrete model of `common.sealed.SealedDocument`: signed minutes,
  locked workshop results, ...): its stored file exists under MEDIA_ROOT and its SHA-256 is the
  one kept on the row.
- Every other stored file (case and fund attachments, report files) exists.
- Every fund period's ledger: the entries summed one by one equal the balance the funds
  selectors sum from the ledger, and the period's running totals (what every page reads) equal
  that sum; nothing is committed or spent beyond what the period holds; an entry that
  moves money for a case (commitment, release, expense) names its case, of the same
  organisation; no case has released or spent more than was committed for it; carry-overs of an
  organisation cancel out.
- In fund mode, every pot likewise (its entries name their notification, an expense its claim),
  and an allocated round's pots add up to the round's total.

`integrity_report()` runs every check and returns the problems found with what was checked."""

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models

from lom.common.sealed import SealedDocument
from lom.fundmode.models import FundRound, Pot, PotEntry, PotEntryKind
from lom.fundmode.selectors import balances_for_pots
from lom.funds.models import TOTAL_FIELD_OF_KIND, EntryKind, FundPeriod, LedgerEntry
from lom.funds.selectors import (
    EMPTY_BALANCE,
    Balance,
    ledger_balances_for_periods,
    period_totals_differences,
)

# Ledger kinds that move money for one case and must name it.
CASE_KINDS = (EntryKind.COMMITMENT, EntryKind.RELEASE, EntryKind.EXPENSE)
# Pot kinds that move money for one notification; an expense also names its claim.
NOTIFICATION_KINDS = (PotEntryKind.COMMITMENT, PotEntryKind.RELEASE, PotEntryKind.EXPENSE)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold: which check, which record, what is wrong."""

    check: str  # "sealed", "file", "ledger" or "pot"
    subject: str  # e.g. "decisions.Meeting 12"
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"


@dataclass
class IntegrityReport:
    problems: list[Problem] = field(default_factory=list)
    # What was checked, e.g. {"sealed_documents": 3, "files": 10, "fund_periods": 2, ...}.
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _label(model: type[models.Model], pk: object) -> str:
    return f"{model._meta.label} {pk}"


def _file_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sealed_document_models() -> list[type[SealedDocument]]:
    """Every installed model that seals a document."""
    return [m for m in apps.get_models() if issubclass(m, SealedDocument)]


def _check_sealed(report: IntegrityReport) -> None:
    count = 0
    for model in sealed_document_models():
        rows = (
            model._default_manager.exclude(sealed_sha256="", sealed_file="")
            .order_by("pk")
            .values_list("pk", "sealed_file", "sealed_sha256")
        )
        for pk, name, sha in rows.iterator():
            count += 1
            subject = _label(model, pk)
            if not name or not sha:
                what = "no stored file" if not name else "no stored SHA-256"
                report.problems.append(Problem("sealed", subject, f"sealed with {what}"))
            elif not default_storage.exists(name):
                report.problems.append(Problem("sealed", subject, f"file {name} is missing"))
            elif (actual := _file_sha256(name)) != sha:
                report.problems.append(
                    Problem(
                        "sealed",
                        subject,
                        f"file {name} has SHA-256 {actual}, the stored one is {sha}",
                    )
                )
    report.checked["sealed_documents"] = count


def _stored_file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    """Every FileField of every installed model, the sealed documents' own file left out
    (the sealed check reads it)."""
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not isinstance(f, models.FileField) or f.model is not model:
                continue
            if issubclass(model, SealedDocument) and f.name == "sealed_file":
                continue
            yield model, f


def _check_files(report: IntegrityReport) -> None:
    count = 0
    for model, f in _stored_file_fields():
        rows = (
            model._default_manager.exclude(**{f.attname: ""})
            .exclude(**{f"{f.attname}__isnull": True})
            .order_by("pk")
            .values_list("pk", f.attname)
        )
        for pk, name in rows.iterator():
            count += 1
            if not default_storage.exists(name):
                report.problems.append(
                    Problem("file", _label(model, pk), f"{f.name}: file {name} is missing")
                )
    report.checked["files"] = count


def _balance_problems(
    subject: str, computed: Balance, summed: dict[str, int], check: str
) -> list[Problem]:
    """The selectors' balance against the entries summed one by one, and the bounds every
    balance keeps (nothing committed or spent beyond what there is)."""
    out = []
    for name, value in summed.items():
        if getattr(computed, name) != value:
            out.append(
                Problem(
                    check,
                    subject,
                    f"{name}: the entries sum to {value}, the balance says "
                    f"{getattr(computed, name)}",
                )
            )
    if computed.committed < 0:
        out.append(Problem(check, subject, f"committed is negative ({computed.committed})"))
    if computed.remaining < 0:
        out.append(Problem(check, subject, f"remaining is negative ({computed.remaining})"))
    return out


def _check_fund_ledgers(report: IntegrityReport) -> None:
    periods = list(FundPeriod.objects.order_by("pk"))
    period_org = {p.pk: p.organisation_id for p in periods}
    summed: dict[int, dict[str, int]] = {
        p.pk: dict.fromkeys(TOTAL_FIELD_OF_KIND.values(), 0) for p in periods
    }
    by_case: dict[int, int] = defaultdict(int)  # outstanding per case
    carry_by_org: dict[int, int] = defaultdict(int)
    case_org = dict(
        apps.get_model("cases", "Case")
        .objects.filter(ledger_entries__isnull=False)
        .distinct()
        .values_list("pk", "organisation_id")
    )
    entries = LedgerEntry.objects.order_by("pk").values_list(
        "pk", "period_id", "organisation_id", "kind", "amount_ore", "case_id"
    )
    count = 0
    for pk, period_id, org_id, kind, amount, case_id in entries.iterator():
        count += 1
        subject = _label(LedgerEntry, pk)
        if kind not in TOTAL_FIELD_OF_KIND:
            report.problems.append(Problem("ledger", subject, f"unknown kind {kind!r}"))
            continue
        summed[period_id][TOTAL_FIELD_OF_KIND[kind]] += amount
        if org_id != period_org[period_id]:
            report.problems.append(
                Problem("ledger", subject, "its organisation is not its period's")
            )
        if kind == EntryKind.CARRY_OVER:
            carry_by_org[period_org[period_id]] += amount
        if kind in CASE_KINDS:
            if case_id is None:
                report.problems.append(Problem("ledger", subject, f"{kind} entry without its case"))
                continue
            if case_org[case_id] != org_id:
                report.problems.append(
                    Problem("ledger", subject, f"case {case_id} is of another organisation")
                )
            by_case[case_id] += amount if kind == EntryKind.COMMITMENT else -amount
    balances = ledger_balances_for_periods()
    for p in periods:
        report.problems += _balance_problems(
            _label(FundPeriod, p.pk), balances.get(p.pk, EMPTY_BALANCE), summed[p.pk], "ledger"
        )
    for diff in period_totals_differences():
        report.problems.append(
            Problem("ledger", _label(FundPeriod, diff.period_id), f"running totals: {diff}")
        )
    for case_id, outstanding in sorted(by_case.items()):
        if outstanding < 0:
            report.problems.append(
                Problem(
                    "ledger",
                    f"cases.Case {case_id}",
                    f"released and spent {-outstanding} more than was committed",
                )
            )
    for org_id, total in sorted(carry_by_org.items()):
        if total != 0:
            report.problems.append(
                Problem(
                    "ledger",
                    f"organisations.Organisation {org_id}",
                    f"carry-overs do not cancel out ({total})",
                )
            )
    report.checked["fund_periods"] = len(periods)
    report.checked["ledger_entries"] = count


_POT_FIELDS: dict[str, str] = {
    PotEntryKind.ALLOCATION: "allocated",
    PotEntryKind.COMMITMENT: "commitments",
    PotEntryKind.RELEASE: "releases",
    PotEntryKind.EXPENSE: "spent",
}


def _check_pots(report: IntegrityReport) -> None:
    pots = list(Pot.objects.order_by("pk"))
    summed: dict[int, dict[str, int]] = {p.pk: dict.fromkeys(_POT_FIELDS.values(), 0) for p in pots}
    entries = PotEntry.objects.order_by("pk").values_list(
        "pk", "pot_id", "kind", "amount_ore", "notification_id", "claim_id"
    )
    count = 0
    for pk, pot_id, kind, amount, notification_id, claim_id in entries.iterator():
        count += 1
        if kind not in _POT_FIELDS:
            report.problems.append(Problem("pot", _label(PotEntry, pk), f"unknown kind {kind!r}"))
            continue
        summed[pot_id][_POT_FIELDS[kind]] += amount
        if kind in NOTIFICATION_KINDS and notification_id is None:
            report.problems.append(
                Problem("pot", _label(PotEntry, pk), f"{kind} entry without its notification")
            )
        if kind == PotEntryKind.EXPENSE and claim_id is None:
            report.problems.append(
                Problem("pot", _label(PotEntry, pk), "expense entry without its claim")
            )
    balances = balances_for_pots(pots=pots)
    allocated_by_round: dict[int, int] = defaultdict(int)
    for p in pots:
        report.problems += _balance_problems(_label(Pot, p.pk), balances[p.pk], summed[p.pk], "pot")
        allocated_by_round[p.round_id] += summed[p.pk]["allocated"]
    rounds = FundRound.objects.filter(status=FundRound.Status.ALLOCATED).order_by("pk")
    for r in rounds.values_list("pk", "total_ore"):
        if allocated_by_round[r[0]] != r[1]:
            report.problems.append(
                Problem(
                    "pot",
                    _label(FundRound, r[0]),
                    f"its pots were allocated {allocated_by_round[r[0]]}, its total is {r[1]}",
                )
            )
    report.checked["pots"] = len(pots)
    report.checked["pot_entries"] = count


def integrity_report() -> IntegrityReport:
    """Run every check. Reads the database and the stored files; changes nothing."""
    report = IntegrityReport()
    _check_sealed(report)
    _check_files(report)
    _check_fund_ledgers(report)
    _check_pots(report)
    return report
