"""Free-text answers grouped by theme: a fixed lexicon over Swedish stems, deterministic, and
shown only from five answers."""

import pytest

from lom.followup.models import SurveyResponse
from lom.followup.selectors import survey_free_text_themes
from lom.followup.themes import group_by_theme, themes_of


def test_words_fall_under_their_themes_by_stem_and_compound():
    assert themes_of("Kursen gav mig ny kompetens") == ["competence"]
    assert themes_of("Vidareutbildningen var bra") == ["competence"]  # compound tail
    assert themes_of("Chefen stöttade mig hela vägen") == ["leadership"]
    assert themes_of("Stressigt, och för lite tid att hinna läsa") == ["health", "time"]
    assert themes_of("Jag bytte till en ny arbetsgivare") == ["career"]
    assert themes_of("Det kostade för mycket pengar") == ["cost"]
    assert themes_of("Tack!") == ["other"]
    assert themes_of("") == ["other"]


def test_grouping_is_deterministic_and_keeps_every_text():
    texts = ["Bra kurs", "Tack!", "Kursen var för kort"]
    first = group_by_theme(texts)
    assert first == group_by_theme(list(texts))
    assert first["competence"] == ["Bra kurs", "Kursen var för kort"]
    assert first["time"] == ["Kursen var för kort"]
    assert first["other"] == ["Tack!"]


@pytest.mark.django_db
def test_themes_show_only_from_five_answers_and_without_names(world):
    def answer(text):
        SurveyResponse.objects.create(
            organisation=world.org,
            year=2025,
            satisfaction=4,
            usefulness=4,
            heard_from="hr",
            recommend="yes",
            free_text=text,
        )

    for text in ("Bra kurs", "Chefen stöttade", "Tack!", ""):
        answer(text)
    assert survey_free_text_themes(organisation=world.org, year=2025) is None
    answer("För lite tid")
    groups = {g.code: g.texts for g in survey_free_text_themes(organisation=world.org, year=2025)}
    assert groups == {
        "competence": ["Bra kurs"],
        "leadership": ["Chefen stöttade"],
        "time": ["För lite tid"],
        "other": ["Tack!"],
    }
