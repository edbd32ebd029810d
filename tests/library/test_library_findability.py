"""What makes the library worth searching: Swedish compounds and misspellings are found through
the vocabulary, a query of several words ranks partial matches, a draft close to a published
entry of the same organisation is flagged (and published only after the coordinator's
"publish anyway"), and the demo's measures are distinct."""

import json
from itertools import combinations

import pytest

from lom.demo.management.commands.load_demo_library import MEASURES, MEASURES_FILE, Command
from lom.library import search
from lom.library.models import EntryStatus, LibraryEntry
from lom.library.selectors import (
    DUPLICATE_MIN,
    LibraryFilters,
    closeness,
    library_search,
    similar_published,
)
from lom.library.services import library_consent, library_publish_anyway
from lom.library.vocabulary import similarity
from tests.api_client import token_caller
from tests.factories import make_completed_case, make_world, publish_library_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    """Four distinct published measures of one organisation, read from another."""
    w = make_world("find")
    specs = {
        "vaxling": (
            "Karriärväxling till undersköterska",
            "Administrativa uppgifter försvann och vården saknade personal.",
            "Utbildning på komvux med betald praktik på en vårdavdelning.",
        ),
        "coach": (
            "Karriärcoachning inför flytten",
            "Verksamheten flyttade till en annan ort.",
            "Fem samtal med extern coach och stöd i att söka nya tjänster.",
        ),
        "pension": (
            "Planering inför pensionen",
            "Många närmade sig pension samtidigt.",
            "Seminarier om pensionssystemet och enskilda samtal om överlämning.",
        ),
        "data": (
            "Dataanalys för utredare",
            "Fler beslut skulle bygga på statistik.",
            "Högskolekurs i statistik och programmering på kvartsfart.",
        ),
    }
    entries = {
        key: publish_library_entry(w, make_completed_case(w, title=key), title=t, need=n, summary=s)
        for key, (t, n, s) in specs.items()
    }
    reader = make_world("find-reader")
    return entries, reader.actor(reader.employee)


def _titles(actor, q: str) -> list[str]:
    return [e.title for e in library_search(actor=actor, filters=LibraryFilters(q=q)).items]


def test_a_compound_is_found_by_its_parts(library):
    entries, actor = library
    got = _titles(actor, "karriär")
    assert set(got) == {entries["vaxling"].title, entries["coach"].title}
    assert _titles(actor, "växling") == [entries["vaxling"].title]
    assert _titles(actor, "växlingar") == [entries["vaxling"].title]  # a part, inflected
    assert _titles(actor, "coach")[0] == entries["coach"].title


def test_a_compound_query_is_found_through_its_parts(library):
    entries, actor = library
    # "statistikkurs" is nowhere in the texts; "statistik" and "kurs" are.
    assert _titles(actor, "statistikkurs")[0] == entries["data"].title


def test_a_misspelt_word_is_rescued_by_its_trigrams(library):
    entries, actor = library
    assert _titles(actor, "karriar")[:2] and set(_titles(actor, "karriar")[:2]) == {
        entries["vaxling"].title,
        entries["coach"].title,
    }
    assert _titles(actor, "karriärväxlig")[0] == entries["vaxling"].title
    assert _titles(actor, "koachning")[0] == entries["coach"].title
    assert _titles(actor, "statisitk")[0] == entries["data"].title
    assert _titles(actor, "zqxjvw") == []  # nothing like it: no guess
    assert similarity("karriar", "karriär") == 1.0  # diacritics folded


def test_several_words_rank_partial_matches_the_more_words_the_higher(library):
    entries, actor = library
    # No entry has all three words; the one with two of them comes first, the ones with one
    # of them follow instead of an empty page.
    got = _titles(actor, "pension seminarier vulkaner")
    assert got[0] == entries["pension"].title
    got = _titles(actor, "coach flytten statistik")
    assert got[0] == entries["coach"].title and entries["data"].title in got
    assert _titles(actor, "vulkaner jordbävningar") == []


def test_the_search_api_uses_the_same_selector(library):
    entries, _actor = library
    w = make_world("find-api")
    r = token_caller(w.employee)("get", "/api/v1/library/entries?q=karri%C3%A4r")
    assert r.status_code == 200, r.content
    assert {x["title"] for x in r.json()["results"]} == {
        entries["vaxling"].title,
        entries["coach"].title,
    }


# -- near-duplicates --------------------------------------------------------------------------


def test_a_draft_close_to_a_published_entry_waits_for_publish_anyway(client):
    w = make_world("dup")
    first = publish_library_entry(w, make_completed_case(w, title="a"), title="Kurs i klarspråk")
    assert first.status == EntryStatus.PUBLISHED
    # The same text under a slightly different title: flagged.
    draft = publish_library_entry(
        w, make_completed_case(w, title="b"), title="Kurs i klarspråk, omgång två", publish=False
    )
    close = similar_published(entry=draft)
    assert [c.entry.pk for c in close] == [first.pk] and close[0].score >= DUPLICATE_MIN
    # A different measure of the same organisation: not flagged.
    other = publish_library_entry(
        w,
        make_completed_case(w, title="c"),
        title="Mentorprogram för nyanställda",
        need="Erfarna kolleger skulle gå i pension.",
        summary="Ett år med mentor och träffar varannan vecka.",
        publish=False,
    )
    assert similar_published(entry=other) == []

    # Both parties consent: the close draft stays a draft (the other one is published).
    library_consent(actor=w.actor(w.decision_maker), entry=draft, side="employer")
    draft = library_consent(actor=w.actor(w.union_rep), entry=draft, side="union")
    assert draft.status == EntryStatus.DRAFT and draft.union_consent_at
    library_consent(actor=w.actor(w.decision_maker), entry=other, side="employer")
    other = library_consent(actor=w.actor(w.union_rep), entry=other, side="union")
    assert other.status == EntryStatus.PUBLISHED

    # The page warns, links the close entry and offers the coordinator "publish anyway".
    client.force_login(w.coordinator)
    page = client.get(f"/library/{draft.pk}/").content.decode()
    assert "Liknar ett exempel som redan är publicerat" in page
    assert f'href="/library/{first.pk}/"' in page and "Publicera ändå" in page
    # The API's detail says the same.
    body = token_caller(w.coordinator)("get", f"/api/v1/library/entries/{draft.pk}").json()
    assert [c["id"] for c in body["similar_published"]] == [first.pk]
    assert body["publish_anyway"] is False and body["status"] == "draft"
    # Only the coordinator confirms, and the confirmation publishes.
    r = token_caller(w.union_rep)("post", f"/api/v1/library/entries/{draft.pk}/publish-anyway")
    assert r.status_code == 403
    refused = client.post(f"/library/{draft.pk}/publish-anyway/", {})
    assert refused.status_code == 302
    assert LibraryEntry.objects.get(pk=draft.pk).status == EntryStatus.DRAFT
    client.post(f"/library/{draft.pk}/publish-anyway/", {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == EntryStatus.PUBLISHED and draft.publish_anyway_by == w.coordinator
    assert draft.pk in [
        e.pk
        for e in library_search(
            actor=w.actor(w.employee), filters=LibraryFilters(q="klarspråk")
        ).items
    ]


def test_publish_anyway_before_consent_publishes_when_both_have_consented():
    w = make_world("dup2")
    publish_library_entry(w, make_completed_case(w, title="a"), title="Kurs i GIS")
    draft = publish_library_entry(
        w, make_completed_case(w, title="b"), title="Kurs i GIS", publish=False
    )
    r = token_caller(w.coordinator)("post", f"/api/v1/library/entries/{draft.pk}/publish-anyway")
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert r.json()["publish_anyway"] is True
    library_consent(actor=w.actor(w.decision_maker), entry=draft, side="employer")
    draft = library_consent(actor=w.actor(w.union_rep), entry=draft, side="union")
    assert draft.status == EntryStatus.PUBLISHED
    with pytest.raises(Exception, match="utkast"):
        library_publish_anyway(actor=w.actor(w.coordinator), entry=draft)


def test_entries_of_other_organisations_are_not_duplicates():
    w = make_world("dup3")
    publish_library_entry(w, make_completed_case(w, title="a"), title="Kurs i GIS")
    other = make_world("dup3b")
    draft = publish_library_entry(
        other, make_completed_case(other, title="b"), title="Kurs i GIS", publish=False
    )
    assert similar_published(entry=draft) == []


# -- the demo ---------------------------------------------------------------------------------


def test_the_demo_measures_are_distinct_in_title_and_text():
    data = json.loads(MEASURES_FILE.read_text(encoding="utf-8"))
    assert len(MEASURES) == len(data) >= 60
    titles = [m[0] for m in MEASURES]
    assert len(set(titles)) == len(titles)
    for field in (1, 3):  # need, summary
        texts = [m[field] for m in MEASURES]
        assert len(set(texts)) == len(texts)
    # No two are close enough to be flagged as duplicates of each other.
    entries = [LibraryEntry(title=m[0], need=m[1], summary=m[3], lessons=m[4]) for m in MEASURES]
    worst = max(closeness(a, b) for a, b in combinations(entries, 2))
    assert worst < DUPLICATE_MIN


def test_the_demo_loader_publishes_each_measure_at_most_once():
    """The loader's choice of measure skips every title the library already holds."""
    w = make_world("demo-pick")
    case = make_completed_case(w, title=MEASURES[0][0])
    assert Command._unused_measure(case)[0] == MEASURES[0][0]
    publish_library_entry(w, make_completed_case(w, title="x"), title=MEASURES[0][0])
    picked = Command._unused_measure(case)
    assert picked is not None and picked[0] != MEASURES[0][0]


def test_a_search_ranks_a_bounded_window_and_keeps_an_older_entry_with_every_word(library):
    """Past the window, the newest matches of any word are ranked, and the newest entries
    holding every word join them: the oldest entry (the only one with both words) still
    comes first, and the result says that more entries match than were ranked."""
    entries, _actor = library
    qs = LibraryEntry.objects.filter(status=EntryStatus.PUBLISHED)
    # "pension" and "coach" hold "samtal", "data" (the newest) holds "statistik".
    everything = search.ranking(qs, "samtal statistik")
    assert not everything.more and len(everything.ids) == 3
    bounded = search.ranking(qs, "samtal statistik", window=1)
    assert bounded.more
    assert set(bounded.ids) <= set(everything.ids) and len(bounded.ids) <= 2
    newest = max(everything.ids)
    assert newest in bounded.ids
    # Both words in one (older) entry: the all-words tier finds it past the window.
    older = entries["pension"]
    older.summary += " Statistik över pensionsåldrar."
    older.save()
    search.index_entry(older)
    bounded = search.ranking(qs, "samtal statistik", window=1)
    assert bounded.ids[0] == older.pk and bounded.more
