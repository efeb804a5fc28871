"""The place form (correcting a place, adding one), its map to click, and the Add a place tab."""

import streamlit as st
from streamlit_folium import st_folium

from pages import _editor_shape as drawing
from pages._editor_forms import forget, parse_number, say
from pages._editor_media import media_fields
from pages._resources import media_url, vendor_assets
from storymap import maps, newsroom, tiles
from storymap.escaping import markdown_text as md
from storymap.places import KIND_LABELS, KINDS, Place


def place_form(store, editor, prefix: str, values: dict) -> dict | None:
    """Fields shared by correcting and adding a place; returns the new values or None."""
    defaults = {"name": values.get("name", ""), "kind": values.get("kind", "city"), "lat": str(values.get("lat", "")),
                "lon": str(values.get("lon", "")), "precision": str(values.get("precision_km", 0)),
                "note": values.get("note", ""), "source": values.get("source", "")}
    for field, default in defaults.items():
        st.session_state.setdefault(f"{prefix}-{field}", default)  # a map click may have set lat/lon already
    with st.container(border=True):
        name = st.text_input("Label", key=f"{prefix}-name")
        kind = st.selectbox("Kind", list(KINDS), format_func=KIND_LABELS.get, key=f"{prefix}-kind")
        c1, c2, c3 = st.columns(3)
        lat = c1.text_input("Latitude", key=f"{prefix}-lat")
        lon = c2.text_input("Longitude", key=f"{prefix}-lon")
        precision = c3.text_input("Precision (km radius, 0 = exact)", key=f"{prefix}-precision")
        note = st.text_area("Note (shown to readers)", key=f"{prefix}-note")
        source = st.text_input("Source of the location", key=f"{prefix}-source")
        media = media_fields(prefix, list(values.get("media") or []))
        if not st.button("Save", key=f"{prefix}-save", type="primary"):
            return None
    try:
        out = {"name": name, "kind": kind, "lat": parse_number("latitude", lat),
               "lon": parse_number("longitude", lon), "precision_km": parse_number("precision", precision),
               "note": note, "source": source}
        out["media"] = media(store, editor)  # last: nothing is uploaded when a number is wrong
        return out
    except ValueError as exc:
        st.error(md(exc))
        return None


def pick_on_map(story_map, prefix: str, lat: float, lon: float, kind: str, precision_km: float,
                shape: dict | None = None) -> None:
    """A small map of the story opened on this place, at a zoom that suits it (a country whole,
    a mine close up): a click sets the latitude and longitude fields, or adds a point to the
    place's line or area (``shape``, what is saved of it)."""
    here = Place("here", "here", kind, lat, lon, precision_km=precision_km)
    fmap = maps.build_map(story_map, vendor_assets(), tiles=tiles.base_map(story_map.story.basemap), height=320,
                          focus=here, popups=False, media_url=media_url())
    drawing.start(prefix, shape)
    st.caption("Click the map to set the position, or to draw the place as a line or an area.")
    drawing.controls(prefix)
    state = st_folium(fmap, key=f"{prefix}-map", height=320, use_container_width=True,
                      returned_objects=["last_clicked"], feature_group_to_add=drawing.layer(prefix, lat, lon))
    clicked = (state or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get(f"{prefix}-clicked"):
        st.session_state[f"{prefix}-clicked"] = clicked
        if drawing.drawing(prefix):
            drawing.add_point(prefix, clicked["lat"], clicked["lng"])
        else:
            st.session_state[f"{prefix}-lat"] = f"{clicked['lat']:.5f}"
            st.session_state[f"{prefix}-lon"] = f"{clicked['lng']:.5f}"
        st.rerun()


def add_tab(store, editor, record) -> None:
    """Add a place the finder missed, or a free annotation."""
    st.write("Add a place the finder missed, tied to words of the text, or a free annotation tied to none.")
    words = st.text_input("The words in the text (leave empty for a free annotation)", key="add-words")
    occurrence = st.number_input("Which occurrence of these words", min_value=1, value=1, step=1, key="add-nth")
    mentions = []
    try:
        mentions = newsroom.mentions_of(record.text, words, occurrence)
    except ValueError as exc:
        st.warning(md(exc))
    for start, end, _ in mentions:
        st.caption(f"…{md(record.text[max(0, start - 60):end + 60])}…")
    new = place_form(store, editor, "add", {"name": words, "kind": "site", "lat": "", "lon": "", "precision_km": 0})
    if new is not None:
        try:
            added = newsroom.add_place(store, editor, record.slug, new, words, mentions)
            forget("add")
            say(f"Added “{added.name}”.")
            st.rerun()
        except ValueError as exc:
            st.error(md(exc))
