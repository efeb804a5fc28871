"""The story's text as HTML, with its place names highlighted and linked.

Each place name links to the same view with that place chosen
(``?story=...&place=...``), so the link works from anywhere, and the sentences
about the chosen place are marked. All story text is escaped; the only markup
is ours.
"""

from __future__ import annotations

from urllib.parse import urlencode

from storymap.analysis import StoryMap
from storymap.maps import KIND_STYLE, escape

CSS = """
<style>
.sm-text p { line-height: 1.65; margin: 0 0 .9em; }
.sm-text a.sm-place { text-decoration: none; border-bottom: 2px solid var(--sm-kind); color: inherit;
  background: color-mix(in srgb, var(--sm-kind) 12%, transparent); border-radius: 2px; padding: 0 1px; }
.sm-text a.sm-place:hover, .sm-text a.sm-place.sm-chosen { background: color-mix(in srgb, var(--sm-kind) 35%, transparent); }
.sm-text mark.sm-passage { background: #fff3b0; padding: 1px 0; }
.sm-text .sm-figure { font-weight: 600; }
</style>
"""


def place_url(story_slug: str, place_key: str | None, base: str = "") -> str:
    params = {"story": story_slug}
    if place_key:
        params["place"] = place_key
    return f"{base}?{urlencode(params)}"


def text_html(story_map: StoryMap, chosen: str | None = None, link: bool = True) -> str:
    """Paragraphs of the story with linked place names, chosen passages marked.

    ``link=False`` (an exported file) points the names at ``#place-key``; the file's
    own script moves the map.
    """
    text = story_map.story.text
    marks: list[tuple[int, int, str, str]] = []  # (start, end, open, close)
    for rp in story_map.places:
        color = KIND_STYLE[rp.place.kind]["color"]
        cls = "sm-place sm-chosen" if rp.key == chosen else "sm-place"
        href = escape(place_url(story_map.story.slug, rp.key)) if link else f"#place-{escape(rp.key)}"
        for m in rp.mentions:
            marks.append((m.start, m.end,
                          f'<a class="{cls}" data-place="{escape(rp.key)}" style="--sm-kind:{color}" '
                          f'href="{href}" target="_self" title="{escape(rp.place.name)} — show on the map">',
                          "</a>"))
    for fig in story_map.figures:
        if not any(s < fig.end and fig.start < e for s, e, _, _ in marks):
            marks.append((fig.start, fig.end, '<span class="sm-figure">', "</span>"))
    chosen_place = story_map.place(chosen)
    passages = story_map.passages(chosen_place) if chosen_place else []
    marks.sort()

    out = ['<div class="sm-text">']
    for p_start, p_end in story_map.story.paragraphs:
        out.append("<p>")
        pos = p_start
        for sentence in [s for s in passages if p_start <= s.start < p_end] or [None]:
            if sentence is None:
                break
            out.append(_marked(text, pos, sentence.start, marks))
            out.append('<mark class="sm-passage">')
            out.append(_marked(text, sentence.start, sentence.end, marks))
            out.append("</mark>")
            pos = sentence.end
        out.append(_marked(text, pos, p_end, marks))
        out.append("</p>")
    out.append("</div>")
    return CSS + "".join(out)


def _marked(text: str, start: int, end: int, marks) -> str:
    out, pos = [], start
    for a, b, open_tag, close_tag in marks:
        if a >= start and b <= end and a >= pos:
            out += [escape(text[pos:a]), open_tag, escape(text[a:b]), close_tag]
            pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)
