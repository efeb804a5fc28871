"""Import (editors only): a story from pasted text, a file or a web address, geoparsed on the way in."""

import streamlit as st

from pages._navigation import through_app
from pages._resources import gazetteer, geocoder_chain, storage
from pages._sign_in import sign_in
from storymap.articles import StoryError
from storymap.escaping import markdown_text as md
from storymap.importing import MAX_DOCX_BYTES, FetchError, check_file, story_from_file, story_from_text, story_from_url
from storymap.newsroom import add_story

through_app()
editor = sign_in("Import a story")
if editor is None:
    st.stop()

st.title("Import a story")
how = st.radio("From", ["Pasted text", "A file", "A web address"], horizontal=True)
story = None
try:
    if how == "Pasted text":
        with st.form("paste"):
            title = st.text_input("Title")
            dateline = st.text_input("Dateline")
            date = st.text_input("Date (YYYY-MM-DD)")
            text = st.text_area("Text", height=300)
            if st.form_submit_button("Import"):
                story = story_from_text(title, text, dateline=dateline, date=date)
    elif how == "A file":
        upload = st.file_uploader("A .txt, .md, .html or .docx file", type=["txt", "md", "html", "htm", "docx"],
                                  max_upload_size=-(-MAX_DOCX_BYTES // 2**20))
        if upload is not None:
            check_file(upload.name, upload.size)  # an empty or oversized file is said so at once, not on Import
            if st.button("Import"):
                story = story_from_file(upload.name, upload.getvalue())
    else:
        url = st.text_input("Address of the article (http or https)")
        if url and st.button("Import"):
            with st.spinner("Fetching the page…"):
                story = story_from_url(url.strip())
except (StoryError, FetchError) as exc:
    st.error(md(exc))

if story is not None:
    for warning in story.warnings:
        st.warning(md(warning))
    chain, off = geocoder_chain()
    if off:
        st.warning(f"Online geocoders are off: {md(off)}")
    with st.status("Finding the places in the story…", expanded=True) as status:
        st.write("Looking names up in the offline gazetteer" + (" and online" if chain.online else "") + "…")
        record, problems, figures = add_story(storage(), editor, story, gazetteer(), chain)  # a free slug
        st.write(f"Found {len(record.places)} places and {figures:d} figures.")
        status.update(label=f"Imported “{md(record.title)}”", state="complete")
    for problem in problems:
        st.warning(f"“{md(problem.name)}” could not be looked up with {md(problem.geocoder)}: {md(problem.reason)}. "
                   "The story opens with what the offline gazetteer found; retry from the editor later.")
    if not problems and not story.warnings:
        st.switch_page("pages/reader.py", query_params={"story": record.slug})
    st.page_link("pages/reader.py", label="Open it in the reader", query_params={"story": record.slug})
