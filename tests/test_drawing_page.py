"""Drawing a place's line or area in the editor, through AppTest: clicks on the review map add
points, which can be undone and cleared, and the place saves them as a line or an area."""

import pytest

import pages._editor_place_form
from storymap.storage import Storage
from tests.apptest import editor_env, signed_in_editor

DRAW = "Adds a point to its line or area"
CLICKED = {}
"""The review map's last click, as st_folium would return it (its component has no browser here;
tests/test_drawing_browser.py clicks the real map)."""


@pytest.fixture
def env(tmp_path, monkeypatch):
    CLICKED.clear()
    monkeypatch.setattr(pages._editor_place_form, "st_folium", lambda *a, **k: {"last_clicked": CLICKED.get("at")})
    return editor_env(tmp_path, monkeypatch)


def reviewing(name: str, env):
    at = signed_in_editor()
    options = list(at.selectbox(key="review-pakistan-copper").options)
    at = at.selectbox(key="review-pakistan-copper").select_index(options.index(name)).run()
    place = next(p for p in Storage(env).load("pakistan-copper").places if p.name == name)
    return at, place, f"p{place.stored.id}-v{place.stored.version}"


def click(at, form: str, lat: float, lon: float):
    """A click on the review map, as st_folium hands it to the page."""
    CLICKED["at"] = {"lat": lat, "lng": lon}
    return at.run()


def test_an_editor_draws_an_area_point_by_point_and_saves_it(env):
    at, mine, form = reviewing("Muhammad Khel copper mine", env)
    at = at.radio(key=f"{form}-click").set_value(DRAW).run()
    for lat, lon in [(33.0, 69.75), (33.0, 69.85), (33.5, 70.5), (33.08, 69.85)]:
        at = click(at, form, lat, lon)
    assert at.session_state[f"{form}-points"][-1] == [33.08, 69.85]
    at = at.button(key=f"{form}-undo-point").click().run()  # takes back the last point
    assert at.session_state[f"{form}-points"] == [[33.0, 69.75], [33.0, 69.85], [33.5, 70.5]]
    at = at.button(key=f"{form}-clear-points").click().run()
    assert at.session_state[f"{form}-points"] == []
    for lat, lon in [(33.0, 69.75), (33.0, 69.85), (33.08, 69.85), (33.08, 69.75)]:
        at = click(at, form, lat, lon)
    assert "4 point(s) drawn" in " ".join(c.value for c in at.caption)
    at = at.button(key=f"{form}-save").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = Storage(env).place(mine.stored.id)
    assert saved.shape == {"type": "Polygon", "coordinates": [[[69.75, 33.0], [69.85, 33.0], [69.85, 33.08],
                                                               [69.75, 33.08], [69.75, 33.0]]]}
    assert (saved.place.lat, saved.place.lon) == (mine.place.lat, mine.place.lon)  # a drawing moves no marker
    # Drawing it is reviewing it: the found mine is accepted as drawn.
    assert Storage(env).history("pakistan-copper")[0].fields_changed == ["shape", "status"]
    assert (mine.status, saved.status) == ("found", "accepted")


def test_an_editor_draws_a_line_and_too_few_points_are_refused(env):
    at, wana, form = reviewing("Wana", env)
    at = at.radio(key=f"{form}-click").set_value(DRAW).run()
    at = at.selectbox(key=f"{form}-shape-kind").set_value("LineString").run()
    at = click(at, form, 32.3, 69.3)
    at = at.button(key=f"{form}-save").click().run()
    assert "A line needs at least 2 different points" in at.error[0].value
    assert Storage(env).place(wana.stored.id).shape is None
    at = click(at, form, 32.9, 69.5)
    at = at.button(key=f"{form}-centre").click().run()  # the marker to the line's middle
    at = at.button(key=f"{form}-save").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = Storage(env).place(wana.stored.id)
    assert saved.shape == {"type": "LineString", "coordinates": [[69.3, 32.3], [69.5, 32.9]]}
    assert (saved.place.lat, saved.place.lon) == (32.6, 69.4)


def test_a_click_still_sets_the_position_when_not_drawing(env):
    at, wana, form = reviewing("Wana", env)
    at = click(at, form, 32.4, 69.6)
    assert at.session_state[f"{form}-points"] == []
    assert at.text_input(key=f"{form}-lat").value == "32.40000"
