"""The HTML the core writes comes from Jinja templates in ``storymap/templates/``.

One environment, made once here. Autoescape is on, and every value a template prints
goes through :func:`storymap.escaping.html_text` (the environment's ``finalize``), so
templates and Python share one escaping path and a template never escapes by hand. What
:func:`render` returns is ``Markup``: a rendered template put into another stays markup
(a popup's image, a legend's shapes), and anything else is text.

Templates are written one element a line, indented to show their nesting; the loader drops
each line's leading spaces and its line break (:class:`_JoinedLines`), so the page gets the
same compact HTML as before, with no stray text nodes between elements.

Scripts are not here: the map's JavaScript is ``storymap/map.js`` and the viewer's
``storymap/viewer.js``, called with JSON values (see :class:`storymap.maps.MapCall`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.ext import Extension
from markupsafe import Markup

from storymap.escaping import html_text

TEMPLATES = Path(__file__).with_name("templates")


class _JoinedLines(Extension):
    """Each line of a template loses its leading spaces and its line break.

    A space that must stay between the words of two lines is written at the end of the
    first line.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return "".join(line.lstrip() for line in source.splitlines())


def _escaped(value) -> Markup:
    """What a template prints: markup as it is, anything else as text (escaping.html_text)."""
    return value if isinstance(value, Markup) else html_text(value)


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=True, finalize=_escaped, undefined=StrictUndefined,
    extensions=[_JoinedLines], auto_reload=False,
)
ENVIRONMENT.globals.clear()  # range, cycler, lipsum...: no template needs them, and each render copied them


@lru_cache(maxsize=None)
def template(template_name: str) -> Template:
    return ENVIRONMENT.get_template(template_name)


def render(template_name: str, /, **values) -> Markup:
    """The template filled with ``values``, every one of them escaped unless it is Markup."""
    return Markup(template(template_name).render(**values))
