import json
import math

import pytest

from storymap.gazetteer import CURATED_PATH, load_curated
from storymap.places import normalize


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


def test_shortened_and_spelled_out_saints_mounts_and_forts_are_one_name(gazetteer):
    # GeoNames lists 33 towns as "Mount Pleasant" and 7 as "Mt. Pleasant"; news writes either.
    assert {p.id for p in gazetteer.lookup("Mt. Pleasant")} == {p.id for p in gazetteer.lookup("Mount Pleasant")}
    assert "IA" in {p.admin1 for p in gazetteer.lookup("Mt. Pleasant") if p.country == "US"}
    # ... and a spelling is no reason to come first: the most populous Mount Pleasant leads both.
    assert gazetteer.lookup("Mt. Pleasant", 1) == gazetteer.lookup("Mount Pleasant", 1)


def test_the_oceans_and_the_arctic_are_where_their_sources_say(gazetteer):
    from storymap.geo import km

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
