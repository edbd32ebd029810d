"""The measure library: publishing with both parties' consent, withdrawal, anonymisation, search."""

import re

import pytest

from lom.common.errors import DomainError, PermissionDeniedError
from lom.common.models import AuditEvent
from lom.library.models import EntryStatus, LibraryEntry
from lom.library.selectors import (
    LibraryFilters,
    library_examples,
    library_search,
    library_similar,
)
from lom.library.services import (
    EntryInput,
    check_anonymous,
    library_consent,
    library_entry_create,
    library_entry_withdraw,
    published_costs,
)
from tests.factories import (
    make_case,
    make_completed_case,
    make_world,
    publish_library_entry,
)

pytestmark = pytest.mark.django_db


def _rename_manager(world):
    """make_world's manager is called "Max Chef": the validator would (rightly) refuse the
    word "chef" in that organisation's texts."""
    world.manager_rec.last_name = "Holm"
    world.manager_rec.save(update_fields=["last_name"])
    world.manager.last_name = "Holm"
    world.manager.save(update_fields=["last_name"])


# -- the selector the public information page builds on --------------------------------------


def test_library_examples_returns_published_entries_with_the_promised_attributes():
    w = make_world("ex")
    published = publish_library_entry(w, make_completed_case(w, title="A"), title="Kurs A")
    publish_library_entry(w, make_completed_case(w, title="B"), title="Utkast B", publish=False)
    coach = publish_library_entry(
        w,
        make_completed_case(w, title="C"),
        title="Coachning C",
        measure_codes=("coaching",),
    )
    got = library_examples()
    assert [e.title for e in got] == ["Coachning C", "Kurs A"]  # newest first, no draft
    e = got[0]
    assert e.summary and e.measure_type_names == ["Coachning"]
    assert isinstance(e.cost_per_participant_ore, int)
    assert e.participants_band == "1-4"
    assert "Behovet möttes" in e.outcome_label
    assert e.get_absolute_url() == f"/library/{coach.pk}/"
    only = library_examples(measure_type_codes=["competence_development"], limit=3)
    assert [x.pk for x in only] == [published.pk]
    assert len(library_examples(limit=1)) == 1
    library_entry_withdraw(actor=w.actor(w.union_rep), entry=coach)
    assert [x.pk for x in library_examples()] == [published.pk]


# -- publishing -------------------------------------------------------------------------------


def test_only_a_completed_followed_up_case_can_be_drafted_and_only_by_the_coordinator():
    w = make_world("pub1")
    open_case = make_case(w)
    data = EntryInput(title="T", need="N", summary="S", measure_type_ids=[1], reviewed=True)
    with pytest.raises(PermissionDeniedError, match="avslutade"):
        library_entry_create(actor=w.actor(w.coordinator), case=open_case, data=data)
    done = make_completed_case(w)
    with pytest.raises(PermissionDeniedError, match="samordnaren"):
        library_entry_create(actor=w.actor(w.union_rep), case=done, data=data)
    other = make_world("pub1b")
    with pytest.raises(PermissionDeniedError):
        library_entry_create(actor=other.actor(other.coordinator), case=done, data=data)


def test_both_parties_must_consent_before_the_entry_is_published_and_searchable():
    w = make_world("pub2")
    reader = make_world("pub2r")  # another organisation of the installation
    entry = publish_library_entry(w, make_completed_case(w), publish=False)
    assert entry.status == EntryStatus.DRAFT
    r_actor = reader.actor(reader.employee)
    assert library_search(actor=r_actor, filters=LibraryFilters(q="dataanalys")).total == 0

    entry = library_consent(actor=w.actor(w.decision_maker), entry=entry, side="employer")
    assert entry.status == EntryStatus.DRAFT
    with pytest.raises(PermissionDeniedError, match="redan"):
        library_consent(actor=w.actor(w.coordinator), entry=entry, side="employer")
    with pytest.raises(PermissionDeniedError):  # the employer side cannot consent for the union
        library_consent(actor=w.actor(w.coordinator), entry=entry, side="union")
    assert library_search(actor=r_actor, filters=LibraryFilters(q="dataanalys")).total == 0

    entry = library_consent(actor=w.actor(w.union_rep), entry=entry, side="union")
    assert entry.status == EntryStatus.PUBLISHED and entry.published_at
    res = library_search(actor=r_actor, filters=LibraryFilters(q="dataanalys"))
    assert [e.pk for e in res.items] == [entry.pk]
    actions = set(
        AuditEvent.objects.filter(
            target_type="library.libraryentry", target_id=entry.pk
        ).values_list("action", flat=True)
    )
    assert {
        "library.draft",
        "library.consent_employer",
        "library.consent_union",
        "library.publish",
    } <= actions


def test_withdrawal_by_either_party_removes_it_from_search_but_keeps_the_audit_trail():
    w = make_world("wd")
    e1 = publish_library_entry(w, make_completed_case(w, title="X"), title="Mentorskap för nya")
    e2 = publish_library_entry(w, make_completed_case(w, title="Y"), title="Mentorskap för fler")
    actor = w.actor(w.employee)
    assert library_search(actor=actor, filters=LibraryFilters(q="mentorskap")).total == 2
    with pytest.raises(PermissionDeniedError):
        library_entry_withdraw(actor=w.actor(w.employee), entry=e1)
    library_entry_withdraw(actor=w.actor(w.union_rep), entry=e1, reason="Ångrat")
    library_entry_withdraw(actor=w.actor(w.coordinator), entry=e2)
    assert library_search(actor=actor, filters=LibraryFilters(q="mentorskap")).total == 0
    assert library_search(actor=actor, filters=LibraryFilters()).total == 0
    assert LibraryEntry.objects.get(pk=e1.pk).status == EntryStatus.WITHDRAWN
    assert AuditEvent.objects.filter(
        action="library.withdraw", target_id=e1.pk, note="Ångrat"
    ).exists()
    assert AuditEvent.objects.filter(action="library.publish", target_id=e1.pk).exists()


# -- anonymisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("Eva gick kursen och trivdes.", "anställd"),  # a participant's first name
        ("Tack till EK för ett bra upplägg.", "anställd"),  # last name, other case
        ("Kim Lind på en annan enhet var med.", "anställd"),  # another employee
        ("Skriv till eva.ek@example.org för frågor.", "e-post"),
        ("Personnummer 19800101-1234 stod i ansökan.", "personnumret"),
        ("Personnummer 800101-1234 stod i ansökan.", "personnumret"),
        ("Ring 070-123 45 67 för mer.", "telefon"),
        ("Ring +46 8 123 456 78 för mer.", "telefon"),
        ("Insatsen gjordes på Enhet A i början av året.", "enheten"),
    ],
)
def test_the_validator_refuses_anything_that_points_to_a_person(text, message):
    w = make_world("anon")
    case = make_completed_case(w)
    with pytest.raises(DomainError, match=message):
        check_anonymous(organisation=w.org, case=case, texts={"summary": text})
    with pytest.raises(DomainError) as exc:
        library_entry_create(
            actor=w.actor(w.coordinator),
            case=case,
            data=EntryInput(
                title="Kurs",
                need="Behov",
                summary=text,
                measure_type_ids=list(case.measure_types.values_list("pk", flat=True)),
                reviewed=True,
            ),
        )
    assert exc.value.field == "summary"
    assert not LibraryEntry.objects.exists()


def test_the_validator_accepts_ordinary_text_and_whole_words_only():
    w = make_world("anon2")
    # "Evaluering" contains "Eva", "Ekonomi" contains "Ek": whole words only.
    check_anonymous(
        organisation=w.org,
        case=None,
        texts={"summary": "Evaluering av ekonomi och myndigheten 2024, 12 deltagare."},
    )


def test_costs_are_published_so_that_one_participant_cannot_be_singled_out():
    # One participant: no total, cost per participant rounded to 1 000 kr.
    assert published_costs(actual_ore=23_456_00, participants=1) == (None, 23_000_00)
    assert published_costs(actual_ore=9_100_00, participants=3) == (None, 3_000_00)
    # Five or more: the total (to 1 000 kr) and the cost per participant (to 100 kr).
    assert published_costs(actual_ore=123_456_00, participants=12) == (123_000_00, 10_300_00)
    assert published_costs(actual_ore=0, participants=3) == (None, None)


def test_a_published_single_participant_entry_does_not_reveal_the_person(client):
    w = make_world("reid")
    case = make_completed_case(
        w, amount_ore=23_456_00, expense_ore=23_456_00, outcome="new_employer"
    )
    entry = publish_library_entry(w, case)
    entry.refresh_from_db()
    assert entry.total_cost_ore is None
    assert entry.cost_per_participant_ore == 23_000_00
    assert entry.main_outcome == ""  # the outcome of fewer than five is not published
    reader = make_world("annan")
    client.force_login(reader.employee)
    secrets = [
        "Eva",
        "Ek",
        w.employee_rec.email,
        "Enhet A",
        "23 456",
        "23456",
        w.org.name,
        case.number,
        "Ny arbetsgivare",
    ]
    pages = [
        client.get("/library/").content.decode(),
        client.get("/library/?q=dataanalys").content.decode(),
        client.get(f"/library/{entry.pk}/").content.decode(),
        client.get("/api/v1/library/entries").content.decode(),
        client.get(f"/api/v1/library/entries/{entry.pk}").content.decode(),
        client.get("/library/export.csv").getvalue().decode(),
    ]
    assert entry.title in pages[1] and entry.title in pages[2] and entry.title in pages[5]
    for page in pages:
        for s in secrets:
            # Whole words: a two-letter surname also occurs inside random CSRF tokens.
            assert not re.search(rf"(?<!\w){re.escape(s)}(?!\w)", page), s
    assert "färre än 5" in pages[2]


# -- search -----------------------------------------------------------------------------------


def test_swedish_inflections_match_and_results_are_ranked():
    w = make_world("srch")
    _rename_manager(w)
    a = publish_library_entry(
        w,
        make_completed_case(w, title="a"),
        title="Ledarskap i omställning",
        need="Chef som leder en omställning av verksamheten.",
        summary="Program i förändringsledning.",
    )
    b = publish_library_entry(
        w,
        make_completed_case(w, title="b"),
        title="Kurs i dataanalys",
        need="Digitalisering.",
        summary="Kurs med en omställning i sikte.",
    )
    actor = w.actor(w.employee)
    got = library_search(actor=actor, filters=LibraryFilters(q="omställningar")).items
    assert {e.pk for e in got} == {a.pk, b.pk}
    assert got[0].pk == a.pk  # in the title, so ranked first
    assert [
        e.pk for e in library_search(actor=actor, filters=LibraryFilters(q="chefer")).items
    ] == [a.pk]
    assert library_search(actor=actor, filters=LibraryFilters(q="vulkaner")).total == 0


def test_filters_and_pagination():
    w = make_world("filt")
    entries = [
        publish_library_entry(
            w,
            make_completed_case(w, title=f"c{i}", need_met="yes" if i % 2 else "partly"),
            title=f"Exempel nummer {i}",
            measure_codes=("coaching",) if i % 3 == 0 else ("competence_development",),
        )
        for i in range(5)
    ]
    actor = w.actor(w.employee)
    res = library_search(actor=actor, filters=LibraryFilters(), per_page=2)
    assert res.total == 5 and res.pages == 3 and len(res.items) == 2
    assert res.items[0].pk == entries[-1].pk  # newest first
    res3 = library_search(actor=actor, filters=LibraryFilters(), page=3, per_page=2)
    assert [e.pk for e in res3.items] == [entries[0].pk]
    assert library_search(actor=actor, filters=LibraryFilters(measure_type="coaching")).total == 2
    assert library_search(actor=actor, filters=LibraryFilters(need_met="yes")).total == 2
    assert library_search(actor=actor, filters=LibraryFilters(sector="agency")).total == 5
    assert library_search(actor=actor, filters=LibraryFilters(sector="region")).total == 0
    assert library_search(actor=actor, filters=LibraryFilters(size_band="1–49")).total == 5
    assert library_search(actor=actor, filters=LibraryFilters(size_band="5 000+")).total == 0
    year = entries[0].year
    assert library_search(actor=actor, filters=LibraryFilters(year=year)).total == 5
    assert library_search(actor=actor, filters=LibraryFilters(year=year - 3)).total == 0
    both = library_search(
        actor=actor, filters=LibraryFilters(q="exempel", measure_type="coaching"), per_page=1
    )
    assert both.total == 2 and both.pages == 2


def test_similar_measures_come_from_other_organisations():
    w = make_world("sim")
    other = make_world("sim2")
    _rename_manager(other)
    mine = publish_library_entry(w, make_completed_case(w), title="Dataanalys hos oss")
    theirs = publish_library_entry(other, make_completed_case(other), title="Dataanalys hos dem")
    got = library_similar(
        text="Kurs i dataanalys för handläggare", exclude_organisation_id=w.org.pk
    )
    assert [e.pk for e in got] == [theirs.pk]
    assert mine.pk not in [e.pk for e in got]
    assert library_similar(text="") == []


def test_the_draft_form_consent_and_withdrawal_over_http(client):
    w = make_world("http")
    case = make_completed_case(w)
    client.force_login(w.coordinator)
    page = client.get(f"/library/new/{case.pk}/")
    assert page.status_code == 200 and "Kurs i dataanalys" in page.content.decode()
    mt = case.measure_types.first().pk
    bad = client.post(
        f"/library/new/{case.pk}/",
        {
            "title": "Kurs",
            "need": "Eva behövde det",
            "summary": "Kurs",
            "measure_type_ids": [mt],
            "reviewed": "on",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "error-summary" in body and "Eva behövde det" in body
    ok = client.post(
        f"/library/new/{case.pk}/",
        {
            "title": "Kurs i analys",
            "need": "Mer analys",
            "summary": "Kurs på deltid",
            "measure_type_ids": [mt],
            "reviewed": "on",
        },
    )
    entry = LibraryEntry.objects.get(case=case)
    assert ok.status_code == 302 and ok["Location"] == f"/library/{entry.pk}/"
    client.post(f"/library/{entry.pk}/consent/", {"side": "employer", "confirm": "1"})
    client.force_login(w.union_rep)
    client.post(f"/library/{entry.pk}/consent/", {"side": "union", "confirm": "1"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    assert client.get("/library/manage/").status_code == 200
    client.post(f"/library/{entry.pk}/withdraw/", {"reason": "Fel"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    client.force_login(make_world("http2").employee)
    assert client.get(f"/library/{entry.pk}/").status_code == 404


def test_a_long_text_is_cut_to_its_rarest_words_and_still_finds_the_match():
    """A case's whole description asks for suggestions: the search keeps the selective words
    (the common ones match everything and only cost time) and finds the entry that shares them."""
    from django.db import connection

    from lom.library import search

    w = make_world("lang")
    common = "utbildning kurs chef medarbetare digitalisering kompetens behov verksamhet"
    for i in range(12):
        publish_library_entry(
            w,
            make_completed_case(w, title=f"Insats {i}"),
            title=f"Exempel {i}",
            summary=f"{common} och lite till.",
        )
    rare = publish_library_entry(
        w,
        make_completed_case(w, title="Sjöräddning"),
        title="Sjöräddning för kustbevakare",
        summary=f"{common} med övningar i sjöräddning.",
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE library_libraryentry")
        search._pg_stats_cache.clear()
    query = f"{common} samt arbetsmiljö och sjöräddning"
    terms = search.query_terms(query)
    assert len(terms) > search.SELECTIVE_TERMS
    kept = search.selective_terms(terms)
    assert len(kept) == search.SELECTIVE_TERMS
    assert "sjöräddning" in kept and "arbetsmiljö" in kept  # never-seen words count as rarest
    reader = make_world("lasare")
    similar = library_similar(text=query, limit=3, exclude_organisation_id=reader.org.pk)
    assert similar and similar[0].pk == rare.pk


def test_search_with_a_filter_that_matches_nothing_is_an_empty_page_not_a_500(world):
    # A year no column can hold makes Django give up on the query before it runs
    # (EmptyResultSet); with a free text the ranked search must answer an empty page.
    actor = world.actor(world.employee)
    res = library_search(actor=actor, filters=LibraryFilters(q="mentorskap", year=-(2**40)))
    assert res.total == 0 and list(res.items) == []
