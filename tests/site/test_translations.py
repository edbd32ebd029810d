"""The English catalogues are complete: every message in every en .po file (the main one and each
app's own) has a checked translation, with the same placeholders and tags as the Swedish, and the
compiled .mo files are those of the .po files. `make messages` extracts and compiles them."""

import ast
import gettext
import re
from collections import Counter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "lom"
CATALOGUES = sorted(SRC.glob("**/locale/en/LC_MESSAGES/django.po"))
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')
PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")
BRACE = re.compile(r"\{\w*(?:![rsa])?(?::[^{}]*)?\}")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)")


def entries(path: Path) -> list[dict]:
    """The entries of a .po file (obsolete ones left out): its fields and flags."""
    out: list[dict] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "fields": {}}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif m := KEYWORD.match(line):
                key = m.group(1)
                entry["fields"][key] = ast.literal_eval(m.group(2))
            elif line.startswith('"'):
                entry["fields"][key] += ast.literal_eval(line)
        if entry["fields"]:
            out.append(entry)
    return out


def is_header(entry: dict) -> bool:
    return entry["fields"]["msgid"] == "" and "msgctxt" not in entry["fields"]


def translations(entry: dict) -> dict[int, str]:
    fields = entry["fields"]
    if "msgstr" in fields:
        return {0: fields["msgstr"]}
    return {int(k[7:-1]): v for k, v in fields.items() if k.startswith("msgstr[")}


def label(path: Path, entry: dict) -> str:
    return f"{path.relative_to(SRC)}: {entry['fields']['msgid']!r}"


def test_every_app_catalogue_is_found():
    assert SRC / "locale/en/LC_MESSAGES/django.po" in CATALOGUES
    assert len(CATALOGUES) > 1


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_message_has_a_checked_translation(po):
    problems = []
    for entry in entries(po):
        if is_header(entry):
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {label(po, entry)}")
        if not all(translations(entry).values()):
            problems.append(f"empty: {label(po, entry)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_translations_keep_placeholders_and_tags(po):
    problems = []
    for entry in entries(po):
        if is_header(entry):
            continue
        fields = entry["fields"]
        for n, text in translations(entry).items():
            source = fields["msgid"] if n == 0 else fields["msgid_plural"]
            checks = [(TAG, "tags")]
            if "python-format" in entry["flags"]:
                checks.append((PRINTF, "placeholders"))
            if "python-brace-format" in entry["flags"]:
                checks.append((BRACE, "placeholders"))
            for pattern, what in checks:
                if Counter(pattern.findall(source)) != Counter(pattern.findall(text)):
                    problems.append(f"{what} differ in [{n}]: {label(po, entry)} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_the_compiled_catalogue_is_up_to_date(po):
    expected = {}
    for entry in entries(po):
        fields = entry["fields"]
        if is_header(entry) or "fuzzy" in entry["flags"]:
            continue
        msgid = fields["msgid"]
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        for n, text in translations(entry).items():
            if text:
                expected[(msgid, n) if "msgid_plural" in fields else msgid] = text
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)
    assert compiled == expected, f"run `make messages`: {po.with_suffix('.mo')} is stale"
