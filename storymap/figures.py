"""Figures: the numbers a story turns on, with their units and what they measure.

A newsroom article states its key numbers in a handful of forms: money
("$8 trillion"), shares ("more than 90%"), quantities with a unit ("22,000 tons
of copper"), multiples ("nearly ten times as much copper"), fractions ("a fifth
of") and years ("in 2021"). Each figure keeps the sentence it comes from, so the
page can show it in context, a caption in the article's own words (``meaning``)
and the place the text ties it to, if any (``place_key``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storymap.articles import Sentence
from storymap.templating import render

_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twenty": 20, "hundred": 100, "a": 1, "one": 1, "half": 0.5}
_FRACTIONS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6, "tenth": 10}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_QUALIFIER = r"(?P<qual>more than|less than|fewer than|over|under|nearly|almost|about|around|roughly|some|" \
             r"as much as|as many as|up to|at least|at most|close to|an estimated)?\s*"
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_UNITS = r"(?P<unit>metric tons|tonnes|tons|tonnes|kilograms|kg|kilometres|kilometers|km|miles|barrels|" \
         r"ounces|hectares|acres|megawatts|MW|people|workers|soldiers|families|homes|villages|mines)"

# Words that end the phrase of what a figure counts or is a share of ("90% of the basin | lies in").
_ENDS_PHRASE = (r"(?:in|at|on|by|near|from|to|for|with|since|outside|inside|within|off|around|across|throughout|"
                r"worth|was|is|were|are|has|have|had|will|would|can|could|may|might|lies|lie|"
                r"last|this|next|each|every|per|which|who|that|where)\b")

_PATTERNS = [
    ("money", re.compile(_QUALIFIER + r"(?P<cur>[$€£])\s?" + _NUMBER + r"(?:\s?(?P<scale>trillion|billion|million|thousand|bn|m|k)\b)?", re.I)),
    ("percent", re.compile(_QUALIFIER + _NUMBER + r"\s?(?:%|per ?cent\b)", re.I)),
    ("quantity", re.compile(_QUALIFIER + _NUMBER + r"(?:\s(?P<scale>million|billion|thousand))?\s" + _UNITS +
                            r"\b(?:\sof\s(?P<what>[a-z][a-z-]*(?:\s(?!" + _ENDS_PHRASE + r"|(?:a|an|the|and|or|years?)\b)[a-z][a-z-]*)?))?", re.I)),
    ("multiple", re.compile(_QUALIFIER + r"(?P<num>two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|\d+)\s+times\b"
                            r"(?:\s(?:as\s(?:much|many|large|big|high|long|great)|more|larger|bigger|higher|greater|longer)\b"
                            r"(?:\s(?!(?:as|than|that|which|and|or|in|at|of)\b)(?P<what>[a-z][a-z-]*)\b)?)?", re.I)),
    ("fraction", re.compile(_QUALIFIER + r"\b(?P<num>a|one|two|three)\s+(?P<frac>half|third|quarter|fourth|fifth|sixth|tenth)s?"
                            r"(?=\s+of\s+[^,.;:\n]{3,80}?(?:[,.;:\n]|$))", re.I)),
    ("year", re.compile(r"(?<![\w$.,-])(?P<num>(?:19|20)\d\d)(?![\w%,-]|\.\d)")),
]
_DATE_BEFORE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2},\s*$")

# What a caption reads from the words around a figure.
_OF_PHRASE = re.compile(r"\s+of\s+(?P<what>[^,.;:()\n]{3,80}?)\s*(?=[,.;:()\n]|\s" + _ENDS_PHRASE + r"|$)")
_VALUE_OF = re.compile(r"\b(?P<head>value|cost|price|worth|budget|revenue|revenues|sales|exports|imports)\s+of\s+"
                       r"(?P<what>[^.;:()\n]{3,80}?)\s+(?:at|is|was|are|were|of|to|reached|stood at|rose to|fell to)\s+$", re.I)
_PAST_VERB = re.compile(r"(?:^|\s)(?P<verb>[a-z]{2,}(?<!e)ed|sold|spent|lost|made|sent|paid|won|bought|brought|built|took|"
                        r"dug|grew|held|shipped)\s+$")
_WHEN = re.compile(r"^\s+(?P<when>last year|this year|next year|a year|each year|every year|per year|annually|"
                   r"in (?:19|20)\d\d)\b")
_FROM_PLACE = re.compile(r"^\s+(?P<rel>from|to|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+(?:the\s+)?"
                         r"(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")
_SUBJECT = re.compile(r"(?:^|\s)(?P<subject>(?:a|an|the|its|their|this|that|these|those)\s(?:[\w'’-]+\s){0,5}?[\w'’-]+)"
                      r"\s+[a-z]+\s+$", re.I)
_DISTANCE_UNITS = {"km", "kilometres", "kilometers", "miles"}
_MEASURES = {"tons": "Weight", "kg": "Weight", "kilograms": "Weight", "ounces": "Weight", "hectares": "Area",
             "acres": "Area", "megawatts": "Power", "mw": "Power", "barrels": "Volume"}

# Where a figure's clause ends: a comma not inside a number, other punctuation, a new clause's first word.
_CLAUSE_BREAK = re.compile(r",(?!\d)|[;:()\u2014\u2013]|\s(?=(?:which|who|whom|whose|where|although|though|while|whereas|"
                           r"because|but|unless)\s)", re.I)
_LOCATIVE_BEFORE = re.compile(r"\b(?:at|in|near|from|outside|inside|within|off|around|across|throughout)\s+(?:the\s+)?$", re.I)
_ADJACENT_GAP = re.compile(r"^(?:['’]s)?\s*(?:(?:in|at|on|of|by|for)\s+)?$", re.I)


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
    what: str = ""     # what it counts or is a share/value of, in the article's words
    place_key: str = ""
    caption: str = ""  # what it measures, in a few words; see ``meaning``
    place_name: str = ""  # the article's words for the place at ``place_key``

    @property
    def display(self) -> str:
        """The figure as a card headline: '22,000 tons of copper', '$8 trillion', 'more than 90%'."""
        return self.text.strip()

    @property
    def meaning(self) -> str:
        """What the number measures, as a short label to show above or beside ``display``.

        Built from the article's own words, with their capitalisation ("Share of the annual
        copper consumption of the United States"); its first letter is upper-case and the rest is
        as written, so a page shows it as it is (``str.capitalize`` would lower-case proper
        nouns). It never repeats the display's unit or substance ("22,000 tons of copper" is
        captioned "Copper mined last year", "some 35 km" "Distance from Miranshah").
        """
        return self.caption or _KIND_CAPTIONS.get(self.kind, "Figure")


_KIND_CAPTIONS = {"money": "Value", "percent": "Share", "quantity": "Amount", "multiple": "Comparison",
                  "fraction": "Share", "year": "Year"}


def extract_figures(text: str, sentences: list[Sentence], mentions: list[tuple[int, int, str, int]] = ()) -> list[Figure]:
    """All figures in ``text``, in reading order.

    ``mentions`` are (start, end, place_key, specificity) of the places named in
    ``text``; each figure is tied to the place its text ties it to, if any (see
    ``_tied_place``).
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
            before, after = text[sentence.start : start], text[end : sentence.end]
            what = (groups.get("what") or "").strip()
            reach = end  # the figure's own words, with what it is a share of
            if kind in ("percent", "fraction") and (of := _OF_PHRASE.match(after)):
                what, reach = of.group("what"), end + of.end("what")
            elif kind == "money" and (value_of := _VALUE_OF.search(before)):
                what = value_of.group("what")
            place = _tied_place(text, sentence, start, reach, mentions)
            figures.append(Figure(
                kind=kind, value=value, unit=unit, text=text[start:end], start=start, end=end,
                sentence=sentence, qualifier=(groups.get("qual") or "").lower(), what=what,
                place_key=place[0], place_name=place[1],
                caption=_caption(kind, unit, what, before, after),
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


def _upper_first(words: str) -> str:
    """'share of the United States' -> 'Share of the United States' (the rest kept as written)."""
    return words[:1].upper() + words[1:]


def _caption(kind: str, unit: str, what: str, before: str, after: str) -> str:
    """A short label for a figure from the words of its sentence (``before`` and ``after`` it).

    quantity  "Pakistan mined 22,000 tons of copper last year" -> "Copper mined last year";
              "some 35 km from Miranshah" -> "Distance from Miranshah"; else its measure ("Weight").
    percent,  "90% of the world's rare earth elements" -> "Share of the world's rare earth elements".
    fraction
    money     "puts the value of the country's copper ... at $8 trillion" -> "Value of the country's copper ...";
              "spent $5 million" -> "Money spent".
    multiple  "a second deposit close by holds nearly ten times as much copper" -> "A second deposit close by",
              the clause's subject: the display already says how much of what.
    """
    verb = _PAST_VERB.search(before)
    verb = verb.group("verb") if verb else ""
    when = _WHEN.match(after)
    when = f" {when.group('when')}" if when else ""
    if kind == "quantity":
        if what:
            return _upper_first(f"{what} {verb}{when}" if verb else f"amount of {what}{when}")
        if unit in _DISTANCE_UNITS:
            other = _FROM_PLACE.match(after)
            return f"Distance {other.group('rel')} {other.group('place')}" if other else "Distance"
        return _MEASURES.get(unit, "Number") + when
    if kind in ("percent", "fraction") and what:
        return f"Share of {what}"
    if kind == "money":
        value_of = _VALUE_OF.search(before)
        if value_of:
            return _upper_first(f"{value_of.group('head')} of {value_of.group('what')}")
        if verb:
            return f"Money {verb}{when}"
    if kind == "multiple" and (subject := _SUBJECT.search(before)):
        return _upper_first(subject.group("subject"))
    return _KIND_CAPTIONS[kind]


def _clause(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """The clause of ``sentence`` that holds text[start:end]: from the last break before it to the first after."""
    head = text[sentence.start : start]
    breaks = [b.end() for b in _CLAUSE_BREAK.finditer(head)]
    after = _CLAUSE_BREAK.search(text, end, sentence.end)
    return sentence.start + (breaks[-1] if breaks else 0), after.start() if after else sentence.end


def _tied_place(text: str, sentence: Sentence, start: int, reach: int, mentions) -> tuple[str, str]:
    """The place the text ties a figure to, as (place_key, the article's words for it); ("", "") if none.

    Only places named in the figure's own clause count (a clause ends at a comma,
    semicolon, colon, dash or bracket, or where "which", "who", "where", "although",
    "while", "because", "but"... opens another), and of those, the first of:

    1. a place named in the figure's own words: "a fifth of the annual copper
       consumption of the United States" is the United States';
    2. a place introduced by at, in, near, from, outside, inside, within... after the
       figure, else before it, the nearest first: "22,000 tons of copper last year at
       the Muhammad Khel copper mine", "some 35 km from Miranshah";
    3. the clause's subject, a place that opens it: "China refines more than 90% of
       the world's rare earth elements";
    4. a place right before the figure, with at most a preposition or "'s" between:
       "troops left Afghanistan in 2021", "Pakistan's 240 million people".

    Any other place in the sentence is not the figure's, however near: in "In
    Islamabad, the government puts the value of the country's copper ... at as
    much as $8 trillion", Islamabad is only where the valuation was made (its
    introductory phrase is a clause of its own) and the country it values is not
    named, so that figure is tied to no place rather than to a wrong one. Among
    equally placed names the more specific place (the mine before its country) wins.
    """
    first, last = _clause(text, sentence, start, reach)
    inside = [(s, e, key, rank) for s, e, key, rank in mentions if first <= s and e <= last]
    if not inside:
        return "", ""
    chosen = (sorted((m for m in inside if start <= m[0] < reach), key=lambda m: -m[3])
              or sorted((m for m in inside if m[0] >= reach and _LOCATIVE_BEFORE.search(text[first : m[0]])),
                        key=lambda m: (m[0] - reach, -m[3]))
              or sorted((m for m in inside if m[1] <= start and _LOCATIVE_BEFORE.search(text[first : m[0]])),
                        key=lambda m: (start - m[1], -m[3]))
              or [m for m in inside if m[1] <= start and re.fullmatch(r"\s*(?:the\s+)?", text[first : m[0]], re.I)]
              or [m for m in inside if m[1] <= start and _ADJACENT_GAP.match(text[m[1] : start])])
    if not chosen:
        return "", ""
    s, e, key, _ = chosen[0]
    return key, text[s:e]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    unit: str
    figure: Figure


def comparison(figures: list[Figure]) -> list[Bar]:
    """The quantities a story states in one unit, side by side, for a chart.

    Only numbers the article states are drawn, never one worked out from them (a
    multiple's base is often not the quantity nearest to it). The unit with the
    most stated quantities wins, the first met on a tie; with fewer than two of
    any unit there is nothing to compare and the list is empty.
    """
    groups: dict[str, list[Bar]] = {}
    for fig in figures:
        if fig.kind == "quantity":
            groups.setdefault(fig.unit, []).append(Bar(_bar_label(fig), fig.value, fig.unit, fig))
    usable = [g for g in groups.values() if len(g) >= 2]
    return max(usable, key=len, default=[])


def bars_html(bars: list[Bar]) -> str:
    """The comparison drawn as plain HTML bars (the template ``bars.html``), every label escaped.

    Two or three numbers need no chart library: a page with Vega on it took a
    quarter longer to show its map (make load).
    """
    top = max((b.value for b in bars), default=0.0)
    rows = [(bar.label, f"{100 * bar.value / top if top > 0 else 0.0:.1f}",
             f"{bar.value:,.0f}" if abs(bar.value) >= 10 else f"{bar.value:g}", bar.unit) for bar in bars]
    return str(render("bars.html", rows=rows))


def _bar_label(fig: Figure) -> str:
    """The figure's caption, and the place it is tied to in the article's words: 'Copper mined last year (Muhammad Khel)'."""
    label = fig.meaning
    if fig.place_name and fig.place_name not in label:
        label += f" ({fig.place_name})"
    return label
