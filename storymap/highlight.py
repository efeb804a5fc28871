"""The story's text as HTML, with its place names highlighted and its sentences numbered.

Each place name is a link to ``#place=KEY`` carrying ``data-place``: the viewer
(viewer.js) takes the click and moves the map, with no page load; the link alone
still names the view. Every sentence is a ``data-sentence`` span, so the viewer can
mark what the story says about a place. The HTML is the template ``story_text.html``
(every value escaped there); this module cuts the text into its runs. Styles are in
storymap.css.
"""

from __future__ import annotations

from markupsafe import Markup

from storymap.analysis import StoryMap
from storymap.maps import KIND_STYLE
from storymap.templating import render


FIGURE = "figure"


def text_html(story_map: StoryMap) -> Markup:
    """Paragraphs of the story, sentence by sentence, with linked place names and marked figures."""
    text = story_map.story.text
    marks: list[tuple[int, int, object]] = []  # (start, end, what the run is: a place or FIGURE)
    for rp in story_map.places:
        style = KIND_STYLE[rp.place.kind]
        place = (rp.key, style["color"], style["ink"], rp.written_name)
        marks.extend((m.start, m.end, place) for m in rp.mentions)
    for fig in story_map.figures:
        if not any(s < fig.end and fig.start < e for s, e, _ in marks):
            marks.append((fig.start, fig.end, FIGURE))
    # Where two marks cover the same words, the first in this order is shown (a place, by key).
    marks.sort(key=lambda mark: (mark[0], mark[1], mark[2] == FIGURE, mark[2][0] if mark[2] != FIGURE else ""))

    paragraphs = []  # each a list of (text, mark); (None, n) opens sentence n, (None, None) closes it
    sentences = iter(enumerate(story_map.sentences))
    pending = next(sentences, None)
    for p_start, p_end in story_map.story.paragraphs:
        runs = []
        pos = p_start
        while pending is not None and pending[1].start < p_end:
            index, sentence = pending
            runs += _runs(text, pos, max(pos, sentence.start), marks)
            runs.append((None, index))
            runs += _runs(text, max(pos, sentence.start), min(sentence.end, p_end), marks)
            runs.append((None, None))
            pos = min(sentence.end, p_end)
            pending = next(sentences, None)
        runs += _runs(text, pos, p_end, marks)
        paragraphs.append(runs)
    return render("story_text.html", paragraphs=paragraphs)


def _runs(text: str, start: int, end: int, marks) -> list[tuple[str, object]]:
    """text[start:end] as (text, mark) runs: mark is None for plain text."""
    out, pos = [], start
    for a, b, mark in marks:
        if a >= start and b <= end and a >= pos:
            out += [(text[pos:a], None), (text[a:b], mark)]
            pos = b
    out.append((text[pos:end], None))
    return out
