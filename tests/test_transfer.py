"""storymap.transfer: a story with everything an author can give it leaves one Storymap as a story
file and arrives whole in another that shares nothing with the first."""

import json

from storymap.accounts import Editor
from storymap.analysis import from_record, stored_places
from storymap.schema import read_story_file
from storymap.shapes import AREA, LINE, make_shape
from storymap.storage import Storage
from storymap.tours import build_tour, tour_route
from storymap.transfer import export_story, import_story
from tests.test_media import every_kind
from tests.test_shapes import BORDER, FIELD

ALICE = Editor("alice")


def authored(store: Storage) -> None:
    """Every media kind on Wana, a drawn border and a drawn area, a base map, a reordered tour."""
    places = {p.key: p for p in store.load("pakistan-copper").places}
    wana, mine = places["wana"], places["muhammad-khel-copper-mine"]
    store.update_place(ALICE, wana.stored.id, wana.stored.version, media=every_kind(store),
                       shape=make_shape(LINE, BORDER).geometry(), tour_order=1)
    store.update_place(ALICE, mine.stored.id, mine.stored.version, shape=make_shape(AREA, FIELD).geometry(),
                       tour_order=2)
    store.update_story(ALICE, "pakistan-copper", store.load("pakistan-copper").version, basemap="OpenTopoMap")


def test_a_story_with_media_shapes_a_base_map_and_its_tour_arrives_whole_elsewhere(tmp_path, sample_map):
    here = Storage(f"sqlite:///{tmp_path / 'here.sqlite3'}")
    here.create_story(ALICE, sample_map.story, stored_places(sample_map))
    authored(here)
    raw = json.dumps(export_story(here, "pakistan-copper")).encode()  # as the download button writes it
    there = Storage(f"sqlite:///{tmp_path / 'there.sqlite3'}")
    arrived = import_story(there, ALICE, read_story_file(raw))
    sent, got = json.loads(raw), export_story(there, arrived.slug)
    assert got == sent  # the story, every place with its media, shape and tour fields, and the uploads
    assert len(sent["uploads"]) == 3 and all(there.media(d) == here.media(d) for d in sent["uploads"])
    # What readers see of it is the same in both: the cover, the stops in order, the line joining them.
    before, after = from_record(here.load("pakistan-copper")), from_record(there.load(arrived.slug))
    assert [(s.kind, s.key, s.lat, s.lon) for s in build_tour(before)] == \
        [(s.kind, s.key, s.lat, s.lon) for s in build_tour(after)]
    assert [s.key for s in build_tour(after)][1:3] == ["wana", "muhammad-khel-copper-mine"]
    assert tour_route(after) == tour_route(before) and tour_route(after)
    assert after.place("wana").shape["type"] == "LineString" and after.story.basemap == "OpenTopoMap"
