import json
import re

from storymap import assets
from storymap.analysis import analyse
from storymap.articles import parse_story
from storymap.highlight import text_html
from storymap.maps import build_map, place_view, popup_html
from storymap.viewer import viewer_page

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> ${alert(2)} `tick`'


def render(smap, tmp_path, tiles=None):
    return build_map(smap, assets.publish(tmp_path), tiles=tiles).get_root().render()


def test_map_uses_no_cdn(sample_map, tmp_path):
    html = render(sample_map, tmp_path, tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("/app/static/vendor/") for s in srcs), srcs
    assert (tmp_path / "vendor" / "leaflet" / "leaflet.js").stat().st_size > 100_000


def test_every_place_is_drawn_and_approximate_ones_as_areas(sample_map, tmp_path):
    html = render(sample_map, tmp_path)
    # The places travel as one JSON array in the map's script: read it back from the page.
    rows = json.loads(re.search(r"(\[\{\"key\".*?\}\])\.forEach", html).group(1).replace("<\\/", "</"))
    assert sorted(r["key"] for r in rows) == sorted(p.key for p in sample_map.places)
    mine = sample_map.place("muhammad-khel-copper-mine").place
    drawn = {r["key"]: r for r in rows}
    assert drawn["muhammad-khel-copper-mine"]["area"] == mine.precision_km * 1000
    assert (drawn["muhammad-khel-copper-mine"]["lat"], drawn["muhammad-khel-copper-mine"]["lon"]) == (mine.lat, mine.lon)
    assert drawn["wana"]["area"] == 0 and 'data-place="wana"' in drawn["wana"]["icon"]
    assert drawn["wana"]["tooltip"] == "Wana · City or town" and "<h4>Wana</h4>" in drawn["wana"]["popup"]
    assert "L.circle(" in html and "L.marker(" in html
    assert "Approximate location" in html and "sm-legend" in html


def test_popup_has_name_kind_and_passages(sample_map):
    popup = popup_html(sample_map, sample_map.place("wana"))
    assert "<h4>Wana</h4>" in popup and "City or town" in popup
    assert "Cadet College <b>Wana</b>" in popup or "<b>Wana</b>" in popup


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
    assert '<img src="/app/static/media/x.png" alt="&lt;b&gt;cap&lt;/b&gt;">' in popup
    assert "&lt;script&gt;note&lt;/script&gt;" in popup and "<script>note" not in popup
    assert "Credit &amp; co" in popup


def test_an_image_gone_from_the_store_is_said_missing_and_the_place_still_drawn():
    from types import SimpleNamespace

    from storymap.maps import media_html
    from storymap.storage import NotFound

    def publisher(ref):
        raise NotFound("No such image.")

    record = SimpleNamespace(media_url="media:" + "0" * 64, media_caption="The <b>mine</b>", media_credit="")
    out = media_html(record, publisher)
    assert "This image is missing" in out and "&lt;b&gt;mine&lt;/b&gt;" in out and "<img" not in out
