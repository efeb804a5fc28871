"""Online geocoding through geopy's own Nominatim class, pointed at a local server."""

import time

import pytest

from storymap.analysis import analyse, stored_places
from storymap.articles import parse_story
from storymap.geocoders import chain_from_settings
from tests.servers import NominatimServer

AGENT = "Storymap tests, desk@example.org"


@pytest.fixture
def nominatim():
    server = NominatimServer()
    yield server
    server.close()


def chain(server, tmp_path, gazetteer, **extra):
    settings = {"STORYMAP_GEOCODERS": "nominatim", "STORYMAP_NOMINATIM_DOMAIN": server.domain,
                "STORYMAP_NOMINATIM_SCHEME": "http", "STORYMAP_GEOCODER_USER_AGENT": AGENT,
                "STORYMAP_GEOCODER_TIMEOUT": "1", "STORYMAP_GEOCODE_CACHE": str(tmp_path / "cache.sqlite3"),
                **extra}
    return chain_from_settings(settings, gazetteer)


STORY = ("Pakistani officials in Miranshah said the new road runs near Boya and on through the Shawal Valley "
         "toward Wana.")


def test_names_the_gazetteer_lacks_are_found_online(nominatim, tmp_path, gazetteer):
    smap = analyse(parse_story(STORY), gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    boya = smap.place("boya")
    assert boya and boya.place.country == "PK" and abs(boya.place.lat - 33.0412) < 1e-6
    assert "Nominatim" in boya.place.source and "not in the offline gazetteer" in boya.reason
    assert smap.place("shawal-valley").place.kind == "landform"
    assert smap.place("wana") and smap.place("miran-shah")  # offline ones untouched
    stored = {p["key"]: p for p in stored_places(smap)}
    assert stored["boya"]["geocoder"] == "Nominatim" and stored["wana"]["geocoder"] == "offline gazetteer"
    assert stored["boya"]["located_at"]
    assert {r["q"] for r in nominatim.requests} == {"boya", "shawal valley"}  # offline names never sent


def test_usage_policy_user_agent_one_request_a_second_and_cache(nominatim, tmp_path, gazetteer):
    geocoders = chain(nominatim, tmp_path, gazetteer)
    for name in ("Boya", "Shawal Valley", "Nowhere Town"):
        geocoders.online_only(name)
    times = [r["at"] for r in nominatim.requests]
    assert len(times) == 3 and all(b - a >= 0.95 for a, b in zip(times, times[1:]))
    assert all(r["agent"] == AGENT and r["path"] == "/search" and r["format"] == "json"
               for r in nominatim.requests)
    again = chain(nominatim, tmp_path, gazetteer)  # a new process: the disk cache answers
    assert again.online_only("Boya")[0].name == "Boya"
    assert len(nominatim.requests) == 3


@pytest.mark.parametrize("mode,reason", [("slow", "too long"), ("429", "429"), ("403", "403"),
                                         ("garbage", "not a geocoder answer")])
def test_a_misbehaving_geocoder_never_breaks_the_story(nominatim, tmp_path, gazetteer, mode, reason):
    nominatim.fail["boya"] = mode
    smap = analyse(parse_story(STORY), gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    assert smap.place("wana") and smap.place("shawal-valley")
    assert smap.place("boya") is None
    problem = next(p for p in smap.problems if p.name == "Boya")
    assert problem.geocoder == "Nominatim" and reason in problem.reason
    # A retry later works: failures are not cached.
    del nominatim.fail["boya"]
    time.sleep(1)
    retry = analyse(parse_story(STORY), gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    assert retry.place("boya") and not retry.problems


def test_unreachable_geocoder_and_impossible_answers(tmp_path, gazetteer, nominatim):
    dead = chain(nominatim, tmp_path, gazetteer, STORYMAP_NOMINATIM_DOMAIN="127.0.0.1:9")
    assert dead.online_only("Boya") == []
    assert "could not be reached" in dead.problems[0].reason
    impossible = chain(nominatim, tmp_path, gazetteer)
    assert impossible.online_only("Mars base") == []
    assert "impossible coordinates" in impossible.problems[0].reason


def test_lookup_limit_per_story(nominatim, tmp_path, gazetteer):
    limited = chain(nominatim, tmp_path, gazetteer, STORYMAP_GEOCODER_BUDGET="1")
    smap = analyse(parse_story(STORY), gazetteer, chain=limited)
    assert len(nominatim.requests) == 1
    assert any("limit" in p.reason for p in smap.problems)


def test_nominatim_needs_a_real_user_agent(gazetteer):
    with pytest.raises(ValueError, match="user agent"):
        chain_from_settings({"STORYMAP_GEOCODERS": "nominatim"}, gazetteer)
    with pytest.raises(ValueError, match="Unknown geocoder"):
        chain_from_settings({"STORYMAP_GEOCODERS": "yahoo", "STORYMAP_GEOCODER_USER_AGENT": "x"}, gazetteer)


def test_search_asks_offline_first(nominatim, tmp_path, gazetteer):
    geocoders = chain(nominatim, tmp_path, gazetteer)
    assert geocoders.search("Islamabad")[0].country == "PK"
    assert nominatim.requests == []
    assert geocoders.search("Boya")[0].name == "Boya"


def test_a_retry_later_adds_what_the_geocoder_now_finds(nominatim, tmp_path, gazetteer):
    from storymap.accounts import Editor
    from storymap.library import look_up_online
    from storymap.storage import Storage

    store = Storage(f"sqlite:///{tmp_path / 's.sqlite3'}")
    nominatim.fail["boya"] = "429"
    story = parse_story(STORY)
    smap = analyse(story, gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    store.create_story(Editor("a"), story, stored_places(smap))
    assert "boya" not in {p.key for p in store.load("story").places}
    del nominatim.fail["boya"]
    time.sleep(1)
    added, problems = look_up_online(store, Editor("a"), "story", chain(nominatim, tmp_path, gazetteer), gazetteer)
    assert [p.name for p in added] == ["Boya"] and not problems
    assert added[0].geocoder == "Nominatim" and added[0].status == "found"
    again, _ = look_up_online(store, Editor("a"), "story", chain(nominatim, tmp_path, gazetteer), gazetteer)
    assert again == []  # nothing added twice
