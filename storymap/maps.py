"""The story's map, built with folium.

The map's HTML (popups, icons, the legend) comes from templates (:mod:`storymap.templating`,
which escapes every value); its JavaScript is ``map.js``, called with JSON values
(:class:`MapCall`, through ``escaping.js_json``). Nothing a story holds is written into a
script or a page any other way.

Kinds of place are drawn differently (shape and colour, with a legend); an
approximate place is drawn as a dashed area the size of its uncertainty, never
as a precise pin.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Callable, Sequence

import folium
from branca.element import Element, MacroElement
from folium.template import Template
from markupsafe import Markup

from storymap.analysis import StoryMap
from storymap.assets import Assets
from storymap.basemap import country_bounds
from storymap.escaping import html_text, js_json
from storymap.geo import KM_PER_DEGREE
from storymap.media import AUDIO, IMAGE, INLINED, LINK, VIDEO, video_link
from storymap.places import (CITY, COUNTRY, KIND_LABELS, KINDS, LANDFORM, REGION, SITE, Media, Origin, Place,
                             ResolvedPlace, reader_source)
from storymap.shapes import AREA
from storymap.templating import TEMPLATES, render
from storymap.tiles import LABEL_ZOOM, MAP_MAX_ZOOM, BaseMap

# Places imported from GeoNames' dump files (storymap.imported) are CC BY 4.0: a map that shows one says so.
GEONAMES_ATTRIBUTION = 'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)'

# Colour-blind-safe palette (Okabe–Ito), one shape per kind. "ink" is the colour a kind takes in
# the text (an underline): at least 3:1 on white, which Okabe–Ito's orange (2:1) is not.
KIND_STYLE = {
    COUNTRY: {"color": "#7B3294", "ink": "#7B3294", "shape": "ring"},
    REGION: {"color": "#E69F00", "ink": "#8F6200", "shape": "square"},
    CITY: {"color": "#0072B2", "ink": "#0072B2", "shape": "circle"},
    SITE: {"color": "#D55E00", "ink": "#B84F00", "shape": "diamond"},
    LANDFORM: {"color": "#8C510A", "ink": "#8C510A", "shape": "triangle"},
}
# Zoom that suits a place of each kind when the reader goes to it.
KIND_ZOOM = {COUNTRY: 5, REGION: 8, CITY: 11, SITE: 12, LANDFORM: 6}
MAX_PASSAGES = 3
CLUSTER_THRESHOLD = 200
"""Above this many places the map draws one clustered layer, with popups built on demand."""
NEW_POSITION = "New position: save to keep it"
"""The label of a position typed or clicked on the editor's map and not saved yet (``sketch``)."""


@lru_cache(maxsize=None)
def shape_svg(kind: str, size: int = 18, hollow: bool = False) -> Markup:
    style = KIND_STYLE[kind]
    return render("shape.svg", size=size, shape=style["shape"], color=style["color"],
                  fill="none" if hollow else style["color"])


def tooltip_text(rp: ResolvedPlace) -> str:
    """Plain text shown on hover: the place as the story writes it, and its kind."""
    return f"{rp.written_name} · {KIND_LABELS[rp.place.kind]}"


def popup_html(story_map: StoryMap, rp: ResolvedPlace, media_url: Callable[[str], str] | None = None) -> Markup:
    place = rp.place
    passages = story_map.passages(rp)
    return render(
        "popup.html", key=rp.key, name=rp.written_name, kind=KIND_LABELS[place.kind],
        gazetteer_name=place.name if rp.written_name != place.name else "",
        approx=f"{place.precision_km:g}" if place.approximate else "",
        passages=[_marked(s.text, s.start, rp) for s in passages[:MAX_PASSAGES]],
        more=max(0, len(passages) - MAX_PASSAGES), note=place.note,
        media=media_html(rp.media, media_url), source=reader_source(place.source),
    )


def _marked(text: str, offset: int, rp: ResolvedPlace) -> list[tuple[str, bool]]:
    """A sentence as runs of (text, bold): this place's mentions in bold."""
    runs, pos = [], 0
    for m in sorted(rp.mentions, key=lambda m: m.start):
        a, b = m.start - offset, m.end - offset
        if 0 <= a and b <= len(text) and a >= pos:
            runs += [(text[pos:a], False), (text[a:b], True)]
            pos = b
    runs.append((text[pos:], False))
    return runs


def media_html(media: Sequence[Media], media_url: Callable[[str], str] | None) -> Markup:
    """A place's media in order, each with its caption, credit and alt text, escaped; nothing when
    there is none. A YouTube or Vimeo link reaches the page as its video's id, never as given."""
    if not media or media_url is None:
        return Markup("")
    items = []
    for m in media:
        item = {"kind": m.kind, "caption": m.caption, "credit": m.credit, "alt": m.alt, "src": None, "upload": "",
                "noun": {IMAGE: "image", VIDEO: "video", AUDIO: "recording"}.get(m.kind, "video")}
        if m.kind == LINK:
            try:
                link = video_link(m.url)
            except ValueError:
                continue  # stored before links were checked: nothing is better than a raw address in a frame
            item.update(provider=link.provider, player=link.player, page=link.page)
        else:
            try:
                src = media_url(m.url)
            except LookupError:  # an upload gone from the store: the place is shown, the file said missing
                src = None
            if src and src.startswith(INLINED):
                item.update(src="", upload=src[len(INLINED):])
            elif src:
                item["src"] = _loadable(src)
        items.append(item)
    return render("media.html", items=items)


def _loadable(src: str) -> str | None:
    """A media address a page may load: the web, the app's own files, an inlined upload."""
    return src if src.startswith(("https://", "http://", "/", "data:image/", "data:video/", "data:audio/")) else None


class MapCall(MacroElement):
    """A call of one of map.js's (or viewer.js's) functions on the map: ``function(map, *values)``.

    Each value goes into the script as JSON through ``escaping.js_json``, the only way anything
    reaches the map's script: branca renders a map's scripts a second time as Jinja templates,
    and js_json leaves no ``{{``, ``{%`` or ``{#`` in them, nor anything that closes the script.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.function }}({{ this._parent.get_name() }}{% for value in this.values %}, {{ value }}{% endfor %});"
        "{% endmacro %}"
    )
    _FUNCTION = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")

    def __init__(self, function: str, *values):
        super().__init__()
        if not self._FUNCTION.fullmatch(function):
            raise ValueError(f"Not a function's name: {function!r}")
        self._name = "StorymapScript"
        self.function = function
        self.values = [js_json(value) for value in values]


class ReadableMap(folium.Map):
    """folium's Map on a page that readers can zoom: folium's template but for its viewport
    (``templates/folium_map.html`` says why), the way folium's own elements are made."""

    _template = Template((TEMPLATES / "folium_map.html").read_text(encoding="utf-8"))
    folium_macros = folium.Map._template.module


class Inline(Element):
    """Markup put into the page as it is (a script, a style, meta elements): branca's Element
    would compile it as a template."""

    def __init__(self, markup: str):
        super().__init__()
        self._text = markup

    def render(self, **kwargs) -> str:
        return self._text


def _legend(kinds: list[str]) -> MapCall:
    content = render("legend.html", kinds=[(shape_svg(k, 14), KIND_LABELS[k]) for k in kinds])
    return MapCall("storymapMap.legend", str(content))


def _background(assets: Assets) -> MapCall:
    """Country outlines in a pane beneath the tiles: visible wherever tiles do not load."""
    return MapCall("storymapMap.background", assets.background, assets.background_url or "")


def map_credits(story_map: StoryMap, tiles: BaseMap | None) -> list[tuple[str, str]]:
    """What the map is made of, as (text, address) for the tour's credits: the same sources its
    attribution names (the tiles' provider, GeoNames' imported places), with Leaflet and the
    offline outlines."""
    credits = [("Leaflet, the map's library (BSD licence)", "https://leafletjs.com/"),
               ("Country outlines: Natural Earth (public domain)", "https://www.naturalearthdata.com/")]
    if tiles:
        credits.append((f"Map tiles: {tiles.credit}", tiles.credit_url))
    if any(rp.place.origin is Origin.GEONAMES_DUMP for rp in story_map.places):
        credits.append(("Places: GeoNames (CC BY 4.0)", "https://www.geonames.org/"))
    return credits


VIEW_KM_AT_ZOOM_0 = 62_600
"""What a view 400 pixels wide spans at zoom 0 near the equator (Web Mercator: 156.5 km a pixel);
each zoom level halves it."""


def place_view(place: Place) -> tuple[tuple[float, float], int]:
    """Centre and zoom that suit a place: its kind's, or, for an approximate place, one that shows
    its area whole (a river guessed within 40 km is not shown at a mountain range's zoom, nor the
    Sahara, 5,000 km across, at a range's)."""
    zoom = KIND_ZOOM[place.kind]
    if place.precision_km >= 100:
        zoom = min(zoom, 6, max(1, math.floor(math.log2(VIEW_KM_AT_ZOOM_0 / (2 * place.precision_km)))))
    elif place.precision_km >= 20:
        zoom = 8
    elif place.precision_km > 0:
        zoom = max(zoom, 10)
    return (place.lat, place.lon), zoom


AREA_FIT_KM = 20
"""From this radius up an approximate place is an area, and a view of it fits the area whole."""
COUNTRY_FIT_ZOOM = 8
"""The closest a view fitting a country comes (Lebanon, Singapore); a large one is seen whole."""
SHAPE_FIT_ZOOM = 16
"""The closest a view fitting a shape an editor drew comes (a building's outline)."""


def fitted_view(rp: ResolvedPlace) -> tuple[tuple[tuple[float, float], tuple[float, float]], int] | None:
    """Bounds every view of the place (the reader's, a deep link's, a tour step's) fits whole, in
    whatever window it is shown, and the closest zoom it may come: a shape an editor drew, a
    country's main landmasses (a phone at zoom 5 showed only the middle of the States, no border in
    sight), an approximate place's drawn area. None for a point, shown at ``place_view``."""
    if rp.drawn:
        return rp.drawn.bounds(), SHAPE_FIT_ZOOM
    bounds = country_bounds().get(rp.place.id) or area_bounds(rp.place)
    if not bounds:
        return None
    return bounds, COUNTRY_FIT_ZOOM if rp.place.kind == COUNTRY else place_view(rp.place)[1]


def area_bounds(place: Place) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """South-west and north-east corners around an approximate place's drawn area, so a view fits
    it in whatever window it is shown (a river's 160 km on a phone as on a desk); None for a
    place that is a point or nearly one."""
    if place.precision_km < AREA_FIT_KM:
        return None
    reach_lat = place.precision_km / KM_PER_DEGREE
    reach_lon = reach_lat / max(math.cos(math.radians(place.lat)), 0.05)
    return ((max(place.lat - reach_lat, -85.0), max(place.lon - reach_lon, -180.0)),
            (min(place.lat + reach_lat, 85.0), min(place.lon + reach_lon, 180.0)))


def build_map(story_map: StoryMap, assets: Assets, tiles: BaseMap | None = None, height: int | str = 560,
              focus: Place | None = None, media_url: Callable[[str], str] | None = None,
              fit: bool = True, popups: bool = True) -> folium.Map:
    """The story's map: every place, a legend, the offline background and optional tiles (with
    the places' names as labels from a region's zoom wherever the tiles are missing or fail).

    The view opens on ``focus`` when given, else on all places; with ``fit=False`` it
    leaves the opening view to a script of its own (the story viewer), so that no
    fit_bounds runs after it. ``popups=False`` leaves out the places' popups, for a page
    that shows a chosen place beside the map (the story viewer's panel).
    """
    center, zoom = place_view(focus) if focus is not None else ((20.0, 0.0), 2)
    m = ReadableMap(tiles=None, zoom_start=zoom, location=center, height=height, control_scale=True,
                    world_copy_jump=True)
    m.options["maxZoom"] = MAP_MAX_ZOOM  # tiles usually set it; offline there may be none, and clustering needs it
    m.default_js = list(assets.js)
    m.default_css = list(assets.css)
    header = m.get_root().header
    for index, code in enumerate(assets.inline_js):
        header.add_child(Inline(f"<script>{code}</script>"), name=f"inline_js_{index}")
    for index, code in enumerate(assets.inline_css):
        header.add_child(Inline(f"<style>{code}</style>"), name=f"inline_css_{index}")
    if assets.images_url:
        m.add_child(MapCall("storymapMap.defaultIcon", assets.images_url, None))
    elif assets.icon_data:
        m.add_child(MapCall("storymapMap.defaultIcon", "", assets.icon_data))
    m.add_child(_background(assets))
    if tiles:  # beyond the provider's last zoom its tiles are enlarged, not missing
        folium.TileLayer(tiles.url, attr=tiles.attribution, name=tiles.label, max_zoom=MAP_MAX_ZOOM,
                         max_native_zoom=tiles.max_native_zoom, subdomains=tiles.subdomains).add_to(m)
    if any(rp.place.origin is Origin.GEONAMES_DUMP for rp in story_map.places):
        m.add_child(MapCall("storymapMap.attribution", GEONAMES_ATTRIBUTION))
    if len(story_map.places) > CLUSTER_THRESHOLD:
        m.add_child(_clustered(story_map, popups))
    else:
        m.add_child(_places(story_map, media_url, popups))
        named = sorted(story_map.places, key=lambda rp: -len(rp.mentions))  # where two would overlap, the
        m.add_child(MapCall("storymapMap.labels", [[rp.written_name, rp.place.lat, rp.place.lon]  # more named wins
                                                   for rp in named], LABEL_ZOOM))
    if any(rp.shape for rp in story_map.places):
        m.add_child(_shapes(story_map, media_url, popups))
    kinds = [k for k in KINDS if any(p.place.kind == k for p in story_map.places)]
    if kinds:
        m.add_child(_legend(kinds))
    if fit and focus is None and story_map.places:
        lats = [p.place.lat for p in story_map.places]
        lons = [p.place.lon for p in story_map.places]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


def _clustered(story_map: StoryMap, popups: bool = True) -> MapCall:
    """Every place in one marker-cluster layer (map.js), each place as a few plain values."""
    sentences = {s.start: i for i, s in enumerate(story_map.sentences)}
    passages_of = {}
    for rp in story_map.places:
        passages_of[rp.key] = [sentences[s.start] for s in story_map.passages(rp)][:MAX_PASSAGES]
    rows = [[rp.key, rp.written_name, rp.place.kind, round(rp.place.lat, 5), round(rp.place.lon, 5),
             rp.place.precision_km, passages_of[rp.key], rp.place.source] for rp in story_map.places]
    icons = {k: str(render("icon.html", key=None, kind=k, shape=shape_svg(k, 18))) for k in KINDS}
    return MapCall("storymapMap.clustered", rows, [s.text for s in story_map.sentences], icons, KIND_LABELS,
                   popups)


def _places(story_map: StoryMap, media_url, popups: bool = True) -> MapCall:
    """Every place of a short story in one call (map.js): a marker, or a dashed area when
    approximate, with its tooltip and popup.

    One element instead of five folium elements per place: folium compiles every
    element it renders into a template, which was most of the server's work per reader.
    Tooltips and popups are HTML made here from templates; places travel as JSON.
    """
    rows = []
    for rp in sorted(story_map.places, key=lambda p: -p.place.precision_km):
        place = rp.place
        size = 22 if place.kind == COUNTRY else 18
        rows.append({
            "key": rp.key, "lat": place.lat, "lon": place.lon, "color": KIND_STYLE[place.kind]["color"],
            "area": place.precision_km * 1000 if place.approximate and not rp.shape else 0,  # a shape says it
            "icon": str(render("icon.html", key=rp.key, shape=shape_svg(place.kind, size))), "size": size,
            "z": {SITE: 400, CITY: 300, LANDFORM: 200, REGION: 100, COUNTRY: 0}[place.kind],
            "tooltip": html_text(tooltip_text(rp)),
            "popup": str(popup_html(story_map, rp, media_url)) if popups else "",
        })
    return MapCall("storymapMap.places", rows)


def _shapes(story_map: StoryMap, media_url, popups: bool = True) -> MapCall:
    """The lines and areas editors drew (map.js), in their place's colour, each with the place's
    tooltip and popup; the place's marker stays at its point."""
    rows = []
    for rp in story_map.places:
        if shape := rp.drawn:
            rows.append({"key": rp.key, "area": shape.kind == AREA, "points": [list(p) for p in shape.points],
                         "color": KIND_STYLE[rp.place.kind]["color"], "tooltip": html_text(tooltip_text(rp)),
                         "popup": str(popup_html(story_map, rp, media_url)) if popups else ""})
    return MapCall("storymapMap.shapes", rows)


def sketch(kind: str, points: list[tuple[float, float]],
           moved_to: tuple[float, float] | None = None) -> folium.FeatureGroup:
    """What an editor is drawing: the points so far and the line or area through them, and the
    position typed or clicked but not saved yet (``moved_to``), as a layer the editor's map adds
    without being drawn again (so it keeps the view the editor chose)."""
    group = folium.FeatureGroup(name="sketch")
    if moved_to:
        folium.CircleMarker(list(moved_to), radius=9, color="#c0392b", weight=3, fill=True, fill_color="#fff",
                            fill_opacity=0.9, className="sm-moved-to",
                            tooltip=folium.Tooltip(NEW_POSITION, permanent=True, direction="auto")).add_to(group)
    if len(points) >= 2:
        kwargs = {"locations": [list(p) for p in points], "color": "#111", "weight": 3, "dash_array": "6 4"}
        (folium.Polygon(fill=True, fill_opacity=0.2, **kwargs) if kind == AREA and len(points) >= 3
         else folium.PolyLine(**kwargs)).add_to(group)
    for lat, lon in points:
        folium.CircleMarker([lat, lon], radius=4, color="#111", fill=True, fill_opacity=1, weight=1).add_to(group)
    return group
