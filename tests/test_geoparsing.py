from geopy.distance import great_circle

from storymap.analysis import analyse
from storymap.articles import parse_story

EXPECTED = {"south-waziristan", "wana", "muhammad-khel-copper-mine", "islamabad", "washington", "white-house",
            "china", "afghanistan", "columbia", "hindu-kush", "khyber-pakhtunkhwa", "pakistan", "united-states",
            "north-waziristan", "cadet-college-wana"}


def test_sample_story_finds_every_place_a_reader_expects(sample_map):
    keys = {p.key for p in sample_map.places}
    assert EXPECTED <= keys, EXPECTED - keys
    assert not {"mining", "one", "donald", "trump"} & keys


def test_sample_story_places_are_where_they_should_be(sample_map):
    wana = sample_map.place("wana").place
    assert great_circle((wana.lat, wana.lon), (32.30, 69.57)).km < 5
    mine = sample_map.place("muhammad-khel-copper-mine").place
    miranshah = (33.0006, 70.0712)
    # Public reporting: North Waziristan, about 35 km from Miranshah, no exact position.
    assert mine.approximate and great_circle((mine.lat, mine.lon), miranshah).km <= 35 + mine.precision_km
    columbia = sample_map.place("columbia")
    assert columbia.place.country == "US" and columbia.place.admin1 == "SC"
    assert "South Carolina" in columbia.reason
    assert sample_map.place("washington").place.admin1 == "DC"
    assert sample_map.place("islamabad").place.country == "PK"


def test_each_place_carries_confidence_reason_and_runners_up(sample_map):
    for rp in sample_map.places:
        assert 0 < rp.confidence <= 1 and rp.reason
    washington = sample_map.place("washington")
    assert washington.runners_up and all(p.name == "Washington" for p in washington.runners_up)


def test_unknown_text_finds_nothing_and_does_not_fail(gazetteer):
    assert analyse(parse_story("nothing here at all, just lowercase words."), gazetteer).places == []
