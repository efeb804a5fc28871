"""The newsroom's home (storymap.home): learned from its stories, and what it does to a new one's names."""

import dataclasses

import pytest

from storymap import newsroom
from storymap.accounts import Editor
from storymap.geoparsing import geoparse
from storymap.home import Home, counted, learn
from storymap.importing import story_from_text
from storymap.resolution import HOME_SURENESS
from storymap.storage import Storage

ALICE = Editor("alice")
# Short stories of a paper in Columbus, Georgia, and one that names the town alone.
GEORGIA = ["Soldiers from Fort Benning paraded through Columbus, Georgia, and Phenix City, Alabama.",
           "Storms felled trees in Columbus, Georgia, and in LaGrange, Georgia, on Monday."]
ALONE = "Police in Columbus arrested two men after a chase on Tuesday night."


def places_of(text, gazetteer):
    return [rp.place for rp in geoparse(text, gazetteer).places]


def columbus(text, gazetteer, home=None):
    return next(rp for rp in geoparse(text, gazetteer, home=home).places if rp.place.name == "Columbus")


@pytest.fixture(scope="module")
def georgia(gazetteer):
    return learn([places_of(text, gazetteer) for text in GEORGIA], gazetteer)


@pytest.fixture
def store(tmp_path):
    return Storage(f"sqlite:///{tmp_path / 'store.sqlite3'}")


def test_a_home_is_each_country_and_state_share_and_the_places_stories_come_back_to(georgia, gazetteer):
    assert georgia.stories == 2 and {country for country, _ in georgia.regions} == {"US"}
    # Georgian places and Georgia itself in each story, Alabama and its Phenix City in one:
    assert georgia.regions[("US", "GA")] >= 0.75 and 0 < georgia.regions[("US", "AL")] <= 0.25
    assert sum(georgia.regions.values()) == pytest.approx(1.0)
    # Columbus and Georgia are in both stories; Phenix City and LaGrange in one each, not a beat.
    assert {p.name for p in georgia.places} == {"Columbus", "Georgia"}
    assert not Home()
    assert not learn([[], []], gazetteer)


def test_a_stored_place_without_its_state_finds_it_again_by_its_gazetteer_id(gazetteer):
    town = places_of("Rain fell on LaGrange, Georgia.", gazetteer)[0]
    stored = dataclasses.replace(town, admin1="", population=0)  # as storage keeps it: no state
    home = learn([[stored]], gazetteer)
    assert home.regions == {("US", "GA"): 1.0}
    by_hand = dataclasses.replace(stored, id="db:7")  # put by an editor: a place stories come back to, no state
    home = learn([[by_hand], [by_hand]], gazetteer)
    assert home.places == (by_hand,) and not home.regions and home


def test_a_town_named_alone_is_the_newsroom_s_own(georgia, gazetteer):
    alone = columbus(ALONE, gazetteer)
    assert alone.place.admin1 == "OH"  # the largest Columbus, for a newsroom with no stories yet
    at_home = columbus(ALONE, gazetteer, georgia)
    assert at_home.place.admin1 == "GA"
    # The home chose it over what the story alone says: an editor should look.
    assert alone.confidence < 1 and at_home.confidence == HOME_SURENESS
    assert "where the newsroom's other stories are" in at_home.reason
    assert "newsroom" not in alone.reason
    assert columbus(ALONE, gazetteer, Home()) == alone  # an empty home changes nothing


def test_a_story_plainly_elsewhere_is_placed_there_whatever_the_home(georgia, gazetteer):
    text = ("Ohio's governor met mayors from Columbus, Dayton and Cincinnati. "
            "Columbus will host the next meeting, Ohio officials said.")
    assert columbus(text, gazetteer, georgia).place.admin1 == "OH"
    # ... and a far country's story keeps its own places: Georgia the country, not the state.
    tbilisi = geoparse("Protesters filled Tbilisi, the capital of Georgia, for a third night.", gazetteer,
                       home=georgia).places
    assert {rp.place.name: rp.place.country for rp in tbilisi}["Georgia"] == "GE"


def test_what_a_home_is_learned_from_accepted_places_and_sure_ones_never_rejected(gazetteer):
    found = geoparse(GEORGIA[1], gazetteer).places
    sure = [rp for rp in found if rp.confidence >= 0.8]
    assert sure, "the story has places the finder is sure of"
    assert counted(found) == [rp.place for rp in sure]
    unsure = [dataclasses.replace(rp, confidence=0.5) for rp in found]
    assert counted(unsure) == []
    assert counted([dataclasses.replace(rp, status="accepted") for rp in unsure]) == [rp.place for rp in found]
    assert counted([dataclasses.replace(rp, status="rejected") for rp in found]) == []


def test_the_store_hands_back_the_newest_stories_places_but_the_one_left_out(store, gazetteer):
    slugs = [newsroom.add_story(store, ALICE, story_from_text(f"Georgia {i}", text), gazetteer).record.slug
             for i, text in enumerate(GEORGIA)]
    gone = newsroom.add_story(store, ALICE, story_from_text("Gone", "Floods in Lahore."), gazetteer).record
    store.delete_story(ALICE, gone.slug, gone.version)
    names = [{rp.place.name for rp in places} for places in store.recent_places(10)]
    assert len(names) == 2 and all("Columbus" in n for n in names)  # the deleted story is not counted
    assert [{rp.place.name for rp in p} for p in store.recent_places(1)] == [names[0]]  # the newest
    assert len(store.recent_places(10, leave_out=slugs[0])) == 1


def test_a_newsroom_s_new_story_is_read_with_its_home(store, gazetteer):
    first = newsroom.add_story(store, ALICE, story_from_text("Alone", ALONE), gazetteer).record
    assert next(p for p in first.places if p.key == "columbus").place.lat == pytest.approx(39.96, abs=0.1)  # Ohio
    for i, text in enumerate(GEORGIA):
        newsroom.add_story(store, ALICE, story_from_text(f"Georgia {i}", text), gazetteer)
    assert "Columbus" in {p.name for p in newsroom.home(store, gazetteer).places}
    again = newsroom.add_story(store, ALICE, story_from_text("Alone again", ALONE), gazetteer).record
    stored = next(p for p in again.places if p.key == "columbus")
    assert stored.place.lat == pytest.approx(32.46, abs=0.1) and "newsroom" in stored.reason
    assert stored.confidence == HOME_SURENESS
    # Neither bare "Columbus" is learned from: Ohio was unsure, and Georgia the home's own choice
    # (the home does not feed on itself) until an editor accepts it.
    assert newsroom.home(store, gazetteer).stories == 2
    store.update_place(ALICE, stored.stored.id, stored.stored.version, status="accepted")
    assert newsroom.home(store, gazetteer).stories == 3
    # The retry of online look-ups reads a story with the home of the others, not its own.
    assert newsroom.home(store, gazetteer, leave_out=again.slug).stories == 2


def test_a_home_set_by_hand_counts_before_the_newsroom_has_stories(store, gazetteer, monkeypatch):
    monkeypatch.setenv("STORYMAP_HOME", "Columbus, Georgia")
    home = newsroom.home(store, gazetteer)
    assert home.regions == {("US", "GA"): 1.0} and home.stories == 5
    added = newsroom.add_story(store, ALICE, story_from_text("Alone", ALONE), gazetteer).record
    assert next(p for p in added.places if p.key == "columbus").place.admin1 == ""  # stored without a state
    assert next(p for p in added.places if p.key == "columbus").place.lat == pytest.approx(32.46, abs=0.1)
    monkeypatch.setenv("STORYMAP_HOME", "Nowhere we know")
    assert not newsroom.home(Storage(f"sqlite:///{store.engine.url.database}-2"), gazetteer)


def test_the_place_a_newsroom_always_writes_about_is_its_own_name_alone(gazetteer):
    # A paper in Alexandria, Virginia, whose stories often reach far (a third of their places are
    # in Virginia): the town its stories come back to counts itself as near, as a neighbour would,
    # though the biggest Alexandria is in Egypt.
    stories = ["Alexandria, Virginia, sent firefighters to Tulsa, Oklahoma.",
               "Alexandria, Virginia, and Boise, Idaho, won the same grant.",
               "Tulsa, Oklahoma, and Boise, Idaho, ran out of buses."]
    home = learn([places_of(text, gazetteer) for text in stories], gazetteer)
    alone = "School board hopefuls met in Alexandria on Tuesday."
    assert next(rp for rp in geoparse(alone, gazetteer).places).place.country == "EG"
    placed = next(rp for rp in geoparse(alone, gazetteer, home=home).places)
    assert (placed.place.country, placed.place.admin1) == ("US", "VA")
    assert "where the newsroom's other stories are" in placed.reason
