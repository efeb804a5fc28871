"""Reader: a story's text beside its map, with its figures."""

import streamlit as st
from streamlit_folium import st_folium

from pages._resources import media_url, storage, story_files, story_map, vendor_assets
from storymap import maps
from storymap.figures import bars_html, comparison, headline_html
from storymap.gazetteer import KIND_LABELS
from storymap.highlight import place_url, text_html

MAX_PILLS = 40  # more places than this are found by typing, not by scanning buttons

files = story_files()
store = storage()
titles = store.titles()
slugs = list(titles)
broken = {slug: (name, error) for slug, (name, error, _) in files.items() if error}
with st.sidebar:
    if broken:
        with st.expander(f"{len(broken)} story file(s) could not be read"):
            for name, error in broken.values():
                st.text(f"{name}: {error}")
if not slugs:
    st.info("The story library is empty: add a .md or .txt file to data/stories.")
    st.stop()

wanted = st.query_params.get("story", slugs[0])
if wanted not in slugs:
    if wanted in broken:
        st.error(f"“{broken[wanted][0]}” cannot be shown. {broken[wanted][1]}")
        st.stop()
    st.warning(f"There is no story called “{wanted}”; showing the first story instead.")
    wanted = slugs[0]
with st.sidebar:
    slug = st.selectbox("Story", slugs, index=slugs.index(wanted), format_func=titles.get)
if slug != st.query_params.get("story"):
    st.query_params["story"] = slug

smap = story_map(slug)
story = smap.story

chosen = st.query_params.get("place")
if chosen and not smap.place(chosen):
    st.warning(f"This story names no place called “{chosen}”.")
    chosen = None

st.title(story.title)
byline = " · ".join(x for x in (story.dateline, story.date.strftime("%-d %B %Y") if story.date else "",
                                story.source) if x)
st.caption(byline + (f" · [original]({story.url})" if story.url else ""))
for warning in files.get(slug, ("", None, ()))[2]:
    st.warning(warning)


def choose(key: str | None) -> None:
    if key:
        st.query_params["place"] = key
    else:
        st.query_params.pop("place", None)


keys = [p.key for p in smap.places]
if len(keys) <= MAX_PILLS:
    picked = st.pills("Places in this story", keys, default=chosen, key=f"pills-{slug}-{chosen}",
                      format_func=lambda k: smap.place(k).name)
else:  # an atlas of hundreds of places: a list to search, not a wall of buttons above the map
    picked = st.selectbox(f"Find one of the {len(keys):,} places in this story", keys,
                          index=keys.index(chosen) if chosen else None, key=f"find-{slug}-{chosen}",
                          placeholder="Type a place name", format_func=lambda k: smap.place(k).name)
if picked != chosen:
    choose(picked)
    st.rerun()

text_col, map_col = st.columns([5, 6], gap="large")
with text_col:
    st.html(text_html(smap, chosen))

with map_col:
    rp = smap.place(chosen)
    # The map opens on the chosen place, except when the reader chose it on the map
    # itself: then the map stays as it is (no redraw, the popup stays open).
    if not st.session_state.pop("chosen-on-map", False):
        st.session_state[f"focus-{slug}"] = chosen
    focus = smap.place(st.session_state.get(f"focus-{slug}"))
    fmap = maps.build_map(smap, vendor_assets(), tiles=maps.tiles_setting(), focus=focus.place if focus else None,
                          media_url=media_url(), report_clicks=True)

    def clicked_on_map() -> None:
        """Runs before the rerun a marker click causes, so that one rerun shows the place."""
        state = st.session_state.get(f"map-{slug}") or {}
        clicks = state.get("last_object_clicked_count") or 0
        if clicks == st.session_state.get(f"clicks-{slug}", 0):
            return
        st.session_state[f"clicks-{slug}"] = clicks
        hit = maps.clicked_place(smap, state.get("last_object_clicked_tooltip"))
        if hit and hit.key != st.query_params.get("place"):
            st.session_state["chosen-on-map"] = True
            choose(hit.key)

    st_folium(
        fmap, key=f"map-{slug}", height=560, use_container_width=True,
        returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"],
        feature_group_to_add=maps.highlight(rp) if rp else None, on_change=clicked_on_map,
    )

    if rp:
        with st.container(border=True):
            st.subheader(rp.place.name)
            st.caption(f"{KIND_LABELS[rp.place.kind]} · confidence {rp.confidence:.0%}")
            if rp.place.approximate:
                st.text(f"Approximate location, within {rp.place.precision_km:g} km.")
            if rp.place.note:
                st.text(rp.place.note)
            st.text(f"Why here: {rp.reason}")
            st.text(f"Location source: {rp.place.source}")
            if rp.runners_up:
                st.text("Also possible: " + "; ".join(f"{p.name} ({p.country})" for p in rp.runners_up))
            for sentence in smap.passages(rp):
                st.text(f"“{sentence.text}”")
            st.link_button("Show all places", place_url(slug, None))

if smap.figures:
    st.subheader("Figures")
    cols = st.columns(3)
    for i, fig in enumerate(smap.figures):
        with cols[i % 3].container(border=True):
            st.caption(fig.meaning.capitalize())
            st.html(headline_html(fig))
            st.text(fig.sentence.text)
            if fig.place_key and smap.place(fig.place_key):
                st.button(f"Show {smap.place(fig.place_key).name} on the map", key=f"fig-{i}",
                          on_click=choose, args=(fig.place_key,))
    bars = comparison(smap.figures)
    if bars:
        st.markdown(f"**How the figures compare ({bars[0].unit})**")
        st.html(bars_html(bars))
