"""A story read for the map (storymap.analysis): stored and drawn the same, passages, broken places."""

from types import SimpleNamespace

import pytest

from storymap.analysis import analyse, from_record, stored_places
from storymap.articles import parse_story
from storymap.records import place_values, story_record
from storymap.schema import check_place

STORY = parse_story("---\ntitle: Rains\n---\nRain fell on Karachi. Later it reached Lahore.\n\n"
                    "Officials in Karachi and Islamabad met.")


@pytest.fixture(scope="module")
def smap(gazetteer):
    return analyse(STORY, gazetteer)


def record_of(smap, **changes):
    """The story as storage would hand it back from its rows, each place with an id and a version."""
    story = SimpleNamespace(id=1, version=1, slug="rains", title=STORY.title, date=None, dateline="", source="",
                            url="", text=STORY.text, basemap="", tour_line=True)
    rows = [SimpleNamespace(id=i, version=1, **{**values, **changes.get(values["key"], {})})
            for i, values in enumerate(stored_places(smap), 1)]
    return story_record(story, rows)


def test_places_come_in_reading_order_with_their_passages(smap):
    assert [p.key for p in smap.places] == ["karachi", "lahore", "islamabad"]
    karachi = smap.place("karachi")
    assert [s.text for s in smap.passages(karachi)] == ["Rain fell on Karachi.",
                                                        "Officials in Karachi and Islamabad met."]


def test_what_is_stored_passes_the_story_schema(smap):
    for values in stored_places(smap):
        assert check_place(values) is values and values["status"] == "found"


def test_a_stored_story_draws_as_it_was_found(smap):
    again = from_record(record_of(smap))
    assert [(p.key, p.place.lat, p.place.lon, p.mentions) for p in again.places] == \
           [(p.key, p.place.lat, p.place.lon, p.mentions) for p in smap.places]
    assert again.broken == []


def test_rejected_places_are_not_drawn_and_broken_ones_are_named(smap):
    again = from_record(record_of(smap, lahore={"status": "rejected"}, islamabad={"kind": "planet"}))
    assert [p.key for p in again.places] == ["karachi"]
    assert [name for name, _ in again.broken] == ["Islamabad"] and "planet" in again.broken[0][1]


def test_a_story_place_is_stored_as_it_was_read(smap):
    """One place type: what the store hands out gives back, field for field, what was stored."""
    stored = stored_places(smap)
    assert [place_values(p) for p in record_of(smap).places] == stored
    assert {v["geocoder"] for v in stored} == {"offline gazetteer"} and all(v["located_at"] for v in stored)
