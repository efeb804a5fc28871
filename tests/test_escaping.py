"""Each escaping function against hostile input, in the context it is for."""

import csv
import io
import json
import re

import pytest

from storymap.escaping import csv_cell, html_text, js_json, markdown_text

PAYLOADS = [
    '<img src=x onerror="alert(1)">', "</script><script>alert(1)</script>", "javascript:alert(1)",
    "**Breaking:** [story withdrawn](https://evil.example)", "![x](http://evil.example/x.png)",
    ":red[alarm] :material/warning: $x^2$", "`code` ${alert(1)} \\u003c", "\u2028\u2029", "=HYPERLINK(\"x\")",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_leaves_no_markup(payload):
    out = html_text(payload)
    assert "<" not in out and ">" not in out and '"' not in out and "`" not in out
    import html
    assert html.unescape(out) == payload  # the reader sees exactly what was written


@pytest.mark.parametrize("payload", PAYLOADS)
def test_js_json_cannot_close_its_script_and_means_the_same(payload):
    out = js_json({"k": payload})
    assert "</" not in out and "<!--" not in out and "\u2028" not in out
    assert json.loads(out) == {"k": payload}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_text_escapes_every_construct(payload):
    out = markdown_text(payload)
    # Every Markdown-significant character is preceded by a backslash: unescaping gives the text back.
    assert re.sub(r"\\(.)", r"\1", out).replace("\u2060", "") == " ".join(payload.split())
    for construct in ("[", "](", "**", "![", ":red[", "$", "`", "<"):
        if construct in payload:
            assert construct not in re.sub(r"\\.", "", out)


def test_markdown_text_is_one_line():
    assert markdown_text("a\n\n# heading\n- item") == r"a \# heading \- item"


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_makes_formulas_text(value):
    assert csv_cell(value) == "'" + value
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(value)])
    assert not next(csv.reader(io.StringIO(buffer.getvalue())))[0].startswith(("=", "+", "-", "@"))


def test_csv_cell_keeps_numbers_and_plain_text():
    assert csv_cell(-73.9) == -73.9 and csv_cell(0) == 0 and csv_cell("Wana") == "Wana"


def test_js_json_opens_no_template_tag():
    # branca renders a map's scripts as Jinja templates a second time: a story's "{{ ... }}"
    # was evaluated on the server (issue 15's payload test found it).
    out = js_json({"text": "{{ 7*7 }} {% if 1 %}{% endif %} {# c #} {{{", "nested": {"a": {"b": 1}}})
    assert not any(tag in out for tag in ("{{", "{%", "{#"))
    assert json.loads(out)["text"] == "{{ 7*7 }} {% if 1 %}{% endif %} {# c #} {{{"


@pytest.mark.parametrize("text", ["https://evil.example/x", "HTTP://EVIL.EXAMPLE", "www.evil.example", "bob@evil.example"])
def test_markdown_text_breaks_bare_addresses(text):
    # Autolink literals are found after escapes are read: only a character inside the trigger stops them.
    out = markdown_text(f"call {text} now")
    shown = re.sub(r"\\(.)", r"\1", out)
    assert text not in shown and shown.replace("\u2060", "") == f"call {text} now"
