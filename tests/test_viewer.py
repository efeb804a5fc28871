"""The story viewer's data: where it opens, what readers are told, one numbering, safe text."""

import json
import os
import re

from storymap import assets
from storymap.analysis import analyse
from storymap.articles import parse_story
from storymap.export import embed_code
from storymap.maps import KIND_STYLE
from storymap.tours import build_tour
from storymap.viewer import focus_places, opening_views, viewer_data, viewer_page


def test_the_story_opens_on_the_country_it_is_about(sample_map):
    keys = {rp.key for rp in focus_places(sample_map)}
    assert {"wana", "miran-shah", "islamabad", "muhammad-khel-copper-mine", "south-waziristan"} <= keys
    assert not keys & {"pakistan", "washington", "china", "columbia"}  # no country centres, nothing abroad
    focus, every = opening_views(sample_map)
    (south, west), (north, east) = focus["bounds"]
    assert south < 32.3 and north > 33.72 and west < 69.57 and east > 73.04  # Wana to Islamabad
    assert north - south < 6 and east - west < 8  # a region, not the world
    (south, west), (north, east) = every["bounds"]
    assert west < -81 and east >= 133  # all places: Columbia, SC to Australia


def test_a_world_roundup_opens_on_all_its_places_not_on_the_country_it_names_most(gazetteer):
    # The United States is named most (three times), but in 13 names of places in nine countries.
    smap = analyse(parse_story(
        "Barges on the Danube waited near Budapest, and on the Rhine at Koblenz. In London the Thames fell. Ferries "
        "stayed in port at Toronto, salmon runs failed in Puget Sound in Washington state, and fires burned west of "
        "Denver. Dust reached Dakar, rain missed Java and Luzon, and New Zealand's North Island went dry."), gazetteer)
    assert {rp.key for rp in focus_places(smap)} == {rp.key for rp in smap.places}
    (south, west), (north, east) = opening_views(smap)[0]["bounds"]
    assert south < -38 and north > 51 and west < -122 and east > 175  # North Island to London, Seattle to Auckland


def test_a_story_of_countries_alone_opens_on_them(gazetteer):
    smap = analyse(parse_story("France and Germany signed a treaty. France agreed."), gazetteer)
    assert {rp.key for rp in focus_places(smap)} == {"france"}
    focus, _ = opening_views(smap)
    assert focus["zoom"] == 5 and abs(focus["center"][0] - smap.place("france").place.lat) < 1e-9


def test_readers_get_the_story_spelling_and_no_resolver_jargon(sample_map):
    data = viewer_data(sample_map)
    places = {p["key"]: p for p in data["places"]}
    assert places["miran-shah"]["name"] == "Miranshah" and places["miran-shah"]["gazetteerName"] == "Miran Shah"
    assert places["muhammad-khel-copper-mine"]["name"] == "Muhammad Khel copper mine"
    assert places["united-states"]["name"] == "United States"  # "US" is an abbreviation, not a spelling
    assert not {"confidence", "reason", "runners_up"} & set().union(*places.values())
    assert places["muhammad-khel-copper-mine"]["approx"] == "30"
    assert data["byline"] == "South Waziristan, Pakistan · 3 February 2026 · Storymap sample story, " \
                             "written from published reporting"


def test_tour_steps_count_from_one_with_the_readers_date(sample_map):
    steps = build_tour(sample_map)
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    assert steps[0].kind == "cover" and steps[0].title == sample_map.story.title  # the cover, then the places
    assert "3 February 2026" in steps[0].html and "2026-02-03" not in steps[0].html
    assert steps[-1].kind == "credits" and steps[-1].title == "Credits"
    assert "Miranshah" in [s.title for s in steps]
    data = viewer_data(sample_map, mode="tour", step=3)
    assert data["step"] == 3 and len(data["steps"]) == len(steps) and "text" not in data


def test_text_colours_are_readable_on_white():
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for kind, style in KIND_STYLE.items():
        assert 1.05 / (luminance(style["ink"]) + 0.05) >= 3, kind  # WCAG: 3:1 for a line that carries meaning


def test_the_viewer_page_carries_no_live_script_from_the_story(gazetteer):
    evil = "</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>"
    smap = analyse(parse_story(f"---\ntitle: {evil}\ndateline: {evil}\n---\nIn Islamabad {evil} they met."), gazetteer)
    page = viewer_page(smap, assets.inline(), mode="read", switchable=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "<!-- <img" not in page
    data = re.search(r"storymapViewer\(map_\w+, (\{.*?\})\);\n", page).group(1)
    assert json.loads(data)["title"] == evil  # the title arrives as text


def test_only_a_web_address_becomes_the_original_link(gazetteer):
    for url, shown in (("javascript:alert(1)", ""), ("JAVASCRIPT:alert(1)", ""), ("https://news.example/a", "https://news.example/a")):
        smap = analyse(parse_story(f"---\ntitle: T\nurl: {url}\n---\nIn Islamabad they met."), gazetteer)
        assert viewer_data(smap)["url"] == shown


def test_embed_code_is_responsive_or_fixed_and_escaped():
    code = embed_code('https://news.example/present?story=a&embed=true', 'Copper "under" <the> frontier')
    assert 'src="https://news.example/present?story=a&amp;embed=true"' in code
    assert 'title="Copper &#34;under&#34; &lt;the&gt; frontier"' in code
    assert "width:100%" in code and "clamp(" in code and " height=" not in code
    fixed = embed_code("https://news.example/present", "T", 640, 480)
    assert 'width="640" height="480"' in fixed and "max-width:100%" in fixed  # never wider than a phone


def test_template_syntax_in_a_story_is_text_not_code():
    from storymap import assets
    from storymap.analysis import analyse
    from storymap.articles import parse_story
    from storymap.viewer import viewer_page

    probe = "{{ cycler.__init__.__globals__.os.getpid() }} {{ 7*7 }}"
    story = parse_story(f"---\ntitle: {probe}\n---\nIn Islamabad {probe} officials met.")
    page = viewer_page(analyse(story), assets.inline())
    assert str(os.getpid()) not in page and " 49 " not in page
    assert "cycler.__init__.__globals__.os.getpid() }}" in page
