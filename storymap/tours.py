"""The guided tour: the story told place by place.

The order follows the article (the first mention of each place) unless an
editor set one; an editor can also hide a step or fix its zoom. The first step
is the overview of every place. Each step carries the passage that introduces
its place, the figures of that passage and the place's image, as HTML from the
templates ``tour_step.html`` and ``tour_overview.html``.
Steps are numbered from 1 wherever people see them (the counter, ``?step=``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from storymap.analysis import StoryMap
from storymap.places import KIND_LABELS, ResolvedPlace
from storymap.maps import media_html, place_view
from storymap.templating import render


@dataclass(frozen=True)
class Step:
    number: int  # from 1, as people count them
    key: str | None  # None for the overview
    title: str
    lat: float | None
    lon: float | None
    zoom: int | None
    html: str
    bounds: tuple | None = None

    def to_json(self) -> dict:
        data = {"key": self.key, "title": self.title, "html": self.html}
        if self.bounds:
            data["bounds"] = self.bounds
        else:
            data.update(lat=self.lat, lon=self.lon, zoom=self.zoom)
        return data


def ordered_places(story_map: StoryMap) -> list[ResolvedPlace]:
    """Places in tour order: an editor's order first, then the article's; hidden steps left out."""
    def position(item: tuple[int, ResolvedPlace]) -> tuple:
        reading, rp = item
        return (0, rp.tour.order, reading) if rp.tour.order is not None else (1, reading, 0)

    visible = [(i, rp) for i, rp in enumerate(story_map.places) if not rp.tour.hidden]
    return [rp for _, rp in sorted(visible, key=position)]


def step_count(story_map: StoryMap) -> int:
    """How many steps the tour has: the overview, then one a visible place (without building them)."""
    return len(ordered_places(story_map)) + 1


def build_tour(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> list[Step]:
    places = ordered_places(story_map)
    steps = [_overview(story_map, places)]
    for rp in places:
        (lat, lon), zoom = place_view(rp.place)
        zoom = rp.tour.zoom or zoom
        passages = story_map.passages(rp)
        first = passages[0] if passages else None
        html = render(
            "tour_step.html", name=rp.written_name, kind=KIND_LABELS[rp.place.kind],
            approx=f"{rp.place.precision_km:g}" if rp.place.approximate else "",
            gazetteer_name=rp.place.name if rp.written_name != rp.place.name else "",
            passage=first.text if first is not None else None,
            figures=[fig for fig in story_map.figures if first is not None and first.start <= fig.start < first.end],
            note=rp.place.note, media=media_html(rp.media, media_url),
        )
        steps.append(Step(len(steps) + 1, rp.key, rp.written_name, lat, lon, zoom, str(html)))
    return steps


def _overview(story_map: StoryMap, places: list[ResolvedPlace]) -> Step:
    story = story_map.story
    if places:
        lats = [p.place.lat for p in places]
        lons = [p.place.lon for p in places]
        bounds = ((min(lats), min(lons)), (max(lats), max(lons)))
    else:
        bounds = ((-50.0, -150.0), (70.0, 150.0))
    html = str(render("tour_overview.html", title=story.title, byline=story.byline, count=len(places)))
    return Step(1, None, "Overview", None, None, None, html, bounds)
