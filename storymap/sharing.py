"""What a shared link to a story shows: its title, a description and an image (Open Graph and
Twitter card metadata in the page's ``<head>``), for the link previews of chat apps and networks.

Previewers fetch the image themselves, so only an absolute http(s) address is named: an image
stored in Storymap becomes a ``data:`` URI in an exported file, which no previewer can fetch
and Open Graph does not allow.
"""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup

from storymap.analysis import StoryMap
from storymap.templating import render
from storymap.tours import lead_image, ordered_places

MAX_DESCRIPTION = 200
"""About what a preview shows of a description before it cuts it itself."""


def description(story_map: StoryMap) -> str:
    """The story's first sentences, as many as fit in :data:`MAX_DESCRIPTION` characters (at least
    the first, shortened at a word with an ellipsis when it alone is longer)."""
    text = ""
    for sentence in story_map.sentences:
        words = " ".join(sentence.text.split())
        if text and len(text) + 1 + len(words) > MAX_DESCRIPTION:
            break
        text = f"{text} {words}".strip()
    if len(text) > MAX_DESCRIPTION:
        text = text[:MAX_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
    return text


def share_image(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> str:
    """The lead image (the first stop's that has one, as on the tour's cover) when the page names
    it by an absolute http(s) address; else ""."""
    lead = lead_image(ordered_places(story_map))
    if lead is None:
        return ""
    try:
        src = media_url(lead.url) if media_url else lead.url
    except LookupError:  # a stored image gone from the store
        return ""
    return src if src.lower().startswith(("https://", "http://")) else ""


def share_meta(story_map: StoryMap, media_url: Callable[[str], str] | None = None) -> Markup:
    """The ``<meta>`` elements of a page showing the story, every value escaped."""
    return render("share_meta.html", title=story_map.story.title, description=description(story_map),
                  image=share_image(story_map, media_url))
