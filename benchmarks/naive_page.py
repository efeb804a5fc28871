"""The naive Streamlit page `make bench` measures beside Storymap's reader.

A folium.CircleMarker per place with its name as tooltip, the default
st_folium call (every returned object, the map re-sent on every rerun), and the
clicked place's passage shown in the page. (No folium popups: they need jQuery,
which folium also loads from a CDN.) Leaflet comes from the Storymap app's
static folder (STORYMAP_NAIVE_VENDOR), as folium's default links point at a CDN
this machine cannot reach.
"""

import json
import os
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

places = json.loads(Path(os.environ["STORYMAP_NAIVE_PLACES"]).read_text(encoding="utf-8"))
vendor = os.environ["STORYMAP_NAIVE_VENDOR"]
m = folium.Map(location=(20, 0), zoom_start=2, tiles=None)
m.default_js = [("leaflet", f"{vendor}/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", f"{vendor}/leaflet/leaflet.css")]
for p in places:
    folium.CircleMarker((p["lat"], p["lon"]), radius=5, fill=True, tooltip=p["name"]).add_to(m)
state = st_folium(m, height=560, width=900)
clicked = ((state or {}).get("last_object_clicked_tooltip") or "").strip()
texts = {p["name"]: p["text"] for p in places}
if clicked in texts:
    st.subheader(clicked)
    st.text(texts[clicked])
