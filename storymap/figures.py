"""Figures: the numbers a story turns on, with their units and what they measure.

A newsroom article states its key numbers in a handful of forms: money
("$8 trillion"), shares ("more than 90%"), quantities with a unit ("22,000 tons
of copper"), multiples ("nearly ten times as much"), fractions ("a fifth of")
and years ("in 2021"). Each figure keeps the sentence it comes from, so the
page can show it in context, and the place that sentence names nearest to it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from storymap.articles import Sentence

_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twenty": 20, "hundred": 100, "a": 1, "one": 1, "half": 0.5}
_FRACTIONS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6, "tenth": 10}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_QUALIFIER = r"(?P<qual>more than|less than|fewer than|over|under|nearly|almost|about|around|roughly|some|" \
             r"as much as|as many as|up to|at least|at most|close to|an estimated)?\s*"
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_UNITS = r"(?P<unit>metric tons|tonnes|tons|tonnes|kilograms|kg|kilometres|kilometers|km|miles|barrels|" \
         r"ounces|hectares|acres|megawatts|MW|people|workers|soldiers|families|homes|villages|mines)"

_PATTERNS = [
    ("money", re.compile(_QUALIFIER + r"(?P<cur>[$€£])\s?" + _NUMBER + r"(?:\s?(?P<scale>trillion|billion|million|thousand|bn|m|k)\b)?", re.I)),
    ("percent", re.compile(_QUALIFIER + _NUMBER + r"\s?(?:%|per ?cent\b)", re.I)),
    ("quantity", re.compile(_QUALIFIER + _NUMBER + r"(?:\s(?P<scale>million|billion|thousand))?\s" + _UNITS +
                            r"\b(?:\sof\s(?P<what>[a-z][a-z-]*(?:\s(?!(?:last|this|next|each|every|per|a|an|the|in|at|from|to|for|and|"
                            r"or|was|is|were|are|year|years|a year)\b)[a-z][a-z-]*)?))?", re.I)),
    ("multiple", re.compile(_QUALIFIER + r"(?P<num>two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|\d+)\s+times\b", re.I)),
    ("fraction", re.compile(_QUALIFIER + r"\b(?P<num>a|one|two|three)\s+(?P<frac>half|third|quarter|fourth|fifth|sixth|tenth)s?\s+of\s+"
                            r"(?P<what>[^,.;:\n]{3,80}?)(?=[,.;:\n]|$)", re.I)),
    ("year", re.compile(r"(?<![\w$.,-])(?P<num>(?:19|20)\d\d)(?![\w%,-]|\.\d)")),
]
_DATE_BEFORE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2},\s*$")


@dataclass(frozen=True)
class Figure:
    kind: str          # money, percent, quantity, multiple, fraction, year
    value: float
    unit: str
    text: str          # as written
    start: int
    end: int
    sentence: Sentence
    qualifier: str = ""
    what: str = ""
    place_key: str = ""

    @property
    def display(self) -> str:
        """The figure as a card headline: '22,000 tons', '$8 trillion', 'over 90%'."""
        return self.text.strip()

    @property
    def meaning(self) -> str:
        """What the number measures, in a few words."""
        if self.kind == "quantity" and self.what:
            return f"{self.unit} of {self.what}"
        if self.kind == "fraction":
            return f"of {self.what}"
        if self.kind == "multiple":
            return "times as much"
        if self.kind == "year":
            return "year"
        return {"money": "value", "percent": "share"}.get(self.kind, self.unit)


def extract_figures(text: str, sentences: list[Sentence], mentions: list[tuple[int, int, str, int]] = ()) -> list[Figure]:
    """All figures in ``text``, in reading order.

    ``mentions`` are (start, end, place_key, specificity): a figure belongs to the
    most specific place its sentence names (the mine before its country), the
    nearest one among equals.
    """
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start = m.start("num") if kind == "year" else m.start()
            start = start + (len(m.group()) - len(m.group().lstrip()))
            end = m.end()
            if any(s < end and start < e for s, e in taken):
                continue
            if kind == "year" and _DATE_BEFORE.search(text[max(0, start - 20) : start]):
                continue
            sentence = next((s for s in sentences if s.start <= start < s.end), None)
            if sentence is None:
                continue
            value, unit = _value(kind, m)
            groups = m.groupdict()
            figures.append(Figure(
                kind=kind, value=value, unit=unit, text=text[start:end], start=start, end=end,
                sentence=sentence, qualifier=(groups.get("qual") or "").lower(),
                what=(groups.get("what") or "").strip(), place_key=_nearest_place(sentence, start, mentions),
            ))
            taken.append((start, end))
    return sorted(figures, key=lambda f: f.start)


def _number(raw: str) -> float:
    raw = raw.lower()
    if raw in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[raw])
    return float(raw.replace(",", ""))


def _value(kind: str, m: re.Match) -> tuple[float, str]:
    groups = m.groupdict()
    number = _number(groups["num"])
    scale = _SCALES.get((groups.get("scale") or "").lower(), 1)
    if kind == "money":
        return number * scale, {"$": "USD", "€": "EUR", "£": "GBP"}[groups["cur"]]
    if kind == "percent":
        return number, "%"
    if kind == "quantity":
        unit = groups["unit"].lower()
        return number * scale, {"tonnes": "tons", "metric tons": "tons"}.get(unit, unit)
    if kind == "multiple":
        return number, "×"
    if kind == "fraction":
        return number / _FRACTIONS[groups["frac"].lower()], "share"
    return number, "year"


def _nearest_place(sentence: Sentence, at: int, mentions) -> str:
    inside = [(-rank, abs(s - at), key) for s, e, key, rank in mentions if sentence.start <= s < sentence.end]
    return min(inside)[2] if inside else ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    unit: str
    derived: bool
    figure: Figure


def comparison(figures: list[Figure]) -> list[Bar]:
    """Quantities that can stand side by side in a chart.

    A multiple ("nearly ten times as much") that follows a quantity in the same
    paragraph becomes a derived bar of that quantity's unit, so the mine's output
    can be drawn against the other site's potential.
    """
    bars: list[Bar] = []
    quantities: list[Figure] = []
    for fig in figures:
        if fig.kind == "quantity":
            bars.append(Bar(_bar_label(fig), fig.value, fig.unit, False, fig))
            quantities.append(fig)
        elif fig.kind == "multiple":
            base = _base_of(fig, quantities)
            if base:
                label = f"{fig.text} {base.display}"
                bars.append(Bar(label[0].upper() + label[1:], fig.value * base.value, base.unit, True, fig))
    groups: dict[str, list[Bar]] = {}
    for bar in bars:
        groups.setdefault(bar.unit, []).append(bar)
    usable = [g for g in groups.values() if len(g) >= 2]
    return max(usable, key=lambda g: (any(b.derived for b in g), len(g)), default=[])


def headline_html(fig: Figure) -> str:
    """A figure as its card's headline, escaped; unlike st.metric it wraps a long figure
    ("as much as $8 trillion") instead of cutting it."""
    return f'<div class="sm-figure" style="font-size:1.8rem;line-height:1.2">{html.escape(fig.display)}</div>'


def bars_html(bars: list[Bar]) -> str:
    """The comparison drawn as plain HTML bars, every label escaped.

    Two or three numbers need no chart library: a page with Vega on it took a
    quarter longer to show its map (make load). A bar derived from a multiple
    ("nearly ten times as much") is hatched and labelled as derived.
    """
    top = max((b.value for b in bars), default=0.0)
    rows = []
    for bar in bars:
        width = 100 * bar.value / top if top > 0 else 0.0
        fill = ("repeating-linear-gradient(45deg,#b45309 0 6px,#f3d9b1 6px 10px)" if bar.derived else "#b45309")
        amount = f"{bar.value:,.0f}" if abs(bar.value) >= 10 else f"{bar.value:g}"
        note = " (derived)" if bar.derived else ""
        rows.append(
            f'<div class="sm-bar-row" style="margin:.4rem 0">'
            f'<div style="font-size:.9rem">{html.escape(bar.label)}{note}</div>'
            f'<div style="display:flex;align-items:center;gap:.5rem">'
            f'<div class="sm-bar" style="height:14px;width:{width:.1f}%;background:{fill};border-radius:2px"></div>'
            f'<span style="font-size:.85rem;white-space:nowrap">{html.escape(amount)} {html.escape(bar.unit)}</span>'
            f"</div></div>")
    return f'<div class="sm-bars">{"".join(rows)}</div>'


def _base_of(multiple: Figure, quantities: list[Figure]) -> Figure | None:
    """The quantity a multiple multiplies: the one whose substance follows it ("ten times as much copper")."""
    same_paragraph = [q for q in quantities if q.sentence.paragraph == multiple.sentence.paragraph]
    offset = multiple.end - multiple.sentence.start
    after = multiple.sentence.text[offset : offset + 40].lower()
    named = [q for q in same_paragraph if q.what and q.what.split()[0].lower() in after]
    return (named or same_paragraph or [None])[-1]


def _bar_label(fig: Figure) -> str:
    return f"{fig.display}" + (f" ({fig.place_key.replace('-', ' ')})" if fig.place_key else "")
