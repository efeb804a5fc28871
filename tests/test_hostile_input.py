"""Hostile text in every field of a story, through every output, in Chromium (issue 15).

Two stories are stored whose title, dateline, source, text and every place's label, note,
source, caption and credit carry script, markup, template syntax, Markdown and spreadsheet
formulas: one under the clustering threshold, one over it (the clustered layer builds its
tooltips and popups differently). Each is opened as a reader, a presenter and an embed, and
exported in every format; every place is chosen, its tooltip opened, every tour step shown.
Nothing may run (no dialog, no ``__pwned`` in any frame), each payload must be on screen as
the text it is, and no CSV cell may start a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from storymap.accounts import Editor
from storymap.analysis import from_record
from storymap.export import FORMATS, data_uri_media, export
from storymap.maps import CLUSTER_THRESHOLD
from storymap.storage import Storage
from tests.browsing import SIZES, Visit, start_server, stop

pytestmark = pytest.mark.browser

MARK = "window.top.__pwned = (window.top.__pwned || 0) + 1"
PAYLOADS = [
    f'<img src=x onerror="{MARK}">',
    f"</script><script>{MARK}</script>",
    f'"><svg onload="{MARK}">',
    f"'-alert(1)-' `${{{MARK}}}`",
    "{{ 7*7 }} {% if 1 %}jinja{% endif %}",
    "**Breaking:** [story withdrawn](https://evil-md.example) ![x](https://evil-md.example/x.png)",
    '=HYPERLINK("https://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "-2+3",
    "\u2028line\u2029break",
]
ADMIN = Editor("payload-test")
SMALL, LARGE = "hostile-few", "hostile-many"


def hostile_story(count: int) -> tuple[dict, list[dict]]:
    """A story of ``count`` places, each field carrying a payload; each place named in the text."""
    names = [f"Site {i} {PAYLOADS[i % len(PAYLOADS)]}"[:200] for i in range(count)]
    paragraphs, places, pos = [], [], 0
    for i, name in enumerate(names):
        sentence = f"{name} is where it happened. {PAYLOADS[(i + 3) % len(PAYLOADS)]} said so."
        places.append({
            "key": f"site-{i}", "name": name, "kind": ("city", "site", "region", "landform", "country")[i % 5],
            "lat": -60 + (i * 7.3) % 120, "lon": -170 + (i * 13.7) % 340, "precision_km": 25.0 if i % 4 == 0 else 0,
            "mentions": [[pos, pos + len(name), name]], "note": PAYLOADS[(i + 1) % len(PAYLOADS)],
            "source": PAYLOADS[(i + 2) % len(PAYLOADS)],
            "media": [{"kind": kind, "url": url, "caption": PAYLOADS[(i + 4) % len(PAYLOADS)],
                       "credit": PAYLOADS[(i + 5) % len(PAYLOADS)], "alt": PAYLOADS[(i + 7) % len(PAYLOADS)][:300]}
                      for kind, url in (("image", "https://evil.example/x.png"), ("audio", "https://evil.example/x.mp3"),
                                        ("link", "https://youtu.be/dQw4w9WgXcQ"))],
            "reason": PAYLOADS[(i + 6) % len(PAYLOADS)],
        })
        paragraphs.append(sentence)
        pos += len(sentence) + 2
    story = {"title": f"Hostile {PAYLOADS[0]} {PAYLOADS[5]}", "dateline": PAYLOADS[1], "source": PAYLOADS[2],
             "url": "https://example.com/story?a=1&b=2", "text": "\n\n".join(paragraphs)}
    return story, places


def store_story(store: Storage, slug: str, count: int) -> None:
    from storymap.articles import Story

    fields, places = hostile_story(count)
    store.create_story(ADMIN, Story(slug=slug, **fields), places)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    library = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{library / 'store.sqlite3'}"
    store = Storage(url)
    store_story(store, SMALL, len(PAYLOADS))
    store_story(store, LARGE, CLUSTER_THRESHOLD + 12)
    app, proc = start_server(library, url, STORYMAP_TILES="none")
    yield app, store
    stop(proc)


def unexecuted(v: Visit) -> None:
    assert v.dialogs == []
    for frame in v.page.frames:
        assert frame.evaluate("() => window.__pwned === undefined"), frame.url


def exercise(inner, tour: bool) -> str:
    """Choose every place (opening its tooltip), show every step; returns all the text shown."""
    return inner.evaluate("""async (tour) => {
        const sm = window.storymap, shown = [];
        const settle = () => new Promise(r => { const f = () => sm.settled() ? r() : requestAnimationFrame(f); f(); });
        if (tour) {
            const steps = document.querySelectorAll('.smv-steps option, .smv-steps li').length || 15;
            for (let n = 1; n <= Math.min(steps, 15); n++) { sm.show(n); await settle();
                shown.push(document.querySelector('.smv-tour-side').innerText); }
        } else {
            const keys = Object.keys(sm.map.storymapLayers).slice(0, 15);
            for (const key of keys) {
                sm.choose(key); await settle();
                const layer = sm.map.storymapLayers[key];
                if (layer.getTooltip() && sm.map.hasLayer(layer)) { layer.openTooltip(); }
                shown.push(document.querySelector('.smv-panel').innerText);
                document.querySelectorAll('.leaflet-tooltip').forEach(t => shown.push(t.innerText));
            }
            shown.push(document.querySelector('.smv-story').innerText);
        }
        return shown.join('\\n');
    }""", tour)


def assert_shown_as_text(text: str) -> None:
    for payload in PAYLOADS[:3]:
        assert payload in text, payload  # the markup is there, as characters a reader can see


@pytest.mark.parametrize("slug", [SMALL, LARGE])
@pytest.mark.parametrize("path, tour", [("/?story={}", False), ("/present?story={}", True),
                                        ("/present?story={}&embed=true", True)])
def test_nothing_runs_in_the_app(hostile, browser, slug, path, tour):
    app, _ = hostile
    # The reader is driven at both sizes (a phone shows the panel over the text); the presenter and
    # the embed draw the same elements at either size, so one size is enough to prove them.
    for size in SIZES.values() if not tour else [SIZES["phone"]]:
        v = Visit(browser, app + path.format(slug), size)
        try:
            _, inner = v.viewer()
            text = exercise(inner, tour)
            unexecuted(v)
            assert_shown_as_text(text)
            # Markdown from input is never rendered: no link or image to the payloads' site.
            assert v.page.locator('a[href*="evil-md"], img[src*="evil-md"]').count() == 0
            assert inner.locator('a[href*="evil-md"], img[src*="evil-md"]').count() == 0
        finally:
            v.close()


@pytest.mark.parametrize("slug", [SMALL, LARGE])
def test_nothing_runs_in_the_exported_file(hostile, browser, tmp_path, slug):
    _, store = hostile
    page = tmp_path / f"{slug}.html"
    page.write_text(export(from_record(store.load(slug)), "html", data_uri_media(store)), encoding="utf-8")
    v = Visit(browser, page.as_uri(), SIZES["desk"])
    try:
        v.page.wait_for_function("() => window.storymap && window.storymap.settled()", polling="raf")
        frame = v.page.main_frame
        text = exercise(frame, tour=False)
        frame.evaluate("() => window.storymap.setMode('tour')")
        text += exercise(frame, tour=True)
        unexecuted(v)
        assert_shown_as_text(text)
    finally:
        v.close()


@pytest.mark.parametrize("slug", [SMALL, LARGE])
def test_the_data_exports_keep_the_text_and_run_nothing(hostile, slug):
    _, store = hostile
    smap = from_record(store.load(slug))
    out = {fmt: export(smap, fmt, data_uri_media(store)) for fmt in FORMATS}
    names = {rp.place.name for rp in smap.places}
    # CSV: no cell a spreadsheet would take for a formula; the text is kept after the apostrophe.
    rows = list(csv.DictReader(io.StringIO(out["csv"])))
    assert len(rows) == len(smap.places)
    for row in rows:
        for value in row.values():
            assert not re.match(r"[=+\-@\t\r]", value) or re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", value), value
    for row in rows:  # the note as written, after the apostrophe where it would have been a formula
        assert row["note"] in PAYLOADS or (row["note"].startswith("'") and row["note"][1:] in PAYLOADS)
    assert any(row["note"] == "'" + PAYLOADS[6] for row in rows)
    # GeoJSON and KML carry the names as the data they are; StoryMapJS's text is HTML, escaped.
    assert {f["properties"]["name"] for f in json.loads(out["geojson"])["features"]} == names
    kml = ET.fromstring(out["kml"])
    assert {e.text for e in kml.iter("{http://www.opengis.net/kml/2.2}name")} >= names
    slides = json.loads(out["storymapjs"])["storymap"]["slides"]
    for slide in slides:
        assert "<script" not in json.dumps(slide["text"]) and "<img" not in json.dumps(slide["text"])


@pytest.mark.parametrize("param", ["place", "story"])
def test_an_address_makes_no_link_in_the_page(hostile, browser, param):
    from urllib.parse import quote

    app, _ = hostile
    text = "**Breaking:** [withdrawn](https://evil-md.example) call www.evil-md.example, https://evil-md.example/x " \
           "or desk@evil-md.example"
    v = Visit(browser, f"{app}/?story={SMALL}&{param}={quote(text)}" if param == "place" else
              f"{app}/?story={quote(text)}", SIZES["phone"])
    try:
        alert = v.page.locator('[data-testid="stAlert"]').first
        alert.wait_for(timeout=60_000)
        assert "evil-md.example" in alert.inner_text()  # shown as the text it is...
        assert v.page.locator('a[href*="evil-md"], img[src*="evil-md"], strong').count() == 0  # ...never a link
        unexecuted(v)
    finally:
        v.close()
