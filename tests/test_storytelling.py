"""The tour as a story (issue 18): its cover and credits, its stops' numbers, its line."""

from dataclasses import replace

import pytest

from storymap.escaping import html_text
from storymap.geo import km
from storymap.places import Media, Place, TourStop
from storymap.routes import GREAT_CIRCLE_KM, STEP_KM, great_circle, hop, point_count, route
from storymap.tiles import provider
from storymap.tours import CREDITS, COVER, PLACE, build_tour, stop_numbers, tour_route
from storymap.viewer import viewer_data

EVIL = '<script>window.__pwned = 1</script><img src=x onerror="alert(1)"> {{ 7*7 }}'


def with_places(smap, **changes):
    """The story map with some places changed: ``key=dict(field=value)``."""
    return replace(smap, places=[replace(rp, **changes.get(rp.key, {})) for rp in smap.places])


def test_the_cover_opens_the_tour_with_the_storys_title_dateline_byline_and_lead_image(sample_map):
    smap = with_places(sample_map, wana={"media": (Media("https://example.org/wana.jpg", "Wana's bazaar", "AP", "A bazaar"),)},
                       pakistan={"media": ()})
    cover = build_tour(smap, media_url=str)[0]
    assert (cover.number, cover.kind, cover.key, cover.title) == (1, COVER, None, smap.story.title)
    assert cover.bounds  # over all the places
    html = cover.html
    assert html.index(html_text(smap.story.title)) < html.index("South Waziristan, Pakistan · 3 February 2026")
    assert "Storymap sample story" in html and "19 places" in html
    assert '<img src="https://example.org/wana.jpg" alt="A bazaar" loading="lazy">' in html  # the first stop with one
    assert "Wana&#39;s bazaar" in html and "AP" in html  # its caption and credit, as every medium has
    assert "<img" not in build_tour(sample_map, media_url=str)[0].html  # none set: no image, no gap


def test_the_credits_close_the_tour_with_every_source(sample_map):
    credits = build_tour(sample_map)[-1]
    assert (credits.kind, credits.title, credits.key, credits.number) == (CREDITS, "Credits", None, 21)
    html = credits.html
    assert "Storymap sample story, written from published reporting" in html
    assert "GeoNames <span class=\"sm-count\">(5 places)</span>" in html  # the gazetteer's sources, counted
    # Who made the data, not the Python package that carried it ("(countryinfo)" is for editors).
    assert "Country centre as the CIA World Factbook gives it <span" in html and "countryinfo" not in html
    assert "<b>Muhammad Khel copper mine</b>: Public reporting places the mine" in html  # curated coordinates
    assert "Natural Earth" in html and "Leaflet" in html and "OpenStreetMap contributors" not in html  # no tiles
    assert "OpenStreetMap contributors" in build_tour(sample_map, tiles=provider("OpenStreetMap.Mapnik"))[-1].html
    linked = replace(sample_map, story=replace(sample_map.story, url="https://example.org/original"))
    assert '<a href="https://example.org/original" target="_blank" rel="noopener noreferrer">' in build_tour(linked)[-1].html


def test_cover_and_credits_keep_hostile_text_as_text(sample_map):
    story = replace(sample_map.story, title=EVIL, dateline=EVIL, source=EVIL, url="javascript:alert(1)")
    first = sample_map.places[0]
    smap = replace(with_places(sample_map, **{first.key: {
        "place": replace(first.place, source=EVIL), "media": (Media("https://example.org/x.png", EVIL, EVIL, EVIL),)}}),
        story=story)
    steps = build_tour(smap, media_url=str)
    for step in (steps[0], steps[-1]):
        assert "<script" not in step.html and "<img src=x" not in step.html and "javascript:" not in step.html
        assert html_text(EVIL) in step.html  # shown as the characters it is
    assert steps[0].html.count(html_text(EVIL)) >= 3  # title, dateline, byline (and the caption)


def test_stops_are_numbered_in_tour_order_and_hidden_places_have_none(sample_map):
    keys = [rp.key for rp in sample_map.places]
    smap = with_places(sample_map, wana={"tour": TourStop(order=1)}, china={"tour": TourStop(order=2, zoom=3)},
                       pakistan={"tour": TourStop(hidden=True)}, ukraine={"tour": TourStop(order=2)})
    numbers = stop_numbers(smap)
    assert numbers["wana"] == 1 and numbers["china"] == 2 and numbers["ukraine"] == 3  # a tie: reading order
    assert "pakistan" not in numbers
    rest = [k for k in keys if k not in ("wana", "china", "ukraine", "pakistan")]
    assert [numbers[k] for k in rest] == list(range(4, len(keys)))  # the others as the article reads
    steps = build_tour(smap)
    assert [s.kind for s in steps] == [COVER] + [PLACE] * (len(keys) - 1) + [CREDITS]
    assert [s.stop for s in steps] == [None, *range(1, len(keys)), None]
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    assert steps[2].key == "china" and steps[2].zoom == 3
    assert '<span class="sm-stop" title="Stop 1 of 18: the number on its marker">1</span>' in steps[1].html
    data = viewer_data(smap, mode="tour")
    assert [(s["key"], s["stop"]) for s in data["steps"][1:4]] == [("wana", 1), ("china", 2), ("ukraine", 3)]
    assert data["steps"][0]["kind"] == COVER and data["steps"][-1]["kind"] == CREDITS


def test_short_hops_are_straight_and_long_jumps_follow_the_great_circle():
    wana, miranshah = (32.29889, 69.5725), (33.00059, 70.07117)
    assert hop(wana, miranshah) == [wana, miranshah]
    islamabad, washington = (33.72148, 73.04329), (38.89511, -77.03637)
    distance = km(*islamabad, *washington)
    points = hop(islamabad, washington)
    assert distance > GREAT_CIRCLE_KM and len(points) == -(-distance // STEP_KM) + 1
    assert points[0] == islamabad and points[-1] == washington
    for a, b in zip(points, points[1:]):  # evenly spaced along the shortest way
        assert km(*a, *b) == pytest.approx(distance / (len(points) - 1), rel=1e-6)
    assert max(lat for lat, _ in points) > 65  # over the Arctic, as a great circle goes, not along 35° N
    assert great_circle((0, 0), (0, 90), 2)[1] == pytest.approx((0, 45))


def test_the_line_is_cut_at_the_antimeridian_and_passes_through_every_stop():
    tokyo, san_francisco, honolulu = (35.68, 139.69), (37.77, -122.42), (21.31, -157.86)
    parts = route([tokyo, san_francisco, honolulu])
    assert len(parts) == 2
    assert parts[0][0] == tokyo and parts[0][-1][1] == 180 and parts[1][0][1] == -180
    assert parts[0][-1][0] == parts[1][0][0]  # the cut is one point on either edge
    for part in parts:
        assert all(abs(b[1] - a[1]) < 180 for a, b in zip(part, part[1:]))
    flat = [p for part in parts for p in part]
    assert san_francisco in flat and flat[-1] == honolulu
    assert point_count(parts) == len(flat)
    assert route([tokyo]) == [] and route([]) == []


def test_the_viewer_carries_the_line_of_the_visible_stops(sample_map):
    data = viewer_data(sample_map, mode="tour")
    assert data["route"] == tour_route(sample_map)
    assert point_count(data["route"]) > len(sample_map.places)  # long jumps drawn along great circles
    one = replace(sample_map, places=[p if p.key == "wana" else replace(p, tour=TourStop(hidden=True))
                                      for p in sample_map.places])
    assert viewer_data(one, mode="tour")["route"] == []  # one stop: no line
    assert "route" not in viewer_data(sample_map)  # the reader's page has no tour


def test_an_editor_may_leave_the_line_out_and_the_choice_is_kept_undone_and_carried(sample_map, tmp_path):
    from storymap.accounts import Editor
    from storymap.analysis import from_record, stored_places
    from storymap.storage import Storage
    from storymap.transfer import export_story, import_story

    alice = Editor("alice")
    store = Storage(f"sqlite:///{tmp_path / 'line.sqlite3'}")
    store.create_story(alice, sample_map.story, stored_places(sample_map))
    assert store.load("pakistan-copper").tour_line  # every story had its line before the choice
    record = store.update_story(alice, "pakistan-copper", store.load("pakistan-copper").version, tour_line=False)
    without = from_record(record)
    assert viewer_data(without, mode="tour")["route"] == [] and viewer_data(without, mode="tour")["steps"]
    assert viewer_data(without, mode="read", switchable=True)["route"] == []  # the exported file's tour too
    data = export_story(store, "pakistan-copper")
    assert data["story"]["tour_line"] is False
    assert import_story(Storage(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"), alice, data).tour_line is False
    store.undo(alice, store.history("pakistan-copper")[0].id)
    assert viewer_data(from_record(store.load("pakistan-copper")), mode="tour")["route"] == tour_route(sample_map)


def test_a_place_without_a_source_is_credited_to_the_gazetteer(sample_map):
    first = sample_map.places[0]
    smap = with_places(sample_map, **{first.key: {"place": Place(first.place.id, first.place.name, first.place.kind,
                                                                 first.place.lat, first.place.lon)}})
    assert "Storymap&#39;s gazetteer <span class=\"sm-count\">(1 place)</span>" in build_tour(smap)[-1].html
