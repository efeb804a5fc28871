"""A story read for the map (storymap.analysis): stored and drawn the same, passages, broken places."""

from types import SimpleNamespace

import pytest

from storymap.analysis import analyse, from_record, stored_places
from storymap.articles import parse_story
from storymap.schema import check_place

STORY = parse_story("---\ntitle: Rains\n---\nRain fell on Karachi. Later it reached Lahore.\n\n"
                    "Officials in Karachi and Islamabad met.")


@pytest.fixture(scope="module")
def smap(gazetteer):
    return analyse(STORY, gazetteer)


def record_of(smap, **changes):
    """The story as storage would hand it back: a record per place, with ids and versions."""
    places = [SimpleNamespace(id=i, version=1, media_url="", media_caption="", media_credit="", tour_order=None,
                              tour_hidden=False, tour_zoom=None, **{**values, **changes.get(values["key"], {})})
              for i, values in enumerate(stored_places(smap), 1)]
    return SimpleNamespace(story=lambda: STORY, places=places)


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
