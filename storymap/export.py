"""A story out of Storymap: one self-contained HTML file, GeoJSON, CSV, KML, StoryMapJS.

The HTML file carries everything inline — Leaflet, styles, the country
outlines, the tour, passages, figures and uploaded media (images, video, audio, as
data: URIs, each once) — so it works opened from disk with no network and no server
(map tiles and YouTube or Vimeo players excepted: without them the outlines and link
cards show). It is also how a story reaches an unbounded audience: any web server or
CDN can serve it.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Callable

from storymap import assets
from storymap.analysis import StoryMap, from_record
from storymap.maps import KIND_STYLE
from storymap.media import INLINED, LINK, video_link
from storymap.places import KIND_LABELS
from storymap.shapes import AREA, read_shape
from storymap.escaping import csv_cell, html_text
from storymap.sharing import share_meta
from storymap.templating import render
from storymap.tiles import BaseMap, base_map
from storymap.tours import PLACE, build_tour, ordered_places
from storymap.viewer import READ, viewer_page

FORMATS = ("html", "geojson", "csv", "kml", "storymapjs")
MIME_TYPES = {"html": "text/html", "geojson": "application/geo+json", "csv": "text/csv",
              "kml": "application/vnd.google-earth.kml+xml", "storymapjs": "application/json"}
KML_NS = "http://www.opengis.net/kml/2.2"
EMBED_HEIGHT = "clamp(420px, 80vh, 720px)"
"""A responsive embed's height: a phone's map and step both fit, a desk's frame is not a wall."""


def embed_code(src: str, title: str, width: int | None = None, height: int | None = None) -> str:
    """An <iframe> for another site or a slide: as wide as its column and as tall as fits
    the window by default, or ``width`` x ``height`` pixels. Every value is escaped."""
    return str(render("embed.html", src=src, title=title, width=int(width) if width and height else None,
                      height=int(height) if width and height else None, responsive_height=EMBED_HEIGHT))


def file_name(slug: str, fmt: str) -> str:
    """What a download of ``fmt`` is called: StoryMapJS's JSON says what it is for."""
    return f"{slug}.storymap.json" if fmt == "storymapjs" else f"{slug}.{fmt}"


class InlineUploads:
    """Uploads as data: URIs (a third larger than the files), so an export needs nothing else; each is
    read once. Called, it gives the URI (StoryMapJS's slides); :meth:`inlined` names the upload for a
    page that carries each URI once (``uris``): a place's medium is shown in its panel and its tour
    step, and would otherwise be in the file twice."""

    def __init__(self, storage):
        self.storage = storage
        self.uris: dict[str, str] = {}  # by SHA-256, as read

    def __call__(self, ref: str) -> str:
        if not ref.startswith("media:"):
            return ref
        digest = ref.split(":", 1)[1]
        if digest not in self.uris:
            mime, data = self.storage.media(digest)
            self.uris[digest] = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        return self.uris[digest]

    def inlined(self, ref: str) -> str:
        return INLINED + ref.split(":", 1)[1] if self(ref).startswith("data:") else ref


def data_uri_media(storage) -> InlineUploads:
    """Uploads as data: URIs, so the exported file needs nothing else."""
    return InlineUploads(storage)


def to_html(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> str:
    """One HTML file: the story viewer with its text, figures and tour, everything inline (each upload
    once); on the story's base map, with what a link preview shows of it."""
    tiles = base_map(story_map.story.basemap)
    if isinstance(media_url, InlineUploads):
        return viewer_page(story_map, assets.inline(), mode=READ, tiles=tiles, media_url=media_url.inlined,
                           switchable=True, uploads=media_url.uris, meta=share_meta(story_map, media_url.inlined))
    return viewer_page(story_map, assets.inline(), mode=READ, tiles=tiles, media_url=media_url,
                       switchable=True, meta=share_meta(story_map, media_url))


def story_page(store, slug: str) -> str:
    """The story at an address of its own (``/story/SLUG``, served by serve.py): the exported file,
    served. Streamlit sends one HTML shell for every page and no page may write into its head, so
    a link to the app shows no preview; this page carries the title, description and image a
    chat or a network shows of a shared link. NotFound when there is no such story."""
    return to_html(from_record(store.load(slug)), data_uri_media(store))


def place_properties(story_map: StoryMap) -> list[dict]:
    """Every drawn place with what readers are told about it."""
    out = []
    for order, rp in enumerate(ordered_places(story_map)):
        p = rp.place
        out.append({
            "key": rp.key, "name": p.name, "kind": p.kind, "kind_label": KIND_LABELS[p.kind],
            "lat": p.lat, "lon": p.lon, "precision_km": p.precision_km, "approximate": p.approximate,
            "country": p.country, "confidence": rp.confidence, "reason": rp.reason, "source": p.source,
            "note": p.note, "tour_step": order + 1,
            "passages": [s.text for s in story_map.passages(rp)],
            "media": [m.to_dict() for m in rp.media],
            "shape": rp.shape,
        })
    return out


def _feature(p: dict) -> dict:
    """A place as a GeoJSON feature: its point, or the line or area an editor drew with the point
    (its marker and label) kept as the ``lat`` and ``lon`` properties. Not a GeometryCollection:
    QGIS, Mapbox and most web maps style a LineString or Polygon directly but take a collection
    apart, or not at all."""
    shape = p["shape"]
    drop = ("shape",) if shape else ("shape", "lat", "lon")
    return {"type": "Feature", "geometry": shape or {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {k: v for k, v in p.items() if k not in drop}}


def to_geojson(story_map: StoryMap) -> dict:
    story = story_map.story
    features = [_feature(p) for p in place_properties(story_map)]
    return {"type": "FeatureCollection",
            "properties": {"title": story.title, "date": story.date.isoformat() if story.date else None,
                           "dateline": story.dateline, "source": story.source, "url": story.url},
            "features": features}


def places_from_geojson(data: dict) -> list[dict]:
    """The places of a Storymap GeoJSON export, as the same dicts :func:`place_properties` gives."""
    if data.get("type") != "FeatureCollection":
        raise ValueError("This is not a GeoJSON FeatureCollection.")
    out = []
    for feature in data["features"]:
        props = dict(feature["properties"])
        point = feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"][:2] if point else (props.pop("lon"), props.pop("lat"))
        props["shape"] = None if point else feature["geometry"]
        out.append({**{k: props[k] for k in ("key", "name", "kind", "kind_label")}, "lat": lat, "lon": lon,
                    **{k: v for k, v in props.items() if k not in ("key", "name", "kind", "kind_label")}})
    return out


# A drawn shape is left out of the CSV: a spreadsheet's row is the place's point, and hundreds of
# vertices as WKT in one cell help no one there; GeoJSON and KML carry it.
CSV_FIELDS = ("tour_step", "key", "name", "kind", "lat", "lon", "precision_km", "country", "confidence", "source",
              "note", "passages")


def to_csv(story_map: StoryMap) -> str:
    """One row per place; text that a spreadsheet would run as a formula is made inert."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for p in place_properties(story_map):
        writer.writerow({k: csv_cell(v) for k, v in {**p, "passages": " | ".join(p["passages"])}.items()})
    return buffer.getvalue()


def to_kml(story_map: StoryMap) -> str:
    ET.register_namespace("", KML_NS)
    kml = ET.Element(f"{{{KML_NS}}}kml")
    document = ET.SubElement(kml, f"{{{KML_NS}}}Document")
    ET.SubElement(document, f"{{{KML_NS}}}name").text = story_map.story.title
    for p in place_properties(story_map):
        placemark = ET.SubElement(document, f"{{{KML_NS}}}Placemark", id=p["key"])
        ET.SubElement(placemark, f"{{{KML_NS}}}name").text = p["name"]
        lines = [p["kind_label"]] + ([f"Approximate: within {p['precision_km']:g} km"] if p["approximate"] else [])
        lines += p["passages"] + ([p["note"]] if p["note"] else [])
        ET.SubElement(placemark, f"{{{KML_NS}}}description").text = "\n\n".join(lines)
        if p["shape"]:
            _kml_shape(document, placemark, p)
        else:
            _kml_point(placemark, p)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def _kml_point(parent: ET.Element, p: dict) -> None:
    point = ET.SubElement(parent, f"{{{KML_NS}}}Point")
    ET.SubElement(point, f"{{{KML_NS}}}coordinates").text = f"{p['lon']},{p['lat']},0"


def _kml_colour(rgb: str, alpha: int) -> str:
    """KML's colour: aabbggrr in hex, from #rrggbb."""
    return f"{alpha:02x}{rgb[5:7]}{rgb[3:5]}{rgb[1:3]}".lower()


def _kml_shape(document: ET.Element, placemark: ET.Element, p: dict) -> None:
    """A drawn line or area, in its place's colour (a style of its own, which the placemark
    uses), with the place's point beside it in a MultiGeometry: Google Earth labels the point."""
    colour = KIND_STYLE[p["kind"]]["color"]
    style = ET.Element(f"{{{KML_NS}}}Style", id=f"shape-{p['key']}")
    document.insert(1, style)  # styles before the placemarks, after the document's name
    line = ET.SubElement(style, f"{{{KML_NS}}}LineStyle")
    ET.SubElement(line, f"{{{KML_NS}}}color").text = _kml_colour(colour, 0xE6)
    ET.SubElement(line, f"{{{KML_NS}}}width").text = "3"
    poly = ET.SubElement(style, f"{{{KML_NS}}}PolyStyle")
    ET.SubElement(poly, f"{{{KML_NS}}}color").text = _kml_colour(colour, 0x40)
    ET.SubElement(poly, f"{{{KML_NS}}}fill").text = "1"
    ET.SubElement(poly, f"{{{KML_NS}}}outline").text = "1"
    ET.SubElement(placemark, f"{{{KML_NS}}}styleUrl").text = f"#shape-{p['key']}"
    multi = ET.SubElement(placemark, f"{{{KML_NS}}}MultiGeometry")
    _kml_point(multi, p)
    shape = read_shape(p["shape"])
    ring = " ".join(f"{lon},{lat},0" for lat, lon in shape.points + (shape.points[:1] if shape.kind == AREA else ()))
    if shape.kind == AREA:
        outer = ET.SubElement(ET.SubElement(multi, f"{{{KML_NS}}}Polygon"), f"{{{KML_NS}}}outerBoundaryIs")
        ET.SubElement(ET.SubElement(outer, f"{{{KML_NS}}}LinearRing"), f"{{{KML_NS}}}coordinates").text = ring
    else:
        ET.SubElement(ET.SubElement(multi, f"{{{KML_NS}}}LineString"), f"{{{KML_NS}}}coordinates").text = ring


def to_storymapjs(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> dict:
    """StoryMapJS's JSON: an overview slide, then a slide per place of the tour (StoryMapJS makes
    its own title slide of the overview; the tour's credits have no place to be a slide of)."""
    steps = build_tour(story_map)
    story = story_map.story
    slides = [{"type": "overview", "date": story.date.isoformat() if story.date else "",
               "text": {"headline": html_text(story.title), "text": html_text(story.dateline)}}]
    props = {p["key"]: p for p in place_properties(story_map)}
    for step in (s for s in steps if s.kind == PLACE):
        p = props[step.key]
        slide = {"location": {"lat": step.lat, "lon": step.lon, "zoom": step.zoom, "line": True},
                 "text": {"headline": html_text(p["name"]),
                          "text": str(render("storymapjs_text.html", passages=p["passages"][:2], note=p["note"]))}}
        first = p["media"][0] if p["media"] else None
        if first and media_url:
            try:  # StoryMapJS shows one medium a slide, and plays YouTube and Vimeo from their pages
                url = video_link(first["url"]).page if first["kind"] == LINK else media_url(first["url"])
                slide["media"] = {"url": url, "caption": html_text(first["caption"]),
                                  "credit": html_text(first["credit"])}
            except (LookupError, ValueError):
                pass  # an upload gone from the store: the slide goes without it
        slides.append(slide)
    return {"storymap": {"language": "en", **_storymapjs_tiles(base_map(story.basemap)), "call_to_action": True,
                         "call_to_action_text": "Start the story", "slides": slides}}


def _storymapjs_tiles(tiles: BaseMap | None) -> dict:
    """The story's base map as StoryMapJS takes a custom one (a tile URL template, its subdomains and
    its credit); its own OpenStreetMap style where the story has none (StoryMapJS needs tiles)."""
    if tiles is None or tiles.name == "OpenStreetMap.Mapnik":
        return {"map_type": "osm:standard"}
    return {"map_type": tiles.url.replace("{r}", ""), "map_subdomains": tiles.subdomains,
            "attribution": tiles.credit}


def export(story_map: StoryMap, fmt: str, media_url: Callable[[str], str] | None = None) -> str:
    """The story in ``fmt`` (one of FORMATS), as text."""
    if fmt == "html":
        return to_html(story_map, media_url)
    if fmt == "geojson":
        return json.dumps(to_geojson(story_map), ensure_ascii=False, indent=1)
    if fmt == "csv":
        return to_csv(story_map)
    if fmt == "kml":
        return to_kml(story_map)
    if fmt == "storymapjs":
        return json.dumps(to_storymapjs(story_map, media_url), ensure_ascii=False, indent=1)
    raise ValueError(f"Unknown format {fmt!r}; choose from {', '.join(FORMATS)}.")
