"""A story read for the map: its places, the passages that name them, its figures."""

from __future__ import annotations

from dataclasses import dataclass

from geopy.geocoders.base import Geocoder

from storymap.articles import Sentence, Story
from storymap.figures import Figure, extract_figures
from storymap.gazetteer import CITY, COUNTRY, LANDFORM, REGION, SITE, Gazetteer, default_gazetteer
from storymap.geoparsing import Mention, ResolvedPlace, geoparse


SPECIFICITY = {SITE: 4, CITY: 3, REGION: 2, LANDFORM: 1, COUNTRY: 0}


@dataclass
class StoryMap:
    story: Story
    places: list[ResolvedPlace]
    figures: list[Figure]
    focus: dict[str, float]
    unresolved: list[Mention]
    sentences: list[Sentence]

    def place(self, key: str | None) -> ResolvedPlace | None:
        return next((p for p in self.places if p.key == key), None)

    def passages(self, place: ResolvedPlace) -> list[Sentence]:
        """The sentences that mention ``place``, in reading order."""
        starts = {m.start for m in place.mentions}
        return [s for s in self.sentences if any(s.start <= a < s.end for a in starts)]

    def place_at(self, offset: int) -> ResolvedPlace | None:
        return next((p for p in self.places for m in p.mentions if m.start <= offset < m.end), None)


def analyse(story: Story, gazetteer: Gazetteer | None = None, geocoder: Geocoder | None = None) -> StoryMap:
    """Geoparse ``story`` and extract its figures."""
    gazetteer = gazetteer or default_gazetteer()
    parsed = geoparse(story.text, gazetteer, geocoder, dateline=story.dateline)
    sentences = story.sentences()
    # Places in reading order: the order a reader meets them.
    places = sorted(parsed.places, key=lambda p: min(m.start for m in p.mentions))
    spans = [(m.start, m.end, p.key, SPECIFICITY[p.place.kind]) for p in places for m in p.mentions]
    figures = extract_figures(story.text, sentences, spans)
    return StoryMap(story, places, figures, parsed.focus, parsed.unresolved, sentences)
