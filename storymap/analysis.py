"""A story read for the map: its places, the passages that name them, its figures."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property

from geopy.geocoders.base import Geocoder

from storymap.articles import Sentence, Story, free_name, slugify
from storymap.figures import Figure, extract_figures
from storymap.gazetteer import Gazetteer, default_gazetteer
from storymap.geocoders import OFFLINE, Deadline, GeocoderChain, LookupProblem
from storymap.geoparsing import find_unknown_names, geoparse
from storymap.home import Home
from storymap.ner import configured as configured_ner
from storymap.places import CITY, COUNTRY, LANDFORM, REGION, SITE, Mention, Origin, ResolvedPlace
from storymap.records import StoryRecord, place_values
from storymap.schema import FOUND, REJECTED


SPECIFICITY = {SITE: 4, CITY: 3, REGION: 2, LANDFORM: 1, COUNTRY: 0}


@dataclass
class StoryMap:
    story: Story
    places: list[ResolvedPlace]
    figures: list[Figure]
    sentences: list[Sentence]
    focus: dict[str, float] = field(default_factory=dict)
    unresolved: list[Mention] = field(default_factory=list)
    problems: list = field(default_factory=list)  # LookupProblems of online geocoders
    broken: list[tuple[str, str]] = field(default_factory=list)  # (name, why) of stored places not drawn

    def place(self, key: str | None) -> ResolvedPlace | None:
        return self._by_key.get(key)

    def passages(self, place: ResolvedPlace) -> list[Sentence]:
        """The sentences that mention ``place``, in reading order."""
        found = set()
        for m in place.mentions:
            i = bisect_right(self._sentence_starts, m.start) - 1
            if i >= 0 and m.start < self.sentences[i].end:
                found.add(i)
        return [self.sentences[i] for i in sorted(found)]

    # A story map is built once and then only read: these indexes make an atlas of
    # thousands of places as quick to look through as a short story.
    @cached_property
    def _by_key(self) -> dict[str, ResolvedPlace]:
        return {p.key: p for p in self.places}

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]


def analyse(story: Story, gazetteer: Gazetteer | None = None, geocoder: Geocoder | None = None,
            chain: GeocoderChain | None = None, ner=None, home: Home | None = None) -> StoryMap:
    """Geoparse ``story`` and extract its figures.

    With a ``chain`` that has online geocoders, names the gazetteer does not know
    but the text presents as places ("near Boya") are looked up online, all of
    them within the chain's time limit (one action); what could not be looked
    up, or was not tried in time, is listed in ``problems``. ``ner`` is a spaCy pipeline
    adding candidates; by default, the one STORYMAP_SPACY_MODEL names, if any. ``home`` is
    where the newsroom's other stories are (:func:`storymap.newsroom.home`).
    """
    gazetteer = gazetteer or default_gazetteer()
    parsed = geoparse(story.text, gazetteer, geocoder, dateline=story.dateline,
                      ner=ner if ner is not None else configured_ner()[0], home=home)
    places = list(parsed.places)
    problems: list[LookupProblem] = []
    if chain is not None and chain.online:
        deadline = chain.new_action()
        # A feature guessed by its namesake town is asked about too: an answer beats the guess.
        guesses = [rp for rp in places if rp.place.origin is Origin.NAMESAKE]
        online = _online_places(story.text, gazetteer, parsed.mentions,
                                parsed.unresolved + [m for rp in guesses for m in rp.mentions], chain, deadline,
                                {p.key for p in places})
        answered = {m for rp in online for m in rp.mentions}
        places = [rp for rp in places if rp.place.origin is not Origin.NAMESAKE or not answered & set(rp.mentions)]
        places += online
        problems = list(chain.problems)
    return _story_map(story, places, focus=parsed.focus, unresolved=parsed.unresolved, problems=problems)


def _story_map(story: Story, places: list[ResolvedPlace], **extra) -> StoryMap:
    """Places in reading order (the order a reader meets them), with the story's figures."""
    places = sorted(places, key=lambda p: (min((m.start for m in p.mentions), default=len(story.text)), p.key))
    sentences = story.sentences()
    spans = [(m.start, m.end, p.key, SPECIFICITY[p.place.kind]) for p in places for m in p.mentions]
    figures = extract_figures(story.text, sentences, spans)
    return StoryMap(story, places, figures, sentences=sentences, **extra)


def _online_places(text: str, gazetteer: Gazetteer, known: list[Mention], unresolved: list[Mention],
                   chain: GeocoderChain, deadline: Deadline, keys: set[str]) -> list[ResolvedPlace]:
    found: dict[str, ResolvedPlace | None] = {}  # each name asked once, however often the story names it
    resolved = [m for m in known if m not in unresolved]
    for mention in sorted(find_unknown_names(text, gazetteer, resolved) + unresolved, key=lambda m: m.start):
        name = mention.text
        if name not in found:
            found[name] = _online_place(name, chain, deadline, keys)
        if found[name]:
            found[name].mentions.append(mention)
    return [p for p in found.values() if p]


def _online_place(name: str, chain: GeocoderChain, deadline: Deadline, keys: set[str]) -> ResolvedPlace | None:
    service, options = chain.online_answer(name, deadline=deadline)
    if not options:
        return None
    key = free_name(slugify(name), keys)
    keys.add(key)
    return ResolvedPlace(key, options[0], [], 0.6, f"not in the offline gazetteer; the first answer of {service}",
                         options[1:4], geocoder=service)


def stored_places(smap: StoryMap, geocoder_name: str = OFFLINE) -> list[dict]:
    """The analysed places as storage values, found and waiting for editors' review; each says
    what placed it (an online service by its own name, the rest ``geocoder_name``) and when."""
    located_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return [place_values(replace(rp, status=FOUND, located_at=located_at,
                                 geocoder=rp.geocoder or geocoder_name)) for rp in smap.places]


def from_record(record: StoryRecord) -> StoryMap:
    """A stored story, as editors left it: rejected places are not drawn, nor broken ones (named)."""
    places = [p for p in record.places if p.status != REJECTED]
    broken = [(b.name, b.why) for b in record.broken if b.values.get("status") != REJECTED]
    return _story_map(record.story(), places, broken=broken)
