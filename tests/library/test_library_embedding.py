"""Search by meaning: entries are embedded in the background, the search uses the vectors when
an encoder is there, and falls back to text search without it."""

import hashlib
import math

import pytest

from lom.library.embedding import _encoder_cached, get_encoder
from lom.library.models import LibraryEntry
from lom.library.selectors import LibraryFilters, library_search, search_mode
from tests.factories import make_completed_case, make_world, publish_library_entry

pytestmark = pytest.mark.django_db


class BagOfWordsEncoder:
    """A tiny stand-in for the packaged model (which is not a dependency here): hashed word
    counts, with synonyms mapped together so that meaning, not spelling, decides."""

    name = "test-bow"
    SYNONYMS = {"mentorskap": "handledning", "handledare": "handledning"}

    def encode(self, texts):
        rows = []
        for t in texts:
            v = [0.0] * 64
            for w in t.lower().split():
                w = w.strip(".,")
                w = self.SYNONYMS.get(w, w)
                v[int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0  # noqa: S324
            n = math.sqrt(sum(x * x for x in v)) or 1.0
            rows.append([x / n for x in v])
        return rows


@pytest.fixture
def clear_encoder():
    _encoder_cached.cache_clear()
    yield
    _encoder_cached.cache_clear()


def test_without_the_model_search_falls_back_to_text(settings, clear_encoder):
    settings.LOM_LIBRARY_SEARCH = "hybrid"
    settings.LOM_LIBRARY_ENCODER = "lom.library.no_such_module.Encoder"
    assert get_encoder() is None
    assert search_mode() == "text"
    w = make_world("emb0")
    e = publish_library_entry(w, make_completed_case(w), title="Mentorskap för nyanställda")
    assert LibraryEntry.objects.get(pk=e.pk).embedding is None  # nothing was queued
    res = library_search(actor=w.actor(w.employee), filters=LibraryFilters(q="mentorskap"))
    assert res.mode == "text" and [x.pk for x in res.items] == [e.pk]


def test_the_default_is_text_search_and_needs_no_model(settings, clear_encoder):
    assert getattr(settings, "LOM_LIBRARY_SEARCH", "text") == "text"
    assert get_encoder() is None and search_mode() == "text"


def test_with_an_encoder_entries_are_embedded_in_the_background_and_found_by_meaning(
    settings, clear_encoder, django_capture_on_commit_callbacks
):
    settings.LOM_LIBRARY_SEARCH = "embedding"
    settings.LOM_LIBRARY_ENCODER = "tests.library.test_library_embedding.BagOfWordsEncoder"
    w = make_world("emb1")
    ca, cb = make_completed_case(w, title="a"), make_completed_case(w, title="b")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        a = publish_library_entry(w, ca, title="Mentorskap", need="Nya kolleger", summary="x")
        b = publish_library_entry(w, cb, title="Dataanalys", need="Statistik", summary="y")
    assert len(queued) == 2  # one embedding task per publication, after the commit
    # The task ran (immediate backend in tests) after the commit of the publication.
    stored = LibraryEntry.objects.get(pk=a.pk)
    assert stored.embedding_model == "test-bow" and len(bytes(stored.embedding)) == 64 * 4
    res = library_search(actor=w.actor(w.employee), filters=LibraryFilters(q="handledare"))
    # "handledare" is in neither text: text search finds nothing, the encoder finds a.
    assert res.mode == "embedding" and res.items[0].pk == a.pk
    settings.LOM_LIBRARY_SEARCH = "hybrid"
    res = library_search(actor=w.actor(w.employee), filters=LibraryFilters(q="dataanalys"))
    assert res.mode == "hybrid" and res.items[0].pk == b.pk
    from lom.library.services import library_entry_withdraw

    library_entry_withdraw(actor=w.actor(w.coordinator), entry=a)
    assert LibraryEntry.objects.get(pk=a.pk).embedding is None
    settings.LOM_LIBRARY_SEARCH = "embedding"
    res = library_search(actor=w.actor(w.employee), filters=LibraryFilters(q="handledare"))
    assert a.pk not in [x.pk for x in res.items]
