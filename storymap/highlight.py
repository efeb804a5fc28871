"""The story's text as HTML, with its place names highlighted and its sentences numbered.

Each place name is a link to ``#place=KEY`` carrying ``data-place``: the viewer
(viewer.js) takes the click and moves the map, with no page load; the link alone
still names the view. Every sentence is a ``data-sentence`` span, so the viewer can
mark what the story says about a place. All story text is escaped; the only markup
is ours. Styles are in storymap.css.
"""

from __future__ import annotations

from storymap.analysis import StoryMap
from storymap.escaping import html_text
from storymap.maps import KIND_STYLE


def text_html(story_map: StoryMap) -> str:
    """Paragraphs of the story, sentence by sentence, with linked place names and marked figures."""
    text = story_map.story.text
    marks: list[tuple[int, int, str, str]] = []  # (start, end, open, close)
    for rp in story_map.places:
        style = KIND_STYLE[rp.place.kind]
        name = html_text(rp.written_name)
        for m in rp.mentions:
            marks.append((m.start, m.end,
                          f'<a class="sm-place" data-place="{html_text(rp.key)}" href="#place={html_text(rp.key)}" '
                          f'style="--sm-kind:{style["color"]};--sm-ink:{style["ink"]}" '
                          f'title="{name}: show on the map">', "</a>"))
    for fig in story_map.figures:
        if not any(s < fig.end and fig.start < e for s, e, _, _ in marks):
            marks.append((fig.start, fig.end, '<span class="sm-figure">', "</span>"))
    marks.sort()

    out = ['<div class="sm-text">']
    sentences = iter(enumerate(story_map.sentences))
    pending = next(sentences, None)
    for p_start, p_end in story_map.story.paragraphs:
        out.append("<p>")
        pos = p_start
        while pending is not None and pending[1].start < p_end:
            index, sentence = pending
            out.append(_marked(text, pos, max(pos, sentence.start), marks))
            out.append(f'<span class="sm-sentence" data-sentence="{index}">')
            out.append(_marked(text, max(pos, sentence.start), min(sentence.end, p_end), marks))
            out.append("</span>")
            pos = min(sentence.end, p_end)
            pending = next(sentences, None)
        out.append(_marked(text, pos, p_end, marks))
        out.append("</p>")
    out.append("</div>")
    return "".join(out)


def _marked(text: str, start: int, end: int, marks) -> str:
    out, pos = [], start
    for a, b, open_tag, close_tag in marks:
        if a >= start and b <= end and a >= pos:
            out += [html_text(text[pos:a]), open_tag, html_text(text[a:b]), close_tag]
            pos = b
    out.append(html_text(text[pos:end]))
    return "".join(out)
