"""Present: the story as a guided tour, place by place; embed code and exports."""

from urllib.parse import urlencode, urlsplit

import streamlit as st

from pages._navigation import through_app
from pages._resources import storage, story_labels, story_map
from pages._viewer import show_viewer, story_boundary
from storymap.escaping import markdown_text as md
from storymap.export import EMBED_HEIGHT, FORMATS, MIME_TYPES, data_uri_media, embed_code, export, file_name
from storymap.tours import step_count
from storymap.viewer import TOUR

FORMAT_NAMES = {fmt: "StoryMapJS" if fmt == "storymapjs" else fmt.upper() for fmt in FORMATS}

through_app()
store = storage()
labels = story_labels()
# The address names the story; without one (a click in the menu), the story last read or presented.
slug = st.query_params.get("story", st.session_state.get("story", next(iter(labels))))
if slug not in labels:
    st.warning(f"There is no story called “{md(slug)}”; showing the first story instead.")
    slug = next(iter(labels))
# ?embed=true is Streamlit's own: it hides the app's chrome, and st.context reports it.
embed = bool(st.context.is_embedded)
with story_boundary(slug):
    smap = story_map(slug)
    count = step_count(smap)
try:
    start = int(st.query_params.get("step", 1))
except ValueError:
    st.warning("The step in the address must be a whole number; showing the cover.")
    start = 1
st.session_state["story"] = slug
st.query_params["story"] = slug
if not 1 <= start <= count:
    st.warning(f"This tour has steps 1 to {count:d}; showing the cover.")
    start = 1

if smap.broken:
    st.warning(f"{len(smap.broken)} place(s) of this story could not be drawn: "
               f"{md(', '.join(name for name, _ in smap.broken))}.")
show_viewer(slug, TOUR, step=start)

if not embed:
    here = urlsplit(st.context.url or "http://localhost:8501/present")
    st.caption("Link to share (chats and networks show its title, description and image):")
    st.code(f"{here.scheme}://{here.netloc}/story/{slug}", language=None)
    with st.expander("Embed this story in a web page or slides"):
        shape = st.radio("Size", ["Fits the page (responsive)", "Fixed size"], horizontal=True)
        src = f"{here.scheme}://{here.netloc}/present?" + urlencode({"story": slug, "embed": "true"})
        if shape == "Fixed size":
            c1, c2 = st.columns(2)
            width = c1.number_input("Width (px)", 280, 3000, 800, step=10)
            height = c2.number_input("Height (px)", 360, 2000, 560, step=10)
            code = embed_code(src, smap.story.title, width, height)
        else:
            st.caption("As wide as the column it is put in, and as tall as fits the reader's window "
                       f"(`{EMBED_HEIGHT}`); on a phone the map sits above the step.")
            code = embed_code(src, smap.story.title)
        st.code(code, language="html", wrap_lines=True)  # whole on a phone, not one clipped line
    st.subheader("Download")
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS):
        col.download_button(FORMAT_NAMES[fmt],
                            data=lambda fmt=fmt: export(smap, fmt, data_uri_media(store)),
                            file_name=file_name(slug, fmt), mime=MIME_TYPES[fmt], key=f"dl-{fmt}")
