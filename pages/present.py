"""Present: the story as a guided tour, place by place; embed code and exports."""

import html
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit_folium import st_folium

from pages._resources import media_url, storage, story_map, story_titles, vendor_assets
from storymap import maps
from storymap.export import FORMATS, data_uri_media, export
from storymap.tours import build_tour

store = storage()
titles = story_titles()
slug = st.query_params.get("story", next(iter(titles)))
if slug not in titles:
    st.error(f"There is no story called “{slug}”.")
    st.stop()
# ?embed=true is Streamlit's own: it hides the app's chrome, and st.context reports it.
embed = bool(st.context.is_embedded)
try:
    start = int(st.query_params.get("step", 0))
    height = min(max(int(st.query_params.get("height", 620 if not embed else 480)), 240), 2000)
except ValueError:
    st.warning("The step and height in the address must be whole numbers; showing the start.")
    start, height = 0, 620

smap = story_map(slug)
steps = build_tour(smap, media_url())
if not 0 <= start < len(steps):
    st.warning(f"This tour has steps 0 to {len(steps) - 1}; showing the overview.")
    start = 0

if not embed:
    st.title(smap.story.title)
    st.caption("Use → and ← (or the buttons on the map) to step through the story; "
               "the address bar keeps the step, so a link opens it.")
fmap = maps.build_map(smap, vendor_assets(), tiles=maps.tiles_setting(), height=height, media_url=media_url(),
                      tour=steps, tour_start=start)
st_folium(fmap, key=f"tour-{slug}", height=height, use_container_width=True, returned_objects=[])

if not embed:
    with st.expander("Embed this story in a web page or slides"):
        c1, c2 = st.columns(2)
        width = c1.number_input("Width (px)", 200, 3000, 800, step=10)
        frame_height = c2.number_input("Height (px)", 240, 2000, 500, step=10)
        here = urlsplit(st.context.url or "http://localhost:8501/present")
        src = f"{here.scheme}://{here.netloc}/present?" + urlencode(
            {"story": slug, "embed": "true", "height": int(frame_height) - 20})
        st.code(f'<iframe src="{html.escape(src)}" width="{int(width)}" height="{int(frame_height)}" '
                f'style="border:0" title="{html.escape(smap.story.title)}" allowfullscreen></iframe>',
                language="html")
    st.subheader("Download")
    cols = st.columns(len(FORMATS))
    mimes = {"html": "text/html", "geojson": "application/geo+json", "csv": "text/csv",
             "kml": "application/vnd.google-earth.kml+xml", "storymapjs": "application/json"}
    suffix = {"storymapjs": "storymap.json"}
    for col, fmt in zip(cols, FORMATS):
        col.download_button(fmt.upper() if fmt != "storymapjs" else "StoryMapJS",
                            data=lambda fmt=fmt: export(smap, fmt, data_uri_media(store)),
                            file_name=f"{slug}.{suffix.get(fmt, fmt)}", mime=mimes[fmt], key=f"dl-{fmt}")
