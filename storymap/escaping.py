"""Text from input, made safe for each place it can end up: one function per context.

Anything a story holds (its title, a place's label, a note, a source, a key) may
have been written by anyone: an imported web page, a JSON file, an editor. It is
text, and stays text wherever it is shown:

* :func:`html_text` for HTML element content and attribute values (MarkupSafe's escape,
  which the templates' autoescape applies through it: see :mod:`storymap.templating`);
* :func:`js_json` for a value inside a ``<script>`` element (JSON, with nothing that
  could close the element);
* :func:`markdown_text` for a Streamlit message or heading, which renders Markdown;
* :func:`csv_cell` for a spreadsheet cell, which would otherwise run a formula.

Every module that writes one of these contexts goes through these functions, and
``tests/test_escaping.py`` feeds each one hostile input.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

__all__ = ["html_text", "js_json", "script_safe", "markdown_text", "csv_cell"]


_TEMPLATE_STRING = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def html_text(text) -> Markup:
    """HTML-escape for element content or a quoted attribute (MarkupSafe's escape: & < > " ');
    also neutralise the characters that matter if the result is later put inside a JS
    template string. Whatever ``text`` is (even Markup), it is escaped as text."""
    out = escape(str(text))
    if "`" in out or "$" in out or "\\" in out:
        return Markup(str.translate(out, _TEMPLATE_STRING))
    return out


_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_safe(json_text: str) -> str:
    """JSON text that can stand inside a <script> element whatever its strings hold.

    ``<``, ``>`` and ``&`` become JSON escapes, so no string can close the element, open a
    comment or start the parser's "double-escaped" state; U+2028 and U+2029 too, which
    older JavaScript reads as line ends. A ``{`` that would open a Jinja tag (``{{``, ``{%``,
    ``{#``) is escaped as well: branca renders a map's scripts as templates a second time,
    so a story's ``{{ ... }}`` would otherwise be run on the server. JSON puts all of these
    characters next to each other only inside strings, where the escapes mean the same.
    """
    return _JINJA_OPEN.sub(r"\\u007b", json_text.replace("<", "\\u003c").replace(">", "\\u003e")
                           .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def js_json(value) -> str:
    """``value`` as JSON that can sit inside a <script> element (a JS literal of the same value)."""
    return script_safe(json.dumps(value))


# Everything Streamlit's Markdown gives a meaning to: CommonMark's ASCII punctuation (a
# backslash before any of it is literal), plus ":" (emoji and :material/icons:, :red[colour]
# directives and bare links) and "$" (LaTeX).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^])")


# GitHub's "autolink literals" are found in the text after escapes are read, so a bare address
# (https://..., www...., name@host) became a live link however it was escaped. An invisible
# WORD JOINER (U+2060) inside the trigger stops it and is not seen.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=:\/\/)|(?<=www)(?=\.)|(?=@)")


def markdown_text(text: str) -> str:
    """Text that Streamlit's Markdown shows as it is: no links (bare addresses included),
    images, emphasis, HTML, icons or maths come from it. Line breaks become spaces (a message
    is one paragraph)."""
    flat = _AUTOLINK.sub("\u2060", " ".join(str(text).split()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list


def csv_cell(value):
    """A value for a CSV a reader opens in a spreadsheet: text that a spreadsheet would take
    for a formula gets a leading apostrophe (OWASP's rule); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
