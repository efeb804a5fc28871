"""The newsroom's actions (storymap.newsroom), as the pages call them, on a real store."""

import dataclasses

import pytest

from storymap import newsroom
from storymap.accounts import Editor
from storymap.importing import story_from_text
from storymap.library import SEEDER, fingerprint, sync_files
from storymap.records import place_values
from storymap.storage import ConflictError, Storage

ALICE, BOB = Editor("alice"), Editor("bob")
TEXT = "Rivers rose in Peshawar and Charsadda, officials in Islamabad said. Peshawar stayed shut."


@pytest.fixture
def store(tmp_path):
    return Storage(f"sqlite:///{tmp_path / 'store.sqlite3'}")


@pytest.fixture
def story(store, gazetteer):
    """A short story added by alice: its slug."""
    return newsroom.add_story(store, ALICE, story_from_text("Floods", TEXT), gazetteer).record.slug


def place(store, slug, key):
    return next(p for p in store.load(slug).places if p.key == key)


def test_a_story_is_added_with_its_places_to_review_and_a_taken_slug_is_not_replaced(store, gazetteer):
    added = newsroom.add_story(store, ALICE, story_from_text("Floods", TEXT), gazetteer)
    assert added.record.slug == "floods" and added.problems == []
    assert {"peshawar", "islamabad"} <= {p.key for p in added.record.places}
    assert {p.status for p in added.record.places} == {"found"}
    again = newsroom.add_story(store, BOB, story_from_text("Floods", "Rain in Lahore."), gazetteer)
    assert again.record.slug == "floods-2" and store.load("floods").text == TEXT
    with pytest.raises(ValueError, match="exists already"):
        newsroom.add_story(store, BOB, story_from_text("Floods", "Rain in Lahore."), gazetteer, rename=False)
    assert store.slugs() == ["floods", "floods-2"]


def test_a_runner_up_used_instead_is_the_editors_choice_and_accepted(store, story):
    peshawar = place(store, story, "peshawar")
    other = {"id": "x:1", "name": "Peshawar District", "kind": "region", "lat": 34.0, "lon": 71.6,
             "precision_km": 30.0, "country": "PK", "source": "a search"}
    saved = newsroom.use_alternative(store, ALICE, peshawar, other)
    assert (saved.name, saved.place.kind, saved.place.lat, saved.place.id) == ("Peshawar District", "region", 34.0, "x:1")
    assert (saved.status, saved.geocoder) == ("accepted", "editor's choice")
    with pytest.raises(ConflictError):  # bob had it open on the version before
        newsroom.use_alternative(store, BOB, peshawar, other)


def test_a_correction_saves_only_what_changed_and_a_moved_place_was_placed_by_the_editor(store, story):
    peshawar = place(store, story, "peshawar")
    form = place_values(peshawar)
    assert newsroom.correct_place(store, ALICE, peshawar, form) is None  # nothing changed, nothing saved
    assert newsroom.correct_place(store, ALICE, peshawar, {**form, "note": "Checked"}).geocoder == peshawar.geocoder
    noted = place(store, story, "peshawar")
    assert noted.status == "found"  # a note is not a review of where the place is
    moved = newsroom.correct_place(store, BOB, noted, {**place_values(noted), "lat": 34.1})
    # Corrected, so reviewed: no longer listed as "Found (not reviewed)".
    assert (moved.place.lat, moved.geocoder, moved.place.note, moved.status) == (34.1, "editor", "Checked", "accepted")
    assert [c.fields_changed for c in store.history(story)[:2]] == \
        [["geocoder", "lat", "reason", "source", "status"], ["note"]]
    # The gazetteer's source and reasons were about where the finder put it: they say who moved it.
    assert (moved.place.source, moved.reason) == ("Set by an editor", "placed by an editor")
    sourced = newsroom.correct_place(store, BOB, moved, {**place_values(moved), "lon": 71.6, "source": "Survey map"})
    assert sourced.place.source == "Survey map"


def test_a_correction_keeps_an_editors_decision(store, story):
    """Correcting a rejected place does not draw it again, and an added place stays the editor's."""
    peshawar = place(store, story, "peshawar")
    rejected = store.update_place(ALICE, *dataclasses.astuple(peshawar.stored), status="rejected")
    renamed = newsroom.correct_place(store, ALICE, rejected, {**place_values(rejected), "name": "Peshawar city"})
    assert (renamed.name, renamed.status) == ("Peshawar city", "rejected")
    added = newsroom.add_place(store, ALICE, story, {"name": "Camp", "kind": "site", "lat": 34.0, "lon": 71.5})
    moved = newsroom.correct_place(store, ALICE, added, {**place_values(added), "lat": 34.2})
    assert moved.status == "added"


def test_a_correction_on_a_stale_form_keeps_the_other_change_and_conflicts_only_on_the_same_field(store, story):
    """As the form says: a save made since it was opened (another editor's, or the tour's order saved
    from the Tour tab) is kept unless the form changes the same thing, which is a conflict."""
    peshawar = place(store, story, "peshawar")  # Alice's form, opened now
    newsroom.correct_place(store, BOB, peshawar, {**place_values(peshawar), "source": "Bob's source"})
    tour = [place(store, story, "peshawar")]  # the tour saved elsewhere: Peshawar made stop 7
    assert newsroom.save_tour(store, BOB, story, tour, [{"step": 7, "hidden": False, "zoom": None}])
    saved = newsroom.correct_place(store, ALICE, peshawar, {**place_values(peshawar), "note": "Alice's note"})
    assert (saved.place.note, saved.place.source) == ("Alice's note", "Bob's source")
    with pytest.raises(ConflictError, match="changed by someone else"):
        newsroom.correct_place(store, ALICE, peshawar, {**place_values(peshawar), "source": "Alice's source"})
    assert place(store, story, "peshawar").place.source == "Bob's source"


def test_mentions_are_found_by_occurrence():
    assert newsroom.mentions_of(TEXT, "Peshawar") == [[15, 23, "Peshawar"]]
    second = TEXT.rindex("Peshawar")
    assert newsroom.mentions_of(TEXT, "Peshawar", 2) == [[second, second + 8, "Peshawar"]]
    assert newsroom.mentions_of(TEXT, "") == []  # a free annotation
    assert newsroom.mentions_of("aaa", "aa", 2) == [[1, 3, "aa"]]
    with pytest.raises(ValueError, match="“Peshawar” occurs 2 time"):
        newsroom.mentions_of(TEXT, "Peshawar", 3)


def test_an_added_place_is_named_by_its_words_and_placed_by_the_editor(store, story):
    mentions = newsroom.mentions_of(TEXT, "officials", 1)
    added = newsroom.add_place(store, ALICE, story, {"name": "  ", "kind": "site", "lat": 34.0, "lon": 71.5},
                               "officials", mentions)
    assert (added.name, added.status, added.geocoder, added.place.source) == \
        ("officials", "added", "editor", "Set by an editor")  # not "gazetteer", as the reader said of it
    assert [[m.start, m.end, m.text] for m in added.mentions] == mentions
    note = newsroom.add_place(store, ALICE, story, {"name": "Camp", "kind": "site", "lat": 34.2, "lon": 71.4})
    assert (note.name, note.mentions) == ("Camp", [])


def test_the_tour_is_saved_in_one_transaction_against_the_tour_as_opened(store, story):
    opened = [p for p in store.load(story).places]
    rows = [{"step": None, "hidden": False, "zoom": float("nan")} for _ in opened]  # a table's empty cells
    assert newsroom.save_tour(store, ALICE, story, opened, rows) is None
    rows[0] = {"step": 2.0, "hidden": False, "zoom": 9}
    rows[1] = {"step": 1, "hidden": True, "zoom": None}
    saved = {p.key: p for p in newsroom.save_tour(store, ALICE, story, opened, rows).places}
    assert newsroom.tour_fields(saved[opened[0].key]) == (2, False, 9)
    assert newsroom.tour_fields(saved[opened[1].key]) == (1, True, None)
    # Bob's table was opened before Alice saved: his whole tour is refused, none of it saved.
    bob_rows = [{"step": None, "hidden": False, "zoom": None} for _ in opened]
    bob_rows[-1] = {"step": 5, "hidden": False, "zoom": None}
    bob_rows[0] = {"step": 3, "hidden": False, "zoom": None}
    with pytest.raises(ConflictError):
        newsroom.save_tour(store, BOB, story, opened, bob_rows)
    assert newsroom.tour_fields(place(store, story, opened[-1].key)) == (None, False, None)


def test_a_story_edit_saves_only_the_changed_fields(store, story):
    opened = store.load(story)
    form = {"title": "Floods", "date": "", "dateline": "", "source": "", "url": "", "text": TEXT}
    assert newsroom.edit_story(store, ALICE, opened, form) is None  # an empty date is no date
    saved = newsroom.edit_story(store, ALICE, opened, {**form, "title": "Floods in the north", "date": "2026-03-01"})
    assert (saved.title, saved.date) == ("Floods in the north", "2026-03-01")
    assert store.history(story)[0].fields_changed == ["date", "title"]


def test_the_library_seeds_new_files_only_and_its_fingerprint_follows_the_files(store, gazetteer, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    assert fingerprint(folder) == () and fingerprint(tmp_path / "none") == ()
    (folder / "floods.md").write_text(f"---\ntitle: Floods\n---\n{TEXT}\n", encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    first = fingerprint(folder)
    assert [name for name, *_ in first] == ["floods.md"]
    sync_files(store, folder, gazetteer)
    assert store.history("floods")[0].editor == SEEDER.name
    (folder / "floods.md").write_text(f"---\ntitle: Floods, updated\n---\n{TEXT} Again.\n", encoding="utf-8")
    assert fingerprint(folder) != first
    sync_files(store, folder, gazetteer)
    assert store.load("floods").title == "Floods"  # the stored story is the editors' now


def test_a_story_naming_the_oceans_is_stored_with_their_whole_drawn_areas(store, gazetteer, tmp_path):
    # The Pacific is drawn 11,200 km wide; the store once refused any area over 5,000 km, so a story
    # naming an ocean was never seeded, and nobody was told.
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "crossing.md").write_text("---\ntitle: Crossing\n---\nA yacht left Lisbon, crossed the Atlantic and "
                                        "then the Pacific Ocean, and reached Auckland.\n", encoding="utf-8")
    [entry] = sync_files(store, folder, gazetteer)
    assert entry.error is None
    drawn = {p.place.name: p.place.precision_km for p in store.load("crossing").places}
    assert drawn["Pacific Ocean"] > 10_000 and drawn["Atlantic Ocean"] > 5_000


def test_a_library_file_the_store_refuses_is_reported_with_the_reason(store, gazetteer, tmp_path, monkeypatch):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "floods.md").write_text(f"---\ntitle: Floods\n---\n{TEXT}\n", encoding="utf-8")

    def refused(*args, **kwargs):
        raise ValueError("The precision is a radius between 0 and 20,000 km.")

    monkeypatch.setattr("storymap.library.add_story", refused)
    [entry] = sync_files(store, folder, gazetteer)
    assert entry.error == "It could not be added to the store: The precision is a radius between 0 and 20,000 km."
    assert store.slugs() == []
