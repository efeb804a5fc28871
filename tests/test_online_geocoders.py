"""Online geocoding through geopy's own Nominatim class, pointed at a local server."""

import time

import pytest

from storymap.analysis import analyse, stored_places
from storymap.articles import parse_story
from storymap.geocoders import chain_from_settings
from tests.servers import NominatimServer

AGENT = "Storymap tests, desk@example.org"
RETRY_AFTER = 0.5  # seconds a failure is remembered, unless a test says otherwise


@pytest.fixture
def nominatim():
    server = NominatimServer()
    yield server
    server.close()


def chain(server, tmp_path, gazetteer, **extra):
    """A chain as a page builds one on every rerun; quick unless a test asks for Nominatim's pace (MIN_DELAY 1)."""
    settings = {"STORYMAP_GEOCODERS": "nominatim", "STORYMAP_NOMINATIM_DOMAIN": server.domain,
                "STORYMAP_NOMINATIM_SCHEME": "http", "STORYMAP_GEOCODER_USER_AGENT": AGENT,
                "STORYMAP_GEOCODER_TIMEOUT": "1", "STORYMAP_GEOCODE_CACHE": str(tmp_path / "cache.sqlite3"),
                "STORYMAP_GEOCODER_MIN_DELAY": "0", "STORYMAP_GEOCODER_RETRY_AFTER": str(RETRY_AFTER), **extra}
    return chain_from_settings(settings, gazetteer)


STORY = ("Pakistani officials in Miranshah said the new road runs near Boya and on through the Shawal Valley "
         "toward Wana.")
SIX = ("Officials said the convoy passed near Qorvandi, then near Zelmabad, near Tarnoki, near Vushkar, "
       "near Belqadir and finally near Oshmira before reaching Wana.")
SIX_NAMES = ["Qorvandi", "Zelmabad", "Tarnoki", "Vushkar", "Belqadir", "Oshmira"]
# A server that accepts and never answers, behind a per-request timeout longer than the action's time limit.
HANGING = {"STORYMAP_GEOCODER_TIMEOUT": "10", "STORYMAP_GEOCODER_TIME_LIMIT": "1",
           "STORYMAP_GEOCODER_RETRY_AFTER": "60"}
# Seconds past its deadline an action may take to wind up. Generous, as a busy machine (tests in
# parallel) needs: each deadline is 1 or 1.6 s against a server that would otherwise keep a request
# for the 10 s timeout, and whether a request was sent again is asserted by counting requests.
MARGIN = 2.0


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
    geocoders = chain(nominatim, tmp_path, gazetteer, STORYMAP_GEOCODER_MIN_DELAY="1")
    for name in ("Boya", "Shawal Valley", "Nowhere Town"):
        geocoders.online_only(name)
    times = [r["at"] for r in nominatim.requests]
    assert len(times) == 3 and all(b - a >= 0.95 for a, b in zip(times, times[1:]))
    assert all(r["agent"] == AGENT and r["path"] == "/search" and r["format"] == "json"
               for r in nominatim.requests)
    again = chain(nominatim, tmp_path, gazetteer)  # a new process: the disk cache answers
    assert again.online_only("Boya")[0].name == "Boya"
    assert len(nominatim.requests) == 3


@pytest.mark.parametrize("mode,reason,whole_service", [
    ("slow", "too long", True), ("429", "429", True), ("403", "403", True),
    ("garbage", "not a geocoder answer", False)])
def test_a_misbehaving_geocoder_never_breaks_the_story(nominatim, tmp_path, gazetteer, mode, reason, whole_service):
    nominatim.fail["boya"] = mode
    smap = analyse(parse_story(STORY), gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    assert smap.place("wana") and smap.place("boya") is None
    problem = next(p for p in smap.problems if p.name == "Boya")
    assert problem.geocoder == "Nominatim" and reason in problem.reason
    # A service that is down or refusing us is not sent the next name; a bad answer is one name's alone.
    assert [r["q"] for r in nominatim.requests] == ["boya"] + ([] if whole_service else ["shawal valley"])
    if whole_service:
        shawal = next(p for p in smap.problems if p.name == "Shawal Valley")
        assert shawal.reason.startswith(f"not asked: it {problem.reason}") and "asked again in" in shawal.reason
    else:
        assert smap.place("shawal-valley")
    # A retry once the failure is no longer remembered works.
    del nominatim.fail["boya"]
    time.sleep(RETRY_AFTER)
    retry = analyse(parse_story(STORY), gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    assert retry.place("boya") and retry.place("shawal-valley") and not retry.problems


def test_a_service_that_asks_for_a_longer_rest_gets_it(nominatim, tmp_path, gazetteer):
    nominatim.fail["boya"] = "429 for an hour"
    assert chain(nominatim, tmp_path, gazetteer).online_only("Boya") == []
    time.sleep(RETRY_AFTER)
    rerun = chain(nominatim, tmp_path, gazetteer)
    assert rerun.online_only("Shawal Valley") == [] and len(nominatim.requests) == 1
    assert rerun.problems[0].reason == ("not asked: it refused our requests as too many (429) a moment ago; "
                                        "it will be asked again in 60 minutes")


@pytest.mark.filterwarnings("ignore:Latitude normalization has been prohibited:UserWarning")  # the answer we send
def test_unreachable_geocoder_and_impossible_answers(tmp_path, gazetteer, nominatim):
    dead = chain(nominatim, tmp_path, gazetteer, STORYMAP_NOMINATIM_DOMAIN="127.0.0.1:9")
    assert dead.online_only("Boya") == []
    assert "could not be reached" in dead.problems[0].reason
    impossible = chain(nominatim, tmp_path, gazetteer)  # the same cache: another server starts afresh
    assert impossible.online_only("Mars base") == []
    assert "impossible coordinates" in impossible.problems[0].reason
    assert impossible.online_only("Boya")[0].name == "Boya"  # one name's bad answer is its own


def test_lookup_limit_per_story(nominatim, tmp_path, gazetteer):
    limited = chain(nominatim, tmp_path, gazetteer, STORYMAP_GEOCODER_BUDGET="1")
    smap = analyse(parse_story(STORY), gazetteer, chain=limited)
    assert len(nominatim.requests) == 1
    assert any("limit" in p.reason for p in smap.problems)


def test_failed_requests_count_against_the_limit(nominatim, tmp_path, gazetteer):
    nominatim.fail["*"] = "garbage"
    limited = chain(nominatim, tmp_path, gazetteer, STORYMAP_GEOCODER_BUDGET="3")
    smap = analyse(parse_story(SIX), gazetteer, chain=limited)
    assert len(nominatim.requests) == 3 and limited.budget == 0
    assert [p.name for p in smap.problems] == SIX_NAMES
    assert all("not a geocoder answer" in p.reason for p in smap.problems[:3])
    assert all("limit is used up" in p.reason for p in smap.problems[3:])


def test_a_search_against_a_hanging_geocoder_ends_in_time_and_a_rerun_does_not_ask_again(
        nominatim, tmp_path, gazetteer):
    nominatim.fail["*"] = "hang"
    started = time.monotonic()
    first = chain(nominatim, tmp_path, gazetteer, **HANGING)
    assert first.search("Qorvandi") == []
    assert time.monotonic() - started < 1 + MARGIN
    assert [(p.name, p.reason) for p in first.problems] == [("Qorvandi", "took too long to answer")]
    # The page reruns on every click, with a new chain: the same search, and the next one typed,
    # are answered from the remembered failure at once, without a request.
    for query in ("Qorvandi", "Zelmabad"):
        started = time.monotonic()
        rerun = chain(nominatim, tmp_path, gazetteer, **HANGING)
        assert rerun.search(query) == []
        assert time.monotonic() - started < MARGIN
        assert rerun.problems[0].reason.startswith("not asked: it took too long to answer")
        assert "asked again in 60 seconds" in rerun.problems[0].reason
    assert len(nominatim.requests) == 1
    assert first.search("Islamabad") and first.problems == []  # each search's problems are its own


def test_an_import_of_six_unknown_places_from_a_hanging_geocoder_ends_in_time(nominatim, tmp_path, gazetteer):
    nominatim.fail["*"] = "hang"
    started = time.monotonic()
    smap = analyse(parse_story(SIX), gazetteer, chain=chain(nominatim, tmp_path, gazetteer, **HANGING))
    assert time.monotonic() - started < 1 + MARGIN
    assert smap.place("wana")
    assert [p.name for p in smap.problems] == SIX_NAMES
    assert smap.problems[0].reason == "took too long to answer"
    assert all(p.reason.startswith("not asked: it took too long") for p in smap.problems[1:])
    assert len(nominatim.requests) == 1


def test_names_not_tried_in_time_are_reported_and_answers_kept(nominatim, tmp_path, gazetteer):
    timed = {"STORYMAP_GEOCODER_TIME_LIMIT": "1.6", "STORYMAP_GEOCODER_MIN_DELAY": "1"}  # room for two requests
    started = time.monotonic()
    smap = analyse(parse_story(SIX), gazetteer, chain=chain(nominatim, tmp_path, gazetteer, **timed))
    assert time.monotonic() - started < 1.6 + MARGIN
    assert [r["q"] for r in nominatim.requests] == ["qorvandi", "zelmabad"]
    assert [p.name for p in smap.problems] == SIX_NAMES[2:]
    assert all(p.reason == "not tried: time ran out (online lookups stop after 2 seconds)" for p in smap.problems)
    # A second import at once (another rerun, another chain): the answers kept are not asked for again,
    # and the process keeps Nominatim's pace of one request a second across chains.
    analyse(parse_story(SIX), gazetteer, chain=chain(nominatim, tmp_path, gazetteer, **timed))
    assert [r["q"] for r in nominatim.requests] == ["qorvandi", "zelmabad", "tarnoki"]
    times = [r["at"] for r in nominatim.requests]
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:]))


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
    from storymap.newsroom import look_up_online
    from storymap.storage import Storage

    store = Storage(f"sqlite:///{tmp_path / 's.sqlite3'}")
    nominatim.fail["boya"] = "429"
    story = parse_story(STORY)
    smap = analyse(story, gazetteer, chain=chain(nominatim, tmp_path, gazetteer))
    store.create_story(Editor("a"), story, stored_places(smap))
    assert "boya" not in {p.key for p in store.load("story").places}
    del nominatim.fail["boya"]
    time.sleep(RETRY_AFTER)
    added, problems = look_up_online(store, Editor("a"), "story", chain(nominatim, tmp_path, gazetteer), gazetteer)
    assert [p.name for p in added] == ["Boya", "Shawal Valley"] and not problems  # not asked after the 429
    assert added[0].geocoder == "Nominatim" and added[0].status == "found"
    again, _ = look_up_online(store, Editor("a"), "story", chain(nominatim, tmp_path, gazetteer), gazetteer)
    assert again == []  # nothing added twice


def test_looking_up_online_against_a_hanging_geocoder_ends_in_time_and_once(nominatim, tmp_path, gazetteer):
    from storymap.accounts import Editor
    from storymap.newsroom import look_up_online
    from storymap.storage import Storage

    store = Storage(f"sqlite:///{tmp_path / 's.sqlite3'}")
    story = parse_story(STORY)
    store.create_story(Editor("a"), story, stored_places(analyse(story, gazetteer)))
    nominatim.fail["*"] = "hang"
    for click in range(2):
        started = time.monotonic()
        added, problems = look_up_online(store, Editor("a"), "story", chain(nominatim, tmp_path, gazetteer, **HANGING),
                                         gazetteer)
        assert time.monotonic() - started < (1 + MARGIN if click == 0 else MARGIN)
        assert added == [] and {p.name for p in problems} == {"Boya", "Shawal Valley"}
    assert len(nominatim.requests) == 1
