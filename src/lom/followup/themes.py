"""Themes of the survey's free-text answers, for the coordinator: a fixed Swedish lexicon over
stemmed words. Deterministic and explainable on purpose (no model, no training, nothing sent
anywhere): the same texts always fall under the same themes.

The method:
1. A text is split into words (letters only), lower-cased, and each word is stemmed with the
   Swedish Snowball stemmer (the one the measure library's search uses).
2. Each theme has a list of Swedish words. Each is stemmed the same way when this module
   loads, in its base form and its definite forms (word + "en", word + "et"), because the
   stemmer does not always give a word and its inflections one stem ("kurs" -> "kur", but
   "kursen", "kurser" -> "kurs").
3. A word matches a theme word when their stems are equal, or, for theme stems of at least
   four letters, when the word's stem begins or ends with it (Swedish compounds:
   "ledarskapsutbildning" begins with "ledarskap", "yrkesutbildning" ends with "utbildning").
4. A text belongs to every theme one of its words matches, and to "Övrigt" when it matches
   none; so the groups may together hold more texts than there are answers.

Texts are never shown with names (they are stored without any), and only from five answers
(`lom.followup.selectors.survey_free_text_themes`)."""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
COMPOUND_MIN = 4  # a theme stem this long also matches at the start or end of a compound


@dataclass(frozen=True)
class Theme:
    code: str
    label: str | Promise
    words: tuple[str, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "competence",
        _("Kompetens och utbildning"),
        (
            "kompetens",
            "utbildning",
            "kurs",
            "lära",
            "lärde",
            "kunskap",
            "certifiering",
            "studier",
            "studera",
            "examen",
            "färdighet",
            "lärare",
            "föreläsning",
            "handledning",
        ),
    ),
    Theme(
        "career",
        _("Karriär och byte"),
        (
            "karriär",
            "jobb",
            "tjänst",
            "roll",
            "befattning",
            "arbetsgivare",
            "byte",
            "byta",
            "bytte",
            "ansökan",
            "intervju",
            "cv",
            "anställning",
            "framtid",
            "yrke",
            "omställning",
        ),
    ),
    Theme(
        "health",
        _("Arbetsmiljö och hälsa"),
        (
            "arbetsmiljö",
            "hälsa",
            "stress",
            "stressig",
            "ork",
            "orka",
            "sjuk",
            "sjukskrivning",
            "utbrändhet",
            "trivsel",
            "belastning",
            "återhämtning",
            "välmående",
            "må",
        ),
    ),
    Theme(
        "leadership",
        _("Ledarskap"),
        (
            "ledarskap",
            "chef",
            "ledning",
            "ledare",
            "stöd",
            "stöttade",
            "uppbackning",
            "förankring",
        ),
    ),
    Theme(
        "time",
        _("Tid och schema"),
        (
            "tid",
            "schema",
            "kort",
            "lång",
            "vecka",
            "månad",
            "timme",
            "tidsbrist",
            "kväll",
            "helg",
            "ledighet",
            "planering",
            "försenad",
            "hinna",
            "hann",
        ),
    ),
    Theme(
        "cost",
        _("Kostnad"),
        (
            "kostnad",
            "pengar",
            "dyr",
            "billig",
            "pris",
            "avgift",
            "budget",
            "lön",
            "ersättning",
            "resa",
            "kronor",
        ),
    ),
)
OTHER = Theme("other", _("Övrigt"), ())
ALL_THEMES: tuple[Theme, ...] = (*THEMES, OTHER)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("swedish")


def stems(text: str) -> list[str]:
    """The stems of the words of `text`, lower-cased."""
    return _stemmer().stemWords([w.lower() for w in WORD.findall(text or "")])


@lru_cache(maxsize=1)
def _theme_stems() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple(
        (t.code, frozenset(stems(" ".join(f"{w} {w}en {w}et" for w in t.words)))) for t in THEMES
    )


def _matches(word: str, stem: str) -> bool:
    if word == stem:
        return True
    return len(stem) >= COMPOUND_MIN and (word.startswith(stem) or word.endswith(stem))


def themes_of(text: str) -> list[str]:
    """The codes of the themes `text` mentions, in the order of `THEMES`; ["other"] if none."""
    words = set(stems(text))
    found = [
        code
        for code, theme_stems in _theme_stems()
        if any(_matches(w, s) for w in words for s in theme_stems)
    ]
    return found or [OTHER.code]


def group_by_theme(texts: list[str]) -> dict[str, list[str]]:
    """{theme code: the texts under it, in the order given} for every theme (and "other")."""
    out: dict[str, list[str]] = {t.code: [] for t in ALL_THEMES}
    for text in texts:
        for code in themes_of(text):
            out[code].append(text)
    return out
