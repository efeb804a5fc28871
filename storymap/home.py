"""A newsroom's home: where its stories usually are, as evidence for the names of a new one.

A local paper's "Columbus" is the Columbus it always writes about, though nothing in a short
story says which: Columbus, Georgia to the Ledger-Enquirer, Columbus, Ohio to the Dispatch.
Lieberman, Samet and Sankaranarayanan (2010) call this a source's "local lexicon". The home is
learned from the places of the newsroom's other stories, those its editors accepted or the
finder was sure of, and can be set by hand (``STORYMAP_HOME``) for a newsroom with no stories
yet. It is evidence like any other (see :mod:`storymap.resolution`): a story that is plainly
somewhere else is placed there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from storymap.gazetteer import Gazetteer
from storymap.geo import KM_PER_DEGREE, Grid
from storymap.places import COUNTRY, Place, ResolvedPlace
from storymap.schema import ACCEPTED, REJECTED

STORIES = 50  # the newest stories a home is learned from: enough to know it, few enough to follow a move
SURE = 0.8  # a found place this sure counts; an accepted one always, a rejected one never
RETURNS = 2  # stories a place must be in to be one the newsroom's stories come back to: one is an event, two a beat
SET_STORIES = 5  # how many stories' worth a home set by hand counts


@dataclass(frozen=True)
class Home:
    """Each state's or province's share of a newsroom's places that are in one (a story counts
    once, however many places it names), and the places its stories come back to."""

    regions: dict[tuple[str, str], float] = field(default_factory=dict)  # (country, admin1) -> share
    places: tuple[Place, ...] = ()  # towns and counties its stories come back to, most often first
    stories: int = 0  # how many stories it was learned from

    def __bool__(self) -> bool:
        return bool(self.regions or self.places)

    def area(self, least: float, precision_km: float, reach_km: float) -> tuple[set[tuple[str, str]], Grid]:
        """Its states and provinces with at least ``least`` of its places, and the places its
        stories come back to known within ``precision_km``, each reaching ``reach_km`` (a grid
        to ask what is near: they lend nearness as a story's sure places do)."""
        near = Grid(cell_deg=reach_km / KM_PER_DEGREE)
        for place in self.places:
            if place.precision_km < precision_km:
                near.add(place, place, reach_km)
        return {region for region, share in self.regions.items() if share >= least}, near


def learn(stories: Iterable[Iterable[Place]], gazetteer: Gazetteer, set_home: Iterable[Place] = ()) -> Home:
    """A home from the places of several stories (each the places it is sure of), and the
    places of a home set by hand, which count as SET_STORIES stories.

    A stored place keeps no state or province, so it is looked up again by its gazetteer id;
    a place an editor put by hand still counts as a place stories come back to.
    """
    regions: Counter = Counter()
    seen: Counter = Counter()  # in how many stories each place is
    by_id: dict[str, Place] = {}
    total = 0.0
    for places, weight in [(list(p), 1.0) for p in stories] + [(list(set_home), float(SET_STORIES))]:
        # A story's share is split among all its places, countries too: a story mostly about
        # countries says less of where the newsroom's towns are.
        places = [_with_region(p, gazetteer) for p in places if p.country]
        if not places:
            continue
        total += weight
        share = weight / len(places)
        for p in places:
            if p.kind != COUNTRY and p.admin1:
                regions[(p.country, p.admin1)] += share
        for p in {p.id: p for p in places if p.kind != COUNTRY}.values():
            seen[p.id] += weight
            by_id[p.id] = p
    if not total:
        return Home()
    common = [by_id[i] for i, n in seen.most_common() if n >= RETURNS]
    in_regions = sum(regions.values())
    return Home({k: v / in_regions for k, v in regions.items()}, tuple(common), round(total))


def counted(places: Iterable[ResolvedPlace]) -> list[Place]:
    """The places of a stored story a home is learned from: what editors accepted, and what
    the finder was sure of and nobody rejected."""
    return [rp.place for rp in places
            if rp.status == ACCEPTED or (rp.status != REJECTED and rp.confidence >= SURE)]


def _with_region(place: Place, gazetteer: Gazetteer) -> Place:
    if place.admin1 or place.kind == COUNTRY:
        return place
    for candidate in gazetteer.lookup(place.name, 20):
        if candidate.id == place.id:
            return candidate
    return place
