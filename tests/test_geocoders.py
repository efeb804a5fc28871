from geopy.geocoders.base import Geocoder
from geopy.location import Location

from storymap.geocoders import OfflineGazetteer, candidates, place_from_location


def test_offline_gazetteer_speaks_geopys_interface(gazetteer):
    geocoder = OfflineGazetteer(gazetteer)
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Islamabad")
    assert isinstance(location, Location)
    assert round(location.latitude, 1) == 33.7 and round(location.longitude, 1) == 73.0
    assert "Islamabad" in location.address


def test_all_candidates_and_country_filter(gazetteer):
    geocoder = OfflineGazetteer(gazetteer)
    many = geocoder.geocode("Columbia", exactly_one=False)
    assert len(many) > 5
    only_us = geocoder.geocode("Columbia", exactly_one=False, country_codes="us")
    assert only_us and all(loc.raw["storymap_place"]["country"] == "US" for loc in only_us)
    assert geocoder.geocode("Qwertyuiopville") is None


def test_locations_turn_back_into_places(gazetteer):
    place = candidates(OfflineGazetteer(gazetteer), "Wana")[0]
    assert place.id == "gn:1162634" and place.kind == "city"


def test_nominatim_style_locations_become_places():
    raw = {"osm_type": "relation", "osm_id": 1, "name": "Wana", "addresstype": "town",
           "boundingbox": ["32.28", "32.32", "69.55", "69.60"], "address": {"country_code": "pk"}}
    place = place_from_location(Location("Wana, Pakistan", (32.3, 69.57), raw), "Nominatim")
    assert (place.kind, place.country, place.id) == ("city", "PK", "osm:relation/1")
    assert place.precision_km > 1
