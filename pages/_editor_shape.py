"""Drawing a place's line or area on the review map: each click adds a point, seen at once.

A click on the map (st_folium's ``last_clicked``, as for the position) adds a point; the
drawing so far is a layer the map adds without being drawn again, so the view stays where the
editor took it. No drawing plugin: Leaflet.draw reaches folium only from a CDN, and the app
must work offline.
"""

import streamlit as st

from storymap import shapes
from storymap.maps import sketch
from storymap.places import typed_position

KINDS = {shapes.AREA: "An area", shapes.LINE: "A line (a border, a front line, a river)"}
POSITION, DRAW = "Sets its position", "Adds a point to its line or area"


def start(form: str, shape: dict | None) -> None:
    """The drawing as the form opened: the place's saved shape, or none."""
    if f"{form}-points" not in st.session_state:
        saved = shapes.read_shape(shape) if shape else None
        st.session_state[f"{form}-points"] = [list(p) for p in saved.points] if saved else []
        st.session_state[f"{form}-shape-kind"] = saved.kind if saved else shapes.AREA


def drawing(form: str) -> bool:
    """Whether a click on the map adds a point (else it moves the place)."""
    return st.session_state.get(f"{form}-click") == DRAW


def add_point(form: str, lat: float, lon: float) -> None:
    st.session_state[f"{form}-points"] = [*st.session_state[f"{form}-points"], [round(lat, 5), round(lon, 5)]]


def _undo(form: str) -> None:
    st.session_state[f"{form}-points"] = st.session_state[f"{form}-points"][:-1]


def _clear(form: str) -> None:
    st.session_state[f"{form}-points"] = []


def _centre(form: str) -> None:
    lat, lon = shapes.Shape(st.session_state[f"{form}-shape-kind"],
                            tuple(map(tuple, st.session_state[f"{form}-points"]))).centroid()
    st.session_state[f"{form}-lat"], st.session_state[f"{form}-lon"] = f"{lat:.5f}", f"{lon:.5f}"


def controls(form: str) -> None:
    """What a click does, the shape's kind, and the drawing's undo and clear."""
    st.radio("A click on the map", [POSITION, DRAW], horizontal=True, key=f"{form}-click")
    points = st.session_state[f"{form}-points"]
    c1, c2, c3, c4 = st.columns([3, 2, 2, 3], vertical_alignment="bottom")
    c1.selectbox("Draw it as", list(KINDS), format_func=KINDS.get, key=f"{form}-shape-kind")
    c2.button("Undo the last point", key=f"{form}-undo-point", on_click=_undo, args=(form,), disabled=not points)
    c3.button("Clear the drawing", key=f"{form}-clear-points", on_click=_clear, args=(form,), disabled=not points)
    c4.button("Put the marker in its middle", key=f"{form}-centre", on_click=_centre, args=(form,),
              disabled=not points)
    st.caption(f"{len(points)} point(s) drawn. Save the place to keep the drawing; clear it to keep none.")


def layer(form: str, lat: float, lon: float):
    """The drawing so far, and where the position fields put the place if that is not where it is
    saved (``lat``, ``lon``): a click or a typed number is seen on the map before it is saved."""
    return sketch(st.session_state[f"{form}-shape-kind"], [tuple(p) for p in st.session_state[f"{form}-points"]],
                  typed_position(st.session_state.get(f"{form}-lat"), st.session_state.get(f"{form}-lon"), lat, lon))


def drawn(form: str) -> dict | None:
    """The drawing as the place saves it; ValueError says why it cannot be."""
    points = st.session_state.get(f"{form}-points") or []
    return shapes.make_shape(st.session_state[f"{form}-shape-kind"], points).geometry() if points else None
