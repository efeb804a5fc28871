"""Features no gazetteer holds, guessed by the town they share a name with (storymap.namesakes)."""

import pytest
from geopy.distance import great_circle

from storymap.analysis import analyse
from storymap.articles import parse_story
from storymap.geocoders import chain_from_settings
from storymap.geoparsing import geoparse
from storymap.namesakes import SURENESS, namesakes
from tests import servers
from tests.servers import NominatimServer

RIVER = "Anglers on the St. Marys River near Kingsland, Georgia, reported record catches."


def test_a_feature_is_guessed_by_the_town_of_its_name_and_drawn_as_an_approximate_area(gazetteer):
    parsed = geoparse(RIVER, gazetteer)
    river = next(rp for rp in parsed.places if rp.written_name == "St. Marys River")
    assert (river.place.kind, river.place.country, river.place.admin1) == ("landform", "US", "GA")
    assert river.place.approximate and river.place.precision_km == 40
    assert great_circle((river.place.lat, river.place.lon), (30.73, -81.55)).km < 10  # St. Marys, Georgia
    assert river.confidence <= SURENESS and river.reason.startswith("a guess")
    assert "St. Marys" in river.place.source and "approximate" in river.place.source
    assert river.place.note == "" and "first of" not in river.reason  # readers see notes; the rank is no reason
    # The guess lends nothing: Kingsland and Georgia are as sure as without it.
    assert {rp.written_name for rp in parsed.places if rp.confidence > 0.9} == {"Kingsland", "Georgia"}


def test_a_namesake_far_from_everything_the_story_names_is_no_guess(gazetteer):
    alone = geoparse("The Naugatuck River rose overnight.", gazetteer)
    assert alone.places == [] and [m.text for m in alone.unresolved] == ["Naugatuck River"]
    far = geoparse("The Catawba River rose, officials in Anchorage, Alaska, said.", gazetteer)
    assert "Catawba River" in [m.text for m in far.unresolved]


def test_which_names_can_be_guessed_so(gazetteer):
    lake = namesakes("Lake Hartwell", gazetteer)
    assert lake and lake[0].kind == "landform" and lake[0].admin1 == "GA" and lake[0].name == "Lake Hartwell"
    township = namesakes("Oakport Township", gazetteer)
    assert [(p.admin1, p.kind, p.precision_km) for p in township] == [("MN", "region", 10.0)]
    assert {p.admin1 for p in namesakes("Greer Station", gazetteer)} >= {"SC"}  # a station is in its town
    assert namesakes("Laurel County", gazetteer) == []  # a county is far larger than its namesake town
    assert namesakes("Neches", gazetteer) == [] and namesakes("Quux River", gazetteer) == []
    assert all(p.id.startswith("near:river:") for p in namesakes("Neches River", gazetteer))


@pytest.fixture
def nominatim(monkeypatch):
    monkeypatch.setitem(servers.NOMINATIM_PLACES, "st. marys river", [{
        "place_id": 95, "osm_type": "relation", "osm_id": 96, "lat": "30.75", "lon": "-81.70", "class": "waterway",
        "type": "river", "addresstype": "river", "name": "St. Marys River", "importance": 0.4,
        "display_name": "St. Marys River, Georgia, United States", "address": {"country_code": "us"},
        "boundingbox": ["30.3", "31.0", "-82.4", "-81.4"]}])
    server = NominatimServer()
    yield server
    server.close()


def test_an_online_answer_replaces_the_guess(nominatim, tmp_path, gazetteer):
    settings = {"STORYMAP_GEOCODERS": "nominatim", "STORYMAP_NOMINATIM_DOMAIN": nominatim.domain,
                "STORYMAP_NOMINATIM_SCHEME": "http", "STORYMAP_GEOCODER_USER_AGENT": "Storymap tests, desk@example.org",
                "STORYMAP_GEOCODER_TIMEOUT": "1", "STORYMAP_GEOCODE_CACHE": str(tmp_path / "cache.sqlite3"),
                "STORYMAP_GEOCODER_MIN_DELAY": "0"}
    smap = analyse(parse_story(RIVER), gazetteer, chain=chain_from_settings(settings, gazetteer))
    rivers = [rp for rp in smap.places if rp.written_name == "St. Marys River"]
    assert len(rivers) == 1 and "Nominatim" in rivers[0].place.source
    assert (rivers[0].place.lat, rivers[0].place.lon) == (30.75, -81.70)
    assert "st. marys river" in {r["q"] for r in nominatim.requests}
    assert not {r["q"] for r in nominatim.requests} & {"kingsland", "georgia"}  # what the gazetteer holds stays offline
