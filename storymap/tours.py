"""The guided tour: the story told place by place.

The order follows the article (the first mention of each place) unless an
editor set one; an editor can also hide a step or fix its zoom. Step 0 is the
overview of every place. Each step carries the passage that introduces its
place, the figures of that passage and the place's image, as escaped HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from storymap.analysis import StoryMap
from storymap.gazetteer import KIND_LABELS
from storymap.geoparsing import ResolvedPlace
from storymap.maps import escape, media_html, place_view


@dataclass(frozen=True)
class Step:
    index: int
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
        record = story_map.records.get(rp.key)
        order = record.tour_order if record is not None and record.tour_order is not None else None
        return (0, order, reading) if order is not None else (1, reading, 0)

    visible = [(i, rp) for i, rp in enumerate(story_map.places)
               if not (story_map.records.get(rp.key) and story_map.records[rp.key].tour_hidden)]
    return [rp for _, rp in sorted(visible, key=position)]


def build_tour(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> list[Step]:
    places = ordered_places(story_map)
    steps = [_overview(story_map, places)]
    for rp in places:
        record = story_map.records.get(rp.key)
        (lat, lon), zoom = place_view(rp.place)
        if record is not None and record.tour_zoom:
            zoom = record.tour_zoom
        passages = story_map.passages(rp)
        first = passages[0] if passages else None
        parts = [f"<h3>{escape(rp.place.name)}</h3>",
                 f'<div class="sm-kind">{escape(KIND_LABELS[rp.place.kind])}'
                 + (f" · within {rp.place.precision_km:g} km" if rp.place.approximate else "") + "</div>"]
        if first is not None:
            parts.append(f"<blockquote>{escape(first.text)}</blockquote>")
            for fig in story_map.figures:
                if first.start <= fig.start < first.end:
                    parts.append(f'<div class="sm-figure"><b>{escape(fig.display)}</b> {escape(fig.meaning)}</div>')
        if rp.place.note:
            parts.append(f'<div class="sm-note">{escape(rp.place.note)}</div>')
        parts.append(media_html(record, media_url))
        steps.append(Step(len(steps), rp.key, rp.place.name, lat, lon, zoom, "".join(parts)))
    return steps


def _overview(story_map: StoryMap, places: list[ResolvedPlace]) -> Step:
    story = story_map.story
    if places:
        lats = [p.place.lat for p in places]
        lons = [p.place.lon for p in places]
        bounds = ((min(lats), min(lons)), (max(lats), max(lons)))
    else:
        bounds = ((-50.0, -150.0), (70.0, 150.0))
    byline = " · ".join(x for x in (story.dateline, story.date.isoformat() if story.date else "") if x)
    html = (f"<h3>{escape(story.title)}</h3>" + (f'<div class="sm-kind">{escape(byline)}</div>' if byline else "")
            + f"<div>{len(places)} places. Use → and ← to step through them.</div>")
    return Step(0, None, story.title, None, None, None, html, bounds)


def steps_json(steps: list[Step]) -> str:
    return json.dumps([s.to_json() for s in steps])
