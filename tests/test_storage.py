"""Storage: saving, history, undo and two editors racing — against a real SQLite file."""

import io
import threading

import pytest
from PIL import Image

from storymap.accounts import Editor
from storymap.analysis import from_record, stored_places
from storymap.articles import parse_story
from storymap.library import sync_files
from storymap.storage import ConflictError, NotFound, Storage
from storymap.transfer import export_story, import_story

ALICE, BOB = Editor("alice"), Editor("bob")


@pytest.fixture
def store(database_url):
    return Storage(database_url)


@pytest.fixture
def seeded(store, sample_map):
    store.create_story(ALICE, sample_map.story, stored_places(sample_map))
    return store


def mine(store):
    return next(p for p in store.load("pakistan-copper").places if p.key == "muhammad-khel-copper-mine")


def test_a_story_round_trips_through_storage(seeded, sample_map):
    record = seeded.load("pakistan-copper")
    assert record.title == sample_map.story.title and record.text == sample_map.story.text
    assert {p.key for p in record.places} == {p.key for p in sample_map.places}
    again = from_record(record)
    assert [p.key for p in again.places] == [p.key for p in sample_map.places]
    assert again.place("wana").mentions == sample_map.place("wana").mentions
    assert [(f.kind, f.value) for f in again.figures] == [(f.kind, f.value) for f in sample_map.figures]


def test_readers_cannot_change_anything(seeded):
    place = mine(seeded)
    for attempt in (lambda: seeded.update_place(None, place.stored.id, place.stored.version, lat=1.0),
                    lambda: seeded.add_place(None, "pakistan-copper", {"name": "X", "kind": "site", "lat": 1, "lon": 1}),
                    lambda: seeded.update_story(None, "pakistan-copper", 1, title="Hacked"),
                    lambda: seeded.undo(None, 1)):
        with pytest.raises(PermissionError):
            attempt()
    assert mine(seeded) == place


def test_an_edit_is_recorded_and_can_be_undone(seeded):
    place = mine(seeded)
    seeded.update_place(ALICE, place.stored.id, place.stored.version, lat=33.05, lon=69.9, precision_km=10, note="Checked")
    history = seeded.history("pakistan-copper")
    change = history[0]
    assert (change.editor, change.action) == ("alice", "edit place")
    assert change.before["lat"] == place.place.lat and change.after["lat"] == 33.05
    assert change.fields_changed == ["lat", "lon", "note", "precision_km"]
    undo = seeded.undo(BOB, change.id)
    assert undo.undoes == change.id and undo.editor == "bob"
    restored = mine(seeded)
    assert restored.place == place.place


def test_undoing_an_older_change_under_a_newer_one_is_refused(seeded):
    place = mine(seeded)
    first = seeded.update_place(ALICE, place.stored.id, place.stored.version, note="one")
    seeded.update_place(BOB, place.stored.id, first.stored.version, note="two")
    older = seeded.history("pakistan-copper")[1]
    with pytest.raises(ConflictError, match="changed again"):
        seeded.undo(ALICE, older.id)


def test_second_save_on_the_same_version_is_refused_with_the_other_edit(seeded):
    place = mine(seeded)
    seeded.update_place(ALICE, place.stored.id, place.stored.version, lat=33.1)
    with pytest.raises(ConflictError) as refused:
        seeded.update_place(BOB, place.stored.id, place.stored.version, lat=32.9)
    assert refused.value.current.place.lat == 33.1
    assert refused.value.change.editor == "alice"
    assert mine(seeded).place.lat == 33.1


def test_two_editors_racing_in_threads_never_overwrite_silently(seeded, tmp_path):
    place = mine(seeded)
    other = Storage(seeded.url)  # a second app process on the same database
    barrier = threading.Barrier(2)
    results = {}

    def save(store, editor, lat):
        barrier.wait()
        try:
            results[editor.name] = store.update_place(editor, place.stored.id, place.stored.version, lat=lat)
        except ConflictError as exc:
            results[editor.name] = exc

    threads = [threading.Thread(target=save, args=(seeded, ALICE, 33.2)),
               threading.Thread(target=save, args=(other, BOB, 32.8))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["ConflictError", "ResolvedPlace"]
    winner = next(r for r in results.values() if not isinstance(r, ConflictError))
    assert mine(seeded).place.lat == winner.place.lat
    assert len([c for c in seeded.history("pakistan-copper") if c.action == "edit place"]) == 1


@pytest.mark.parametrize("changes,message", [
    ({"lat": 91}, "outside the world"), ({"lon": float("nan")}, "not a number"), ({"lat": "north"}, "number"),
    ({"name": "  "}, "label"), ({"kind": "planet"}, "kind"), ({"precision_km": -1}, "precision"),
    ({"media": [{"kind": "image", "url": "javascript:alert(1)", "alt": "x"}]}, "http"),
])
def test_bad_values_are_refused_and_nothing_is_lost(seeded, changes, message):
    place = mine(seeded)
    with pytest.raises(ValueError, match=message):
        seeded.update_place(ALICE, place.stored.id, place.stored.version, **changes)
    assert mine(seeded) == place


def test_added_places_and_free_annotations(seeded):
    text = seeded.load("pakistan-copper").text
    start = text.index("a second deposit")
    added = seeded.add_place(ALICE, "pakistan-copper", {
        "name": "The second deposit", "kind": "site", "lat": 33.0, "lon": 69.9, "precision_km": 25,
        "mentions": [[start, start + len("a second deposit"), "a second deposit"]], "note": "<script>x</script>"})
    assert added.status == "added" and added.place.note == "<script>x</script>"
    free = seeded.add_place(ALICE, "pakistan-copper", {"name": "Other site, ten times larger", "kind": "site",
                                                       "lat": 33.0, "lon": 69.8, "precision_km": 30})
    assert free.mentions == []
    with pytest.raises(ValueError, match="not at that place"):
        seeded.add_place(ALICE, "pakistan-copper", {"name": "Bad", "kind": "site", "lat": 1, "lon": 1,
                                                    "mentions": [[0, 4, "Nope"]]})
    drawn = from_record(seeded.load("pakistan-copper"))
    assert drawn.place(added.key) and drawn.place(free.key)


def test_rejected_places_are_not_drawn(seeded):
    place = mine(seeded)
    seeded.update_place(ALICE, place.stored.id, place.stored.version, status="rejected")
    assert from_record(seeded.load("pakistan-copper")).place(place.key) is None


def test_text_edit_re_anchors_mentions(seeded):
    record = seeded.load("pakistan-copper")
    new_text = "Preface sentence here. " + record.text
    seeded.update_story(ALICE, "pakistan-copper", record.version, text=new_text)
    wana = next(p for p in seeded.load("pakistan-copper").places if p.key == "wana")
    assert wana.mentions and all(new_text[m.start:m.end] == m.text for m in wana.mentions)


def test_story_edits_conflict_and_undo(seeded):
    record = seeded.load("pakistan-copper")
    seeded.update_story(ALICE, "pakistan-copper", record.version, title="New title")
    with pytest.raises(ConflictError):
        seeded.update_story(BOB, "pakistan-copper", record.version, title="Other title")
    seeded.undo(BOB, seeded.history("pakistan-copper")[0].id)
    assert seeded.load("pakistan-copper").title == record.title


def test_json_export_import_round_trip_is_exact(seeded, tmp_path):
    place = mine(seeded)
    seeded.update_place(ALICE, place.stored.id, place.stored.version, note='<img src=x onerror="alert(1)"> & “quotes”')
    data = export_story(seeded, "pakistan-copper")
    other = Storage(f"sqlite:///{tmp_path / 'other.sqlite3'}")  # a different store, wherever the first is
    import_story(other, ALICE, data)
    assert export_story(other, "pakistan-copper") == data


def test_images_are_checked(seeded):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    ref = seeded.save_media(ALICE, buffer.getvalue())
    assert seeded.media(ref.split(":")[1])[0] == "image/png"
    with pytest.raises(ValueError, match="not one Storymap can show"):
        seeded.save_media(ALICE, b"<html>not an image</html>")
    with pytest.raises(ValueError, match="at most 10 MB"):
        seeded.save_media(ALICE, b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024))


def test_story_files_seed_the_store_once(store, tmp_path, gazetteer):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\nKarachi and Lahore.", encoding="utf-8")
    (folder / "broken.md").write_text("", encoding="utf-8")
    entries = sync_files(store, folder, gazetteer)
    assert [e.slug for e in entries if e.error] == ["broken"]
    record = store.load("a")
    assert {p.key for p in record.places} == {"karachi", "lahore"}
    place = record.places[0]
    store.update_place(ALICE, place.stored.id, place.stored.version, note="kept")
    sync_files(store, folder, gazetteer)
    assert store.place(place.stored.id).place.note == "kept"


def test_empty_and_huge_stories_are_refused(store):
    with pytest.raises(ValueError, match="no text"):
        store.create_story(ALICE, parse_story("Fine text.").__class__(slug="e", title="E", text="  "), [])
    huge = parse_story("word. " * 10)
    huge.text = "x" * 1_000_001
    with pytest.raises(ValueError, match="too long"):
        store.create_story(ALICE, huge, [])


def test_a_bad_story_file_stores_nothing(seeded):
    data = export_story(seeded, "pakistan-copper")
    data["story"]["slug"] = "copy"
    data["places"][-1]["runners_up"] = [{"foo": 1}]
    data["story"]["url"] = "javascript:alert(1)"
    with pytest.raises(ValueError, match="3 problems"):
        import_story(seeded, ALICE, data)
    assert seeded.slugs() == ["pakistan-copper"]


def test_an_import_of_a_story_already_here_comes_in_as_a_copy(seeded):
    data = export_story(seeded, "pakistan-copper")
    copy = import_story(seeded, ALICE, data)
    assert copy.slug == "pakistan-copper-2" and copy.title == data["story"]["title"]
    assert seeded.load("pakistan-copper").version == 1  # the original is untouched


def test_a_stored_upload_address_must_name_a_stored_upload_of_its_kind(seeded):
    place = mine(seeded)
    image = lambda url: [{"kind": "image", "url": url, "alt": "The mine"}]  # noqa: E731
    with pytest.raises(ValueError, match="not in the store"):
        seeded.update_place(ALICE, place.stored.id, place.stored.version, media=image("media:" + "0" * 64))
    with pytest.raises(ValueError, match="media address"):
        seeded.update_place(ALICE, place.stored.id, place.stored.version, media=image("media:anything"))
    wav = seeded.save_media(ALICE, b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32))
    with pytest.raises(ValueError, match="audio, not image"):
        seeded.update_place(ALICE, place.stored.id, place.stored.version, media=image(wav))
    data = export_story(seeded, "pakistan-copper")
    data["places"][0]["media"] = image("media:" + "a" * 64)
    with pytest.raises(ValueError, match="not in the store"):
        import_story(seeded, ALICE, data)
    assert mine(seeded) == place


def test_a_place_key_cannot_be_changed(seeded):
    place = mine(seeded)
    with pytest.raises(ValueError, match="key"):
        seeded.update_place(ALICE, place.stored.id, place.stored.version, key="other")


def test_a_deleted_story_leaves_every_list_and_comes_back_whole(seeded):
    before = seeded.load("pakistan-copper")
    seeded.delete_story(ALICE, "pakistan-copper", before.version)
    assert seeded.titles() == {} and seeded.titles(deleted=True) == {"pakistan-copper": before.title}
    assert seeded.slugs() == ["pakistan-copper"]  # still taken: story files do not seed it again
    with pytest.raises(NotFound):
        seeded.load("pakistan-copper")
    deletion = seeded.history("pakistan-copper")[0]
    assert (deletion.action, deletion.editor) == ("delete story", "alice")
    seeded.undo(BOB, deletion.id)
    after = seeded.load("pakistan-copper")
    assert after.places == before.places and after.text == before.text
    seeded.delete_story(BOB, "pakistan-copper", after.version)
    seeded.restore_story(ALICE, "pakistan-copper")
    assert list(seeded.titles()) == ["pakistan-copper"]


def test_deleting_a_story_someone_just_changed_is_refused(seeded):
    opened = seeded.load("pakistan-copper").version
    seeded.update_story(BOB, "pakistan-copper", opened, dateline="WANA")
    with pytest.raises(ConflictError):
        seeded.delete_story(ALICE, "pakistan-copper", opened)
    assert "pakistan-copper" in seeded.titles()


def tour_of(places):
    return {p.stored.id: (p.tour.order, p.tour.hidden, p.tour.zoom) for p in places}


def test_a_tour_is_saved_whole_or_not_at_all(seeded):
    places = seeded.load("pakistan-copper").places
    opened = tour_of(places)
    first, second = places[0], places[1]
    # Bob hides the second step while Alice has the tour open.
    seeded.update_place(BOB, second.stored.id, second.stored.version, tour_hidden=True)
    with pytest.raises(ConflictError, match="Nothing was saved"):
        seeded.save_tour(ALICE, "pakistan-copper", opened,
                         {first.stored.id: {"tour_order": 2}, second.stored.id: {"tour_order": 1}})
    now = {p.stored.id: p for p in seeded.load("pakistan-copper").places}
    assert now[first.stored.id].tour.order is None and now[second.stored.id].tour.hidden
    # A note saved meanwhile is not the tour's business: the tour still saves.
    opened = tour_of(now.values())
    seeded.update_place(BOB, second.stored.id, now[second.stored.id].stored.version, note="checked")
    seeded.save_tour(ALICE, "pakistan-copper", opened, {first.stored.id: {"tour_order": 2}, second.stored.id: {"tour_order": 1}})
    now = {p.stored.id: p for p in seeded.load("pakistan-copper").places}
    assert (now[first.stored.id].tour.order, now[second.stored.id].tour.order) == (2, 1)
    assert [c.action for c in seeded.history("pakistan-copper")[:2]] == ["edit tour", "edit tour"]


def test_an_image_claiming_enormous_size_is_refused_before_decoding(seeded):
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # a small file, 400 megapixels
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValueError, match="megapixels"):
        seeded.save_media(ALICE, buffer.getvalue())


def test_postgresql_is_migrated_as_a_step_of_its_own_and_two_processes_may_race(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a SQLite file is set up on first use")
    from sqlalchemy import create_engine

    from storymap import migrations
    from storymap.storage import SchemaOutOfDate
    from tests.conftest import fresh_postgres_database

    fresh = fresh_postgres_database(migrated=False)
    with pytest.raises(SchemaOutOfDate, match="python -m storymap migrate"):
        Storage(fresh)
    # Two app processes' migrations starting together on an empty server: both succeed, in turn.
    engines = [create_engine(fresh) for _ in range(2)]
    errors = []

    def run(engine):
        try:
            migrations.upgrade(engine)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and migrations.current(engines[0]) == migrations.head()
    assert Storage(fresh).titles() == {}
