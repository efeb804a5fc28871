"""Every text a page shows through Markdown is written there or passed through ``md()``.

Streamlit renders its messages, headings, captions and widget labels as Markdown, so a
title, a place's name or an address parameter put into one as it is becomes a live link,
a remote image or bold "Breaking:" text (issue 15). This test reads the pages' source and
fails on any interpolated value that does not go through ``storymap.escaping.markdown_text``
(imported as ``md``): the next field added to a page is checked without anyone remembering.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
# Streamlit calls whose first argument (or label=) is rendered as Markdown.
MARKDOWN_CALLS = {"title", "header", "subheader", "markdown", "caption", "write", "error", "warning", "info",
                  "success", "toast", "expander", "button", "checkbox", "radio", "selectbox", "text_input",
                  "text_area", "number_input", "file_uploader", "download_button", "link_button", "page_link",
                  "form_submit_button", "status", "spinner", "tabs", "popover", "toggle", "multiselect"}


def _safe(node: ast.AST) -> bool:
    """A value that cannot carry Markdown from input."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is not None or _safe(node.value)  # a number formatted with a spec
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("md", "len", "int")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return _safe(node.func.value) and all(isinstance(a, ast.GeneratorExp) and _safe(a.elt) for a in node.args)
    if isinstance(node, ast.Name):
        return node.id.isupper()  # a constant of the program's own
    if isinstance(node, ast.BinOp):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return node.value.id.isupper()  # a constant table of the program's own words
    if isinstance(node, ast.List):
        return all(_safe(e) for e in node.elts)
    if isinstance(node, ast.Attribute):  # the program's own constants and labels
        return node.attr.isupper()
    return False


def unsafe_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MARKDOWN_CALLS):
            continue
        shown = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in ("label", "body")]
        if node.func.attr in ("write", "markdown"):
            shown = list(node.args)
        for arg in shown:
            if arg is not None and not _safe(arg):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)[:80]}")
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_show_input_only_through_md(path):
    assert unsafe_calls(path) == []


def test_the_check_finds_an_unescaped_value(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('st.warning(f"No story called {slug}")\nst.error(str(exc))\nst.title(f"{md(t)}")\n')
    assert [line.split(":")[1] for line in unsafe_calls(page)] == ["1", "2"]
