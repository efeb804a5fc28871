"""The guided tour: the story told place by place, between a cover and the credits.

The order follows the article (the first mention of each place) unless an editor set one; an
editor can also hide a step or fix its zoom. The first step is the cover (the story's title,
dateline, byline and lead image, over all its places); then a step per visible place, each
numbered as a stop of the tour (1, 2, ...: the number its marker carries); the last step is
the credits (where the text, the places' positions and the map come from). Each step carries
HTML from the templates ``tour_cover.html``, ``tour_step.html`` and ``tour_credits.html``.
Steps are numbered from 1 wherever people see them (the counter, ``?step=``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from storymap.analysis import StoryMap
from storymap.places import KIND_LABELS, ResolvedPlace, reader_source
from storymap.maps import fitted_view, map_credits, media_html, place_view
from storymap.media import IMAGE, Media
from storymap.routes import route
from storymap.templating import render
from storymap.tiles import BaseMap

COVER, PLACE, CREDITS = "cover", "place", "credits"
WORLD = ((-50.0, -150.0), (70.0, 150.0))


@dataclass(frozen=True)
class Step:
    number: int  # from 1, as people count them
    key: str | None  # None for the cover and the credits
    title: str
    lat: float | None
    lon: float | None
    zoom: int | None
    html: str
    bounds: tuple | None = None
    kind: str = PLACE
    stop: int | None = None  # a place's number in the tour (its marker's), from 1
    fit_zoom: int | None = None  # the closest a view fitting ``bounds`` may come (None: the map's own)

    def to_json(self) -> dict:
        data = {"key": self.key, "title": self.title, "html": self.html, "kind": self.kind, "stop": self.stop}
        if self.bounds:
            data["bounds"] = self.bounds
            if self.fit_zoom:
                data["maxZoom"] = self.fit_zoom
        else:
            data.update(lat=self.lat, lon=self.lon, zoom=self.zoom)
        return data


def tour_sequence(places: Sequence[ResolvedPlace]) -> list[ResolvedPlace]:
    """``places`` (in reading order) in tour order: those an editor numbered first, by their
    number (ties in reading order), then the others as the article reads. Hidden ones included."""
    def position(item: tuple[int, ResolvedPlace]) -> tuple:
        reading, rp = item
        return (0, rp.tour.order, reading) if rp.tour.order is not None else (1, reading, 0)

    return [rp for _, rp in sorted(enumerate(places), key=position)]


def ordered_places(story_map: StoryMap) -> list[ResolvedPlace]:
    """Places in tour order: an editor's order first, then the article's; hidden steps left out."""
    return [rp for rp in tour_sequence(story_map.places) if not rp.tour.hidden]


def moved(rows: list[dict], index: int, by: int) -> list[dict]:
    """The tour's table (rows with a ``step``) with row ``index`` moved ``by`` places (-1 up, +1
    down; nothing past either end), every row then numbered 1, 2, ... as it stands."""
    rows = list(rows)
    target = index + by
    if 0 <= index < len(rows) and 0 <= target < len(rows):
        rows.insert(target, rows.pop(index))
    return [{**row, "step": n} for n, row in enumerate(rows, 1)]


def stop_numbers(story_map: StoryMap) -> dict[str, int]:
    """Each visible place's number in the tour, from 1 (hidden places have none)."""
    return {rp.key: n for n, rp in enumerate(ordered_places(story_map), 1)}


def step_count(story_map: StoryMap) -> int:
    """How many steps the tour has: the cover, one a visible place, the credits (without building them)."""
    return len(ordered_places(story_map)) + 2


def tour_route(story_map: StoryMap) -> list[list[tuple[float, float]]]:
    """The line joining the tour's stops in order (routes.route): parts of (lat, lon) points."""
    return route([(rp.place.lat, rp.place.lon) for rp in ordered_places(story_map)])


def build_tour(story_map: StoryMap, media_url: Callable[[str], str] | None = None,
               tiles: BaseMap | None = None) -> list[Step]:
    """The cover, a step per visible place, the credits. ``tiles``: the map's tile layer, for its credit."""
    places = ordered_places(story_map)
    bounds = _bounds(places)
    steps = [_cover(story_map, places, bounds, media_url)]
    for stop, rp in enumerate(places, 1):
        (lat, lon), zoom = place_view(rp.place)
        zoom = rp.tour.zoom or zoom
        # a drawn shape, a country or an approximate area is seen whole, unless the editor fixed the zoom
        fitted, fit_zoom = (None if rp.tour.zoom else fitted_view(rp)) or (None, None)
        passages = story_map.passages(rp)
        first = passages[0] if passages else None
        html = render(
            "tour_step.html", name=rp.written_name, kind=KIND_LABELS[rp.place.kind], stop=stop, stops=len(places),
            approx=f"{rp.place.precision_km:g}" if rp.place.approximate else "",
            gazetteer_name=rp.place.name if rp.written_name != rp.place.name else "",
            passage=first.text if first is not None else None,
            figures=[fig for fig in story_map.figures if first is not None and first.start <= fig.start < first.end],
            note=rp.place.note, media=media_html(rp.media, media_url),
        )
        steps.append(Step(len(steps) + 1, rp.key, rp.written_name, lat, lon, zoom, str(html), fitted, stop=stop,
                          fit_zoom=fit_zoom))
    steps.append(_credits(story_map, len(steps) + 1, bounds, tiles))
    return steps


def _bounds(places: list[ResolvedPlace]) -> tuple:
    if not places:
        return WORLD
    lats = [p.place.lat for p in places]
    lons = [p.place.lon for p in places]
    return (min(lats), min(lons)), (max(lats), max(lons))


def _link(url: str) -> str:
    """An address readers may follow: http(s) only, never script."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def lead_image(places: Sequence[ResolvedPlace]) -> Media | None:
    """The story's lead image: the first image of the first stop that has one (the cover's, and a link
    preview's)."""
    return next((m for rp in places for m in rp.media if m.kind == IMAGE and m.url), None)


def _cover(story_map: StoryMap, places: list[ResolvedPlace], bounds: tuple,
           media_url: Callable[[str], str] | None) -> Step:
    """The story's title, dateline and date, byline and lead image: the first image of the first stop
    that has one, drawn as every medium is (its alt text, caption and credit)."""
    story = story_map.story
    lead = lead_image(places)
    date = f"{story.date.day} {story.date:%B %Y}" if story.date else ""
    html = render("tour_cover.html", title=story.title, dateline=" · ".join(x for x in (story.dateline, date) if x),
                  byline=story.source, media=media_html((lead,) if lead else (), media_url), count=len(places))
    return Step(1, None, story.title, None, None, None, str(html), bounds, kind=COVER)


def position_sources(story_map: StoryMap) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    """Where the drawn places' positions come from: the gazetteer's sources with how many places
    each gave, most first; and each curated place with the source of its coordinates."""
    counts = Counter(reader_source(rp.place.source, "Storymap's gazetteer")
                     for rp in story_map.places if not rp.place.curated)
    curated = [(rp.written_name, reader_source(rp.place.source, "Storymap's curated gazetteer"))
               for rp in story_map.places if rp.place.curated]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0])), curated


def _credits(story_map: StoryMap, number: int, bounds: tuple, tiles: BaseMap | None) -> Step:
    story = story_map.story
    positions, curated = position_sources(story_map)
    html = render("tour_credits.html", source=story.source, url=_link(story.url), positions=positions,
                  curated=curated, map_credits=map_credits(story_map, tiles))
    return Step(number, None, "Credits", None, None, None, str(html), bounds, kind=CREDITS)
