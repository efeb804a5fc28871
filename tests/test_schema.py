"""The story-file schema: every malformed file is refused with its problems listed, nothing stored."""

import copy
import json

import pytest

from storymap.schema import SchemaError, check_place, read_story_file

GOOD = {"format": "storymap-story", "version": 2,
        "story": {"slug": "a-story", "title": "A story", "date": "2025-01-02", "dateline": "", "source": "",
                  "url": "https://example.com/a", "text": "Wana is a town."},
        "places": [{"key": "wana", "name": "Wana", "kind": "city", "lat": 32.3, "lon": 69.57,
                    "mentions": [[0, 4, "Wana"]], "confidence": 0.9, "runners_up": [], "status": "found",
                    "media": [], "tour_order": None, "tour_zoom": None, "tour_hidden": False}]}


def bad(path, value):
    document = copy.deepcopy(GOOD)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return json.dumps(document).encode()


def test_a_good_file_passes():
    assert read_story_file(json.dumps(GOOD).encode()) == GOOD


@pytest.mark.parametrize("raw, where", [
    (bad(["places", 0, "runners_up"], [{"foo": 1}]), "places[1].runners_up[1]"),
    (bad(["places"], ["x"]), "places[1]"),
    (bad(["places", 0, "confidence"], "high"), "places[1].confidence"),
    (bad(["places", 0, "key"], "</script><script>alert(1)</script>"), "places[1].key"),
    (bad(["places", 0, "media"], [{"kind": "image", "url": "media:anything", "alt": "x"}]), "places[1].media[1].url"),
    (bad(["places", 0, "media"], [{"kind": "image", "url": "javascript:alert(1)", "alt": "x"}]), "places[1].media[1].url"),
    (bad(["places", 0, "lat"], 123.0), "places[1].lat"),
    (bad(["places", 0, "kind"], "planet"), "places[1].kind"),
    (bad(["places", 0, "tour_zoom"], 40), "places[1].tour_zoom"),
    (bad(["story", "url"], "javascript:alert(1)"), "story.url"),
    (bad(["story", "slug"], "Not A Slug"), "story.slug"),
    (bad(["story", "date"], "yesterday"), "story.date"),
    (bad(["story", "title"], ""), "story.title"),
    (bad(["story", "extra"], 1), "story"),
])
def test_a_bad_field_is_named(raw, where):
    with pytest.raises(SchemaError) as caught:
        read_story_file(raw)
    assert any(p.startswith(f"{where}:") for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("raw, message", [
    (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
    (json.dumps({**GOOD, "places": [{"note": [[[[[[[[[[[[[[1]]]]]]]]]]]]]]}]}).encode(), "nests too deeply"),
    (b"\xff\xfe not utf-8 \x80", "not UTF-8"),
    (b"{not json", "not valid JSON"),
    (json.dumps({"format": "other"}).encode(), "not a Storymap story file"),
    (json.dumps({**GOOD, "version": 99}).encode(), "version 99"),
    (json.dumps(GOOD).replace("32.3", "NaN").encode(), "NaN"),
])
def test_files_that_are_not_story_files(raw, message):
    with pytest.raises(SchemaError, match=message):
        read_story_file(raw)


def test_every_problem_is_listed_at_once():
    document = copy.deepcopy(GOOD)
    document["places"][0].update(confidence="high", lat=500, kind="planet")
    with pytest.raises(SchemaError) as caught:
        read_story_file(json.dumps(document).encode())
    assert len(caught.value.problems) == 3 and "3 problems" in str(caught.value)


def test_an_edit_is_checked_by_the_same_rules():
    assert check_place({"name": "Wana"}) == {"name": "Wana"}
    with pytest.raises(SchemaError, match=r"media\[1\]\.url"):
        check_place({"media": [{"kind": "image", "url": "media:nothing", "alt": "x"}]})
