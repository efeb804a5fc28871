"""The story viewer: one page that readers read, presenters step through, hosts embed and
newsrooms export.

The page is the story's folium map plus ``viewer.js``, fed with the story as JSON: the text
with its place names, the figures, each place's passages, the tour's steps, and the views
to open on. Every interaction then happens in the browser, so a click on a name or a
marker answers within a frame, and the same page works inside the app, inside another
site's iframe and as a file opened from disk.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from storymap.analysis import StoryMap
from storymap.assets import Assets
from storymap.figures import bars_html, comparison
from storymap.places import COUNTRY, KIND_LABELS, ResolvedPlace, reader_source
from storymap.highlight import text_html
from storymap.escaping import html_text
from storymap.maps import Inline, MapCall, build_map, fitted_view, media_html, place_view
from storymap.templating import render
from storymap.tiles import BaseMap
from storymap.tours import build_tour, tour_route

READ, TOUR = "read", "tour"
MODES = (READ, TOUR)
FOCUS_MAX_ZOOM = 9
"""The opening view never zooms closer than a district: the story's area, not one of its towns."""
FOCUS_SHARE = 1 / 3
"""The share of a story's names of places in countries that one country must hold for the story to
open on it: the sample story names Pakistan's places 13 times in 28; a world roundup whose most
named country holds 3 of 13 opens on all its places instead."""
AREA_MARGIN_KM = 50
"""How much of an approximate place's area the opening view makes room for."""


def _bounds(points: list[tuple[float, float, float]]) -> list[list[float]]:
    """South-west and north-east corners around (lat, lon, radius_km) points."""
    south = min(lat - r / 111 for lat, _, r in points)
    north = max(lat + r / 111 for lat, _, r in points)
    west = min(lon - r / 111 for _, lon, r in points)
    east = max(lon + r / 111 for _, lon, r in points)
    return [[max(south, -85.0), west], [min(north, 85.0), east]]


def focus_places(story_map: StoryMap) -> list[ResolvedPlace]:
    """The places where the story happens: those in the country it names most often.

    Each place counts as often as the story names it, in the country it lies in; the
    country itself is left out of the view when the story names places inside it (its
    centre says nothing about where the story is). A story of countries alone is all of
    them, and so is a story spread over many (``FOCUS_SHARE``).
    """
    votes: Counter[str] = Counter()
    for rp in story_map.places:
        if rp.place.country:
            votes[rp.place.country] += len(rp.mentions) or 1
    if not votes:
        return list(story_map.places)
    country, count = votes.most_common(1)[0]
    if count < FOCUS_SHARE * sum(votes.values()):
        return list(story_map.places)
    inside = [rp for rp in story_map.places if rp.place.country == country]
    return [rp for rp in inside if rp.place.kind != COUNTRY] or inside


def opening_views(story_map: StoryMap) -> tuple[dict, dict]:
    """The story's area (where the reader starts) and all its places (a click away)."""
    def view(places: list[ResolvedPlace], max_zoom: int) -> dict:
        if not places:
            return {"center": [20.0, 0.0], "zoom": 2}
        if len(places) == 1:
            (lat, lon), zoom = place_view(places[0].place)
            return {"center": [lat, lon], "zoom": min(zoom, max_zoom)}
        points = [(rp.place.lat, rp.place.lon, min(rp.place.precision_km, AREA_MARGIN_KM)) for rp in places]
        points += [(lat, lon, 0.0) for rp in places if rp.drawn for lat, lon in rp.drawn.points]
        return {"bounds": _bounds(points), "maxZoom": max_zoom}

    return view(focus_places(story_map), FOCUS_MAX_ZOOM), view(list(story_map.places), FOCUS_MAX_ZOOM)


def place_data(story_map: StoryMap, rp: ResolvedPlace, index: dict[int, int],
               media_url: Callable[[str], str] | None) -> dict:
    """What the viewer shows of a place: plain text (set with textContent) and escaped media HTML."""
    place = rp.place
    (lat, lon), zoom = place_view(place)
    fitted = fitted_view(rp)
    passages = story_map.passages(rp)
    return {
        "key": rp.key, "name": rp.written_name,
        "gazetteerName": place.name if place.name != rp.written_name else "",
        "kindLabel": KIND_LABELS[place.kind], "lat": lat, "lon": lon, "zoom": zoom,
        "approx": f"{place.precision_km:g}" if place.approximate else "",
        "sentences": [index[s.start] for s in passages], "passages": [s.text for s in passages],
        "note": place.note, "source": reader_source(place.source),
        "media": str(media_html(rp.media, media_url)),
        # A drawn shape, a country or an approximate area is seen whole (maps.fitted_view).
        "bounds": fitted[0] if fitted else None, "maxZoom": fitted[1] if fitted else zoom,
    }


def figures_html(story_map: StoryMap) -> str:
    """The figures as cards, each with the place its text ties it to, and the chart of those that compare."""
    if not story_map.figures:
        return ""
    bars = comparison(story_map.figures)
    return str(render("figure_cards.html", cards=[(fig, story_map.place(fig.place_key)) for fig in story_map.figures],
                      unit=bars[0].unit if bars else None, chart=bars_html(bars) if bars else ""))


def viewer_data(story_map: StoryMap, mode: str = READ, place: str | None = None, step: int = 1,
                media_url: Callable[[str], str] | None = None, switchable: bool = False,
                tiles: BaseMap | None = None) -> dict:
    """Everything the viewer needs, as JSON-ready values.

    ``switchable``: the page carries both the text and the tour, with a button between
    them (an exported file); the app's pages each carry one. ``tiles``: the map's tile
    layer, which the tour's credits name. The tour's line (``route``) is drawn whenever the
    tour has two stops or more.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown viewer mode {mode!r}; choose from {', '.join(MODES)}.")
    story = story_map.story
    index = {s.start: i for i, s in enumerate(story_map.sentences)}
    focus, every = opening_views(story_map)
    data = {
        "mode": mode, "title": story.title, "byline": story.byline,
        "url": story.url if story.url.lower().startswith(("https://", "http://")) else "",  # a link, never script
        "places": [place_data(story_map, rp, index, media_url) for rp in story_map.places],
        "focus": focus, "all": every, "place": place if story_map.place(place) else None,
        "step": step,
    }
    if mode == READ or switchable:
        data.update(text=str(text_html(story_map)), figures=figures_html(story_map))
    if mode == TOUR or switchable:
        data["steps"] = [s.to_json() for s in build_tour(story_map, media_url, tiles)]
        data["route"] = tour_route(story_map) if story.tour_line else []
    return data


def viewer_page(story_map: StoryMap, assets: Assets, mode: str = READ, place: str | None = None, step: int = 1,
                tiles: BaseMap | None = None, media_url: Callable[[str], str] | None = None,
                switchable: bool = False, meta: str = "", uploads: dict[str, str] | None = None) -> str:
    """The viewer as one HTML document (Leaflet and its plugins as ``assets`` give them), with
    ``meta`` (escaped markup: sharing.share_meta) first in its head, where link previewers look.
    ``uploads``: the data: URIs of the uploads that ``media_url`` named (``media.INLINED``), filled as it
    names them."""
    data = viewer_data(story_map, mode, place, step, media_url, switchable, tiles)
    if uploads:
        data["uploads"] = dict(uploads)  # after the places and steps were drawn: every one named is here
    fmap = build_map(story_map, assets, tiles=tiles, height="100%", media_url=media_url, fit=False, popups=False)
    fmap.add_child(MapCall("storymapViewer", data))
    figure = fmap.get_root()
    figure.title = html_text(story_map.story.title)  # branca puts it in <title> as it is
    if meta:
        figure.header.add_child(Inline(meta), name="share_meta", index=1)  # after the charset
    return figure.render()
