"""Storymap's core: from a news article to a map story (geoparsing, figures, maps, tours, storage, export).

Nothing here imports Streamlit; the app's pages are thin views over these modules,
and ``python -m storymap`` uses them from the command line.
"""
