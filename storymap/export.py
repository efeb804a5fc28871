"""A story out of Storymap: one self-contained HTML file, GeoJSON, CSV, KML, StoryMapJS.

The HTML file carries everything inline — Leaflet, styles, the country
outlines, the tour, passages, figures and uploaded images — so it works opened
from disk with no network and no server (map tiles excepted: without them the
outlines show). It is also how a story reaches an unbounded audience: any web
server or CDN can serve it.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Callable

from branca.element import Element

from storymap import assets
from storymap.analysis import StoryMap
from storymap.gazetteer import KIND_LABELS
from storymap.highlight import CSS as TEXT_CSS
from storymap.highlight import text_html
from storymap.maps import build_map, escape, tiles_setting
from storymap.tours import build_tour, ordered_places

FORMATS = ("html", "geojson", "csv", "kml", "storymapjs")
KML_NS = "http://www.opengis.net/kml/2.2"


def data_uri_media(storage) -> Callable[[str], str]:
    """Uploaded images as data: URIs, so the exported file needs nothing else."""
    def resolve(ref: str) -> str:
        if not ref.startswith("media:"):
            return ref
        mime, data = storage.media(ref.split(":", 1)[1])
        return f"data:{mime};base64,{base64.b64encode(data).decode()}"
    return resolve


def to_html(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> str:
    """One HTML file: the map with its tour beside the story's text and figures."""
    steps = build_tour(story_map, media_url)
    fmap = build_map(story_map, assets.inline(), tiles=tiles_setting(), height="100%", media_url=media_url,
                     tour=steps)
    figure = fmap.get_root()
    story = story_map.story
    figures = "".join(
        f'<div class="card"><b>{escape(f.display)}</b><div>{escape(f.meaning)}</div>'
        f'<p>{escape(f.sentence.text)}</p></div>' for f in story_map.figures)
    byline = " · ".join(x for x in (story.dateline, story.date.isoformat() if story.date else "", story.source) if x)
    figure.header.add_child(Element(f"<title>{escape(story.title)}</title>"), name="title")
    figure.header.add_child(Element("""<style>
      html, body { margin: 0; height: 100%; font: 15px/1.5 system-ui, sans-serif; }
      .sm-page { display: flex; height: 100vh; }
      .sm-story { width: 40%; overflow: auto; padding: 16px 24px; box-sizing: border-box; }
      .sm-map { flex: 1; position: relative; }
      .sm-map .folium-map { position: absolute; inset: 0; }
      .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin: 8px 0; }
      @media (max-width: 700px) { .sm-page { flex-direction: column; height: auto; }
        .sm-story { width: 100%; } .sm-map { height: 70vh; } }
    </style>""" + TEXT_CSS), name="page_css")
    html = figure.render()
    story_html = (f'<div class="sm-story"><h1>{escape(story.title)}</h1><p><small>{escape(byline)}</small></p>'
                  f'{text_html(story_map, link=False)}<h2>Figures</h2>{figures}</div>')
    # The story column goes before the map, which becomes the right-hand side.
    html = html.replace("<body>", f'<body><div class="sm-page">{story_html}<div class="sm-map">', 1)
    keys = json.dumps([s.key for s in steps])
    names_move_map = f"""<script>
      document.querySelectorAll('a.sm-place').forEach(function (a) {{
        a.addEventListener('click', function (event) {{
          var step = {keys}.indexOf(a.getAttribute('data-place'));
          if (step > 0 && window.storymapTourApi) {{ window.storymapTourApi.show(step); event.preventDefault(); }}
        }});
      }});
    </script>"""
    return html.replace("</body>", f"</div></div>{names_move_map}</body>", 1)


def place_properties(story_map: StoryMap) -> list[dict]:
    """Every drawn place with what readers are told about it."""
    out = []
    for order, rp in enumerate(ordered_places(story_map)):
        p = rp.place
        record = story_map.records.get(rp.key)
        out.append({
            "key": rp.key, "name": p.name, "kind": p.kind, "kind_label": KIND_LABELS[p.kind],
            "lat": p.lat, "lon": p.lon, "precision_km": p.precision_km, "approximate": p.approximate,
            "country": p.country, "confidence": rp.confidence, "reason": rp.reason, "source": p.source,
            "note": p.note, "tour_step": order + 1,
            "passages": [s.text for s in story_map.passages(rp)],
            "media_url": record.media_url if record else "", "media_caption": record.media_caption if record else "",
            "media_credit": record.media_credit if record else "",
        })
    return out


def to_geojson(story_map: StoryMap) -> dict:
    story = story_map.story
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                 "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")}}
                for p in place_properties(story_map)]
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
        lon, lat = feature["geometry"]["coordinates"][:2]
        props = dict(feature["properties"])
        out.append({**{k: props[k] for k in ("key", "name", "kind", "kind_label")}, "lat": lat, "lon": lon,
                    **{k: v for k, v in props.items() if k not in ("key", "name", "kind", "kind_label")}})
    return out


CSV_FIELDS = ("tour_step", "key", "name", "kind", "lat", "lon", "precision_km", "country", "confidence", "source",
              "note", "passages")


def to_csv(story_map: StoryMap) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for p in place_properties(story_map):
        writer.writerow({**p, "passages": " | ".join(p["passages"])})
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
        point = ET.SubElement(placemark, f"{{{KML_NS}}}Point")
        ET.SubElement(point, f"{{{KML_NS}}}coordinates").text = f"{p['lon']},{p['lat']},0"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def to_storymapjs(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> dict:
    """StoryMapJS's JSON: an overview slide, then a slide per tour step."""
    steps = build_tour(story_map)
    story = story_map.story
    slides = [{"type": "overview", "date": story.date.isoformat() if story.date else "",
               "text": {"headline": escape(story.title), "text": escape(story.dateline)}}]
    props = {p["key"]: p for p in place_properties(story_map)}
    for step in steps[1:]:
        p = props[step.key]
        slide = {"location": {"lat": step.lat, "lon": step.lon, "zoom": step.zoom, "line": True},
                 "text": {"headline": escape(p["name"]),
                          "text": "".join(f"<p>{escape(s)}</p>" for s in p["passages"][:2])
                          + (f"<p>{escape(p['note'])}</p>" if p["note"] else "")}}
        if p["media_url"] and media_url:
            slide["media"] = {"url": media_url(p["media_url"]), "caption": escape(p["media_caption"]),
                              "credit": escape(p["media_credit"])}
        slides.append(slide)
    return {"storymap": {"language": "en", "map_type": "osm:standard", "call_to_action": True,
                         "call_to_action_text": "Start the story", "slides": slides}}


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
