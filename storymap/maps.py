"""The story's map, built with folium.

Every text that reaches the browser goes through :mod:`storymap.escaping`: names,
passages and sources become HTML entities before they are put in a popup or
tooltip, and values go into scripts as JSON (``js_json``), never as literals.

Kinds of place are drawn differently (shape and colour, with a legend); an
approximate place is drawn as a dashed area the size of its uncertainty, never
as a precise pin.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Callable

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from storymap.analysis import StoryMap
from storymap.assets import Assets
from storymap.escaping import html_text, js_json
from storymap.gazetteer import CITY, COUNTRY, KIND_LABELS, KINDS, LANDFORM, REGION, SITE, Place
from storymap.geoparsing import ResolvedPlace

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

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


def shape_svg(kind: str, size: int = 18, hollow: bool = False) -> str:
    style = KIND_STYLE[kind]
    color, shape = style["color"], style["shape"]
    fill = "none" if hollow else color
    h = size / 2
    if shape == "ring":
        body = f'<circle cx="{h}" cy="{h}" r="{h - 2}" fill="{color}" fill-opacity=".25" stroke="{color}" stroke-width="3"/>'
    elif shape == "square":
        body = f'<rect x="2" y="2" width="{size - 4}" height="{size - 4}" rx="2" fill="{fill}" stroke="white" stroke-width="2"/>'
    elif shape == "circle":
        body = f'<circle cx="{h}" cy="{h}" r="{h - 3}" fill="{fill}" stroke="white" stroke-width="2"/>'
    elif shape == "diamond":
        body = f'<path d="M{h} 1 L{size - 1} {h} L{h} {size - 1} L1 {h} Z" fill="{fill}" stroke="white" stroke-width="2"/>'
    else:
        body = f'<path d="M{h} 1 L{size - 1} {size - 2} L1 {size - 2} Z" fill="{fill}" stroke="white" stroke-width="2"/>'
    return f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}">{body}</svg>'


def tooltip_text(rp: ResolvedPlace) -> str:
    """Plain text shown on hover: the place as the story writes it, and its kind."""
    return f"{rp.written_name} · {KIND_LABELS[rp.place.kind]}"


def popup_html(story_map: StoryMap, rp: ResolvedPlace, media_url: Callable[[str], str] | None = None) -> str:
    place = rp.place
    parts = [f'<div class="sm-popup" data-place="{html_text(rp.key)}">',
             f"<h4>{html_text(rp.written_name)}</h4>",
             f'<div class="sm-kind">{html_text(KIND_LABELS[place.kind])}</div>']
    if rp.written_name != place.name:
        parts.append(f'<div class="sm-kind">{html_text(place.name)} in the gazetteer</div>')
    if place.approximate:
        parts.append(f'<div class="sm-approx">Approximate location: within {place.precision_km:g} km</div>')
    passages = story_map.passages(rp)
    for sentence in passages[:MAX_PASSAGES]:
        parts.append(f"<blockquote>{_marked(sentence.text, sentence.start, rp)}</blockquote>")
    if len(passages) > MAX_PASSAGES:
        parts.append(f"<div>…and {len(passages) - MAX_PASSAGES} more passages.</div>")
    if place.note:
        parts.append(f'<div class="sm-note">{html_text(place.note)}</div>')
    parts.append(media_html(story_map.records.get(rp.key), media_url))
    parts.append(f'<div class="sm-source">Location: {html_text(place.source or "gazetteer")}</div></div>')
    return "".join(parts)


def _marked(text: str, offset: int, rp: ResolvedPlace) -> str:
    out, pos = [], 0
    for m in sorted(rp.mentions, key=lambda m: m.start):
        a, b = m.start - offset, m.end - offset
        if 0 <= a and b <= len(text) and a >= pos:
            out += [html_text(text[pos:a]), "<b>", html_text(text[a:b]), "</b>"]
            pos = b
    out.append(html_text(text[pos:]))
    return "".join(out)


def media_html(record, media_url: Callable[[str], str] | None) -> str:
    """An editor's image with its caption and credit, escaped; nothing when there is none."""
    if record is None or not record.media_url or media_url is None:
        return ""
    credit = f" <small>{html_text(record.media_credit)}</small>" if record.media_credit else ""
    caption = f"<figcaption>{html_text(record.media_caption)}{credit}</figcaption>"
    try:
        src = media_url(record.media_url)
    except LookupError:  # a stored image gone from the store: the place is shown, the image said missing
        return f'<figure class="sm-missing"><p>(This image is missing.)</p>{caption}</figure>'
    return f'<figure><img src="{html_text(src)}" alt="{html_text(record.media_caption)}">{caption}</figure>'



@lru_cache(maxsize=64)
def _compiled(template: str) -> Template:
    """A MapScript's template, compiled once per process rather than once per map."""
    return Template("{% macro script(this, kwargs) %}" + template + "{% endmacro %}")


class MapScript(MacroElement):
    """A piece of map script whose only inputs are JSON values we produce."""

    def __init__(self, template: str, **values):
        super().__init__()
        self._name = "StorymapScript"
        self._template = _compiled(template)
        for key, value in values.items():
            setattr(self, key, value)


def _legend(kinds: list[str]) -> MapScript:
    rows = [f'<div>{shape_svg(k, 14)}{html_text(KIND_LABELS[k])}</div>' for k in kinds]
    rows.append('<div><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#999" fill-opacity=".2" '
                'stroke="#666" stroke-dasharray="3 2"/></svg>Approximate location (area of uncertainty)</div>')
    content = "<summary>Places</summary>" + "".join(rows)
    return MapScript(
        """
        (function (map) {
            // A <details>, folded: one tap opens it (the story viewer opens it on a large map).
            var legend = L.control({position: 'bottomleft'});
            legend.onAdd = function () {
                var box = L.DomUtil.create('details', 'sm-legend');
                box.innerHTML = {{ this.content }};
                L.DomEvent.disableClickPropagation(box);
                return box;
            };
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        """,
        content=js_json(content),
    )


def _background(assets: Assets) -> MapScript:
    """Country outlines in a pane beneath the tiles: visible wherever tiles do not load."""
    inline = js_json(assets.background) if assets.background is not None else "null"
    return MapScript(
        """
        (function (map) {
            var pane = map.createPane('storymap-background');
            pane.style.zIndex = 150;
            var style = {color: '#8a8a8a', weight: 0.7, fillColor: '#f4f1ea', fillOpacity: 1};
            function draw(data) {
                // Canvas, not SVG: hundreds of outlines draw several times faster.
                var renderer = L.canvas({pane: 'storymap-background'});
                L.geoJSON(data, {pane: 'storymap-background', style: style, interactive: false,
                                 renderer: renderer}).addTo(map);
            }
            var inline = {{ this.inline }};
            if (inline) { draw(inline); }
            else { fetch({{ this.url }}).then(function (r) { return r.json(); }).then(draw); }
        })({{ this._parent.get_name() }});
        """,
        inline=inline, url=js_json(assets.background_url or ""),
    )


def tiles_setting() -> str | None:
    """Online tiles by default; ``STORYMAP_TILES=none`` for none, or a URL template."""
    value = os.environ.get("STORYMAP_TILES", "osm").strip()
    if value.lower() in ("", "none", "off"):
        return None
    return OSM_TILES if value.lower() == "osm" else value


def place_view(place: Place) -> tuple[tuple[float, float], int]:
    """Centre and zoom that suit a place."""
    zoom = KIND_ZOOM[place.kind]
    if place.precision_km >= 100:
        zoom = min(zoom, 6)
    elif place.precision_km >= 20:
        zoom = min(zoom, 8)
    return (place.lat, place.lon), zoom


def build_map(story_map: StoryMap, assets: Assets, tiles: str | None = None, height: int | str = 560,
              focus: Place | None = None, media_url: Callable[[str], str] | None = None,
              fit: bool = True, popups: bool = True) -> folium.Map:
    """The story's map: every place, a legend, the offline background and optional tiles.

    The view opens on ``focus`` when given, else on all places; with ``fit=False`` it
    leaves the opening view to a script of its own (the story viewer), so that no
    fit_bounds runs after it. ``popups=False`` leaves out the places' popups, for a page
    that shows a chosen place beside the map (the story viewer's panel).
    """
    center, zoom = place_view(focus) if focus is not None else ((20.0, 0.0), 2)
    m = folium.Map(tiles=None, zoom_start=zoom, location=center, height=height, control_scale=True,
                   world_copy_jump=True)
    m.options["maxZoom"] = 18  # tiles usually set it; offline there may be none, and clustering needs it
    m.default_js = list(assets.js)
    m.default_css = list(assets.css)
    for index, code in enumerate(assets.inline_js):
        m.get_root().header.add_child(Element(f"<script>{code}</script>"), name=f"inline_js_{index}")
    for index, code in enumerate(assets.inline_css):
        m.get_root().header.add_child(Element(f"<style>{code}</style>"), name=f"inline_css_{index}")
    # Folium creates each marker with Leaflet's default icon before giving it ours.
    if assets.images_url:
        m.add_child(MapScript("L.Icon.Default.imagePath = {{ this.url }};", url=js_json(assets.images_url)))
    elif assets.icon_data:
        m.add_child(MapScript("L.Icon.Default.imagePath = ''; L.Util.extend(L.Icon.Default.prototype.options, "
                            "{{ this.icons }});", icons=js_json(assets.icon_data)))
    m.add_child(_background(assets))
    if tiles:
        folium.TileLayer(tiles, attr=OSM_ATTRIBUTION if tiles == OSM_TILES else "Map tiles",
                         name="Map tiles", max_zoom=19).add_to(m)
    if len(story_map.places) > CLUSTER_THRESHOLD:
        m.add_child(_clustered(story_map, popups))
    else:
        m.add_child(_places(story_map, media_url, popups))
    kinds = [k for k in KINDS if any(p.place.kind == k for p in story_map.places)]
    if kinds:
        m.add_child(_legend(kinds))
    if fit and focus is None and story_map.places:
        lats = [p.place.lat for p in story_map.places]
        lons = [p.place.lon for p in story_map.places]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


def _clustered(story_map: StoryMap, popups: bool = True) -> MapScript:
    """Every place in one marker-cluster layer: clusters keep 10,000 places legible and fast.

    Each place travels as a few plain values; its popup is built when it is opened,
    from text nodes (so nothing in it is ever parsed as HTML).
    """
    sentences = {s.start: i for i, s in enumerate(story_map.sentences)}
    passages_of = {}
    for rp in story_map.places:
        passages_of[rp.key] = [sentences[s.start] for s in story_map.passages(rp)][:MAX_PASSAGES]
    rows = [[rp.key, rp.written_name, rp.place.kind, round(rp.place.lat, 5), round(rp.place.lon, 5),
             rp.place.precision_km, passages_of[rp.key], rp.place.source] for rp in story_map.places]
    icons = {k: f'<div class="sm-kind-{k}">{shape_svg(k, 18)}</div>' for k in KINDS}
    return MapScript(
        """
        (function (map) {
            var rows = {{ this.rows }}, sentences = {{ this.sentences }}, icons = {{ this.icons }};
            var labels = {{ this.labels }};
            var made = {};
            map.storymapLayers = {};
            function icon(kind, approx) {
                var key = kind + (approx ? '~' : '');
                if (!made[key]) {
                    made[key] = L.divIcon({html: icons[kind], className: 'sm-icon' + (approx ? ' sm-approx-icon' : ''),
                                           iconSize: [18, 18], iconAnchor: [9, 9]});
                }
                return made[key];
            }
            function popup(row) {
                return function () {
                    var div = document.createElement('div');
                    div.className = 'sm-popup';
                    var h = document.createElement('h4'); h.textContent = row[1]; div.appendChild(h);
                    var k = document.createElement('div'); k.className = 'sm-kind'; k.textContent = labels[row[2]];
                    div.appendChild(k);
                    if (row[5] > 0) {
                        var a = document.createElement('div'); a.className = 'sm-approx';
                        a.textContent = 'Approximate location: within ' + row[5] + ' km'; div.appendChild(a);
                    }
                    row[6].forEach(function (i) {
                        var q = document.createElement('blockquote'); q.textContent = sentences[i]; div.appendChild(q);
                    });
                    var s = document.createElement('div'); s.className = 'sm-source';
                    s.textContent = 'Location: ' + row[7]; div.appendChild(s);
                    return div;
                };
            }
            var group = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false});
            var markers = rows.map(function (row) {
                var marker = L.marker([row[3], row[4]], {icon: icon(row[2], row[5] > 0)});
                marker.bindTooltip(document.createTextNode(row[1] + ' \u00b7 ' + labels[row[2]]));
                if ({{ this.popups }}) { marker.bindPopup(popup(row), {maxWidth: 320}); }
                map.storymapLayers[row[0]] = marker;
                return marker;
            });
            group.addLayers(markers);
            map.addLayer(group);
            map.storymapCluster = group;
        })({{ this._parent.get_name() }});
        """,
        rows=js_json(rows), sentences=js_json([s.text for s in story_map.sentences]),
        icons=js_json(icons), labels=js_json(KIND_LABELS), popups=js_json(popups),
    )


def _places(story_map: StoryMap, media_url, popups: bool = True) -> MapScript:
    """Every place of a short story in one script: a marker (or a dashed area when approximate)
    with its tooltip and popup.

    One element instead of five folium elements per place: folium compiles every
    element it renders into a template, which was most of the server's work per reader.
    Tooltips and popups are HTML built and escaped here; places travel as JSON.
    """
    rows = []
    for rp in sorted(story_map.places, key=lambda p: -p.place.precision_km):
        place = rp.place
        size = 22 if place.kind == COUNTRY else 18
        rows.append({
            "key": rp.key, "lat": place.lat, "lon": place.lon, "color": KIND_STYLE[place.kind]["color"],
            "area": place.precision_km * 1000 if place.approximate else 0,
            "icon": f'<div data-place="{html_text(rp.key)}">{shape_svg(place.kind, size)}</div>', "size": size,
            "z": {SITE: 400, CITY: 300, LANDFORM: 200, REGION: 100, COUNTRY: 0}[place.kind],
            "tooltip": html_text(tooltip_text(rp)), "popup": popup_html(story_map, rp, media_url) if popups else "",
        })
    return MapScript(
        """
        (function (map) {
            map.storymapLayers = {};
            {{ this.rows }}.forEach(function (p) {
                var layer = p.area
                    ? L.circle([p.lat, p.lon], {radius: p.area, color: p.color, weight: 2, dashArray: '6 4',
                                                fill: true, fillColor: p.color, fillOpacity: 0.12,
                                                className: 'sm-area sm-' + p.key})
                    : L.marker([p.lat, p.lon], {zIndexOffset: p.z, icon: L.divIcon({
                          html: p.icon, className: 'sm-icon', iconSize: [p.size, p.size],
                          iconAnchor: [p.size / 2, p.size / 2]})});
                layer.bindTooltip(p.tooltip, {sticky: false});
                if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 300}); }
                layer.addTo(map);
                map.storymapLayers[p.key] = layer;
            });
        })({{ this._parent.get_name() }});
        """,
        rows=js_json(rows),
    )
