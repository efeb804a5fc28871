"""Geoparsing: find the places a text names (recognition), then decide which
place of that name each one is (resolution).

Recognition looks for runs of capitalised words and matches their longest
sub-spans against the gazetteer's names, then rejects what is not a place in
context: people ("President Donald Trump"), organisations ("Columbia
University"), common words that are also towns ("March"). Demonyms
("Pakistani") are kept as evidence of where the story is, not drawn.

Resolution scores each candidate the geocoder offers: a prior from the kind of
place and its population, the story's country focus, "City, State" qualifiers,
and nearness to the story's other places. Every choice keeps its confidence,
the reason in words, and the runners-up, for the editor to review.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from geopy.geocoders.base import Geocoder

from storymap.articles import free_name, slugify
from storymap.gazetteer import (CITY, COUNTRY, DATA_DIR, REGION, Gazetteer, Place, contains, first_level, km,
                                is_county, normalize, postal_only, spellings)
from storymap.geocoders import OfflineGazetteer, candidates

LEXICON_PATH = DATA_DIR / "gazetteer" / "language.json"


@dataclass(frozen=True)
class Lexicon:
    titles: frozenset[str]
    org_words: frozenset[str]  # "University", "Post": a body named after a town, found elsewhere
    civic_words: frozenset[str]  # "Police", "Council": the place's own body, so the place is meant
    place_words: frozenset[str]
    directions: frozenset[str]
    connectors: frozenset[str]
    shortened: frozenset[str]  # "St", "Mt": a full stop after them does not end the name ("St. Louis")
    place_prefixes: frozenset[str]  # "Fort", "Port": a shortened word after them is a place's ("Fort St. John")
    not_places: frozenset[str]  # with the calendar's words
    calendar: frozenset[str]  # months and days: never a town, even before ", Texas" ("In March, Texas...")
    eras: frozenset[str]  # "B.C." after a year is the era, not British Columbia (normalized keys)
    saints: frozenset[str]  # "St", "Saint": "St. John's" keeps its 's, "St. John's School" is no place
    institutions: frozenset[str]  # last words that make a name an institution's ("State University")
    locative: frozenset[str]  # "in", "from", "to": a place follows
    inside: frozenset[str]  # "in", "near": only a place can follow ("to Jones", "at Passover" can be anything)
    cite_before_to: frozenset[str]  # "according", "spoke": "to" after them names a person or a source
    admin_units: frozenset[str]  # "County", "Parish": a unit named after a town
    demonyms: dict[str, str]

    @cached_property
    def demonym_words(self) -> dict[str, int]:
        """The first word of every demonym of several words, with the most words such a one has
        ("north" -> 2 for "North Korean")."""
        out: dict[str, int] = {}
        for phrase in self.demonyms:
            words = phrase.split()
            if len(words) > 1:
                out[words[0]] = max(out.get(words[0], 0), len(words))
        return out

    @cached_property
    def words_before_no_name(self) -> frozenset[str]:
        """Capitalised words before a town that make no person's name of it ("Northern", "March")."""
        return self.not_places | self.directions | self.connectors

    @cached_property
    def words_after_no_name(self) -> frozenset[str]:
        """... and after it ("Street", "Saturday")."""
        return self.place_words | self.connectors | self.calendar

    @cached_property
    def words_alone(self) -> frozenset[str]:
        """Words that alone are the word, not a town (unless a state follows): "March", "Hospital";
        one set to ask for each name judged, not four."""
        return self.not_places | self.org_words | self.civic_words | self.place_words


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    sets = {k: frozenset(w.lower() for w in data[k]) for k in
            ("titles", "org_words", "civic_words", "place_words", "directions", "connectors", "shortened",
             "place_prefixes", "not_places", "calendar", "saints", "institutions", "locative", "inside",
             "cite_before_to", "admin_units")}
    sets["not_places"] |= sets["calendar"]
    sets["eras"] = frozenset(normalize(w) for w in data["eras"])
    demonyms = _country_demonyms()
    demonyms.update({k.lower(): v for k, v in data["demonyms"].items()})  # ours decide
    return Lexicon(**sets, demonyms=demonyms)


def _country_demonyms() -> dict[str, str]:
    """'Russian' -> RU, 'Pakistanis' -> PK, 'Sri Lankan' -> LK: every country's demonym
    (countryinfo) and its plural."""
    from countryinfo import CountryInfo

    out = {}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2", "")
        for word in (info.get("demonym") or "").split(","):
            word = " ".join(word.lower().split())
            if code and word:
                out.setdefault(word, code)
                if word[-1] in "nir":
                    out.setdefault(word + "s", code)  # "Afghans", "Pakistanis", "New Zealanders"
    return out


def _demonyms(text: str, tokens: list[_Token], lexicon: Lexicon) -> list[tuple[Mention, str]]:
    """Words like 'Afghan', 'Pakistanis' or 'North Korean': each with the country it points to.
    The longest reading wins: 'North Korean' is North Korea, not South Korea's 'Korean'."""
    out = []
    longest, demonyms = lexicon.demonym_words, lexicon.demonyms
    taken = -1  # the end of a demonym of several words: its later words are read
    for i, t in enumerate(tokens):
        if t.start < taken or not t.capitalised:
            continue
        if t.lower in longest:
            for n in range(min(longest[t.lower], len(tokens) - i), 1, -1):
                words = tokens[i : i + n]
                code = demonyms.get(" ".join(w.lower for w in words))
                if code and all(text[a.end : b.start] == " " for a, b in zip(words, words[1:])):
                    taken = words[-1].end
                    out.append((Mention(t.start, taken, text[t.start : taken]), code))
                    break
            if t.start < taken:
                continue
        code = demonyms.get(t.lower)
        if code:
            out.append((Mention(t.start, t.end, t.text), code))
    return out


def _outside(demonyms: list[tuple[Mention, str]], places: list[Mention]) -> list[tuple[Mention, str]]:
    """The demonyms that are not part of a place's name ('Dominican' in 'Dominican Republic')."""
    taken = [(m.start, m.end) for m in places]
    return [(m, code) for m, code in demonyms if not any(s <= m.start < e for s, e in taken)]


@dataclass(frozen=True)
class Mention:
    """A stretch of text that names a place."""

    start: int
    end: int
    text: str
    qualifier: str = ""  # "South Carolina" in "Columbia, South Carolina"
    initial: bool = False  # first word of a sentence: its capital letter proves nothing
    lookup: str = ""  # the name to look up when it differs from the words ("Clay County" for "Clay and Grant counties")

    @property
    def name(self) -> str:
        return self.lookup or self.text


@dataclass
class ResolvedPlace:
    """A place of the story: where it is, how sure we are, and why."""

    key: str
    place: Place
    mentions: list[Mention]
    confidence: float
    reason: str
    runners_up: list[Place] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def written_name(self) -> str:
        """The name as the story spells it most often ("Miranshah"), which readers look for.

        The gazetteer's name ("Miran Shah") stands when the story also writes it, or writes
        only a part of it ("Muhammad Khel" for the mine), an abbreviation ("US") or a word
        in lower case."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            counts[m.text] = counts.get(m.text, 0) + 1
        if not counts or self.place.name in counts:
            return self.place.name
        written = max(counts, key=lambda text: (counts[text], len(text)))
        plain = self.place.name.casefold()
        if (written.casefold() in plain or not written[:1].isupper()
                or (written.isupper() and len(written) <= 4)):
            return self.place.name
        return written


@dataclass
class Geoparse:
    mentions: list[Mention]
    places: list[ResolvedPlace]
    focus: dict[str, float]
    unresolved: list[Mention]
    demonyms: list[tuple[Mention, str]] = field(default_factory=list)  # "Afghan" -> AF, outside place names


# --- recognition ----------------------------------------------------------


class _Token:
    """A word of the text; a plain class with slots, since a story has thousands of them."""

    __slots__ = ("start", "end", "text", "possessive", "lower", "capitalised", "key")

    def __init__(self, start: int, end: int, text: str, possessive: bool, capitalised: bool | None = None):
        self.start, self.end, self.text, self.possessive = start, end, text, possessive
        self.lower = text.lower()
        self.capitalised = text[0].isupper() if capitalised is None else capitalised
        self.key = normalize(text)  # the gazetteer's key for the word: a run's key is its words' keys


def _tokens(text: str) -> list[_Token]:
    """The capitalised words of ``text``, and initials ("U.S.", "W.Va.").

    Lowercase words are not needed as tokens: the gap they leave between two
    capitalised words is what breaks a run of names. Skipping them inside the
    regular-expression engine is most of the speed of recognition.
    """
    out = []
    for m in _CAPITALISED.finditer(text):
        word = m.group()
        end, possessive = m.end(), False
        if len(word) > 2 and word[-2:] in ("'s", "’s"):
            word, end, possessive = word[:-2], end - 2, True
        out.append(_Token(m.start(), end, word, possessive))
    if any(hint in text for hint in _ELISION_HINTS):
        # "Côte d'Ivoire", "Sharm el-Sheikh": a capitalised word behind an elided article, which the
        # pattern above skips as the inside of a word. Searched for only when the text has one.
        out += [_Token(m.start(), m.end(), m.group(), False, capitalised=True) for m in _ELIDED.finditer(text)]
        out.sort(key=lambda t: t.start)
    return out


def _compounds_split(tokens: list[_Token], gazetteer: Gazetteer, lexicon: Lexicon) -> list[_Token]:
    """ "Pakistan-Afghanistan border", "Washington-based", "Iran-backed", "Egyptian-US relations": a
    hyphenated word that is no name of its own yields the well-known places it joins (countries,
    places of 100,000 people, curated places) and its demonyms; "Winston-Salem" stays whole, and
    "Al-Qaeda" yields nothing."""
    if not any("-" in tok.text for tok in tokens):
        return tokens
    out = []
    for tok in tokens:
        if "-" not in tok.text or gazetteer.knows(tok.key) or tok.text[0].islower():  # "el-Sheikh": an article's
            out.append(tok)
            continue
        for m in _LETTERS.finditer(tok.text):
            if m.group()[0].isupper() and (m.group().lower() in lexicon.demonyms or _well_known(gazetteer, m.group())):
                out.append(_Token(tok.start + m.start(), tok.start + m.end(), m.group(),
                                  tok.possessive and m.end() == len(tok.text)))
    return out


def _well_known(gazetteer: Gazetteer, name: str) -> bool:
    """A country, a place of 100,000 people or a curated place: a name a reader knows as a place
    even where the words around it could make it something else."""
    top = gazetteer.lookup(name, 1)
    return bool(top) and (top[0].kind == COUNTRY or top[0].population >= 100_000 or top[0].id.startswith("cur:"))


_LETTER = r"[^\W\d_]"
_UPPER = "".join(re.escape(c) for c in map(chr, range(0x10000)) if c.isupper() and re.match(_LETTER, c))
# The first letter comes before the look back (not inside a word, nor after "post-"), so the
# engine can jump from capital to capital.
_CAPITALISED = re.compile(
    rf"[A-Z]\.(?:[A-Z][a-z]?\.)+|[{_UPPER}](?<!{_LETTER}.)(?<!{_LETTER}['’\-].){_LETTER}*(?:['’\-]{_LETTER}+)*")
_ELIDED = re.compile(rf"(?<!\S)(?:[dl]['’]|[ae][lz]-)[{_UPPER}]{_LETTER}*(?:['’\-]{_LETTER}+)*")
_ELISION_HINTS = (" d'", " l'", " d’", " l’", " al-", " el-", " az-", " ez-")


def _used_lowercase(text: str, word: str) -> bool:
    """Whether ``word`` also appears in ``text`` in lowercase, as a word of its own ("reading").

    A plain substring search with the word's edges checked by hand: a pattern
    compiled per word would cost more than the search, once per new word.
    """
    word = word.lower()
    if len(text) > LONG_TEXT and word.isalpha():
        # A long story asks about thousands of names: look each up among its words instead
        # of searching the whole text for every one.
        return any(_word_starts(text, at) and _word_ends(text, at + len(word))
                   for at in _letter_runs(text).get(word, ()))
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if _word_starts(text, at) and _word_ends(text, end):
            return True
        at = text.find(word, at + 1)
    return False


LONG_TEXT = 50_000  # characters; past this, _used_lowercase indexes the text's words once
_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def _letter_runs(text: str) -> dict[str, list[int]]:
    """Where each run of letters of a long text starts."""
    runs: dict[str, list[int]] = {}
    for m in _LETTERS.finditer(text):
        runs.setdefault(m.group(), []).append(m.start())
    return runs


def _word_starts(text: str, at: int) -> bool:
    """Not inside a word, nor after "post-" or "d'"."""
    before = text[max(0, at - 2) : at]
    if not before or not before[-1].isalpha() and before[-1] not in "'’-":
        return True
    return not before[-1].isalpha() and (len(before) < 2 or not before[0].isalpha())


def _word_ends(text: str, end: int) -> bool:
    """Followed by no letter, no "-word", no "'word" (a possessive "'s" is fine)."""
    after = text[end : end + 3]
    if not after or not after[0].isalpha() and after[0] not in "'’-":
        return True
    if after[0].isalpha():
        return False
    if len(after) < 2 or not after[1].isalpha():
        return True  # "reading-" or "reading' ", punctuation that ends it
    return after[0] in "'’" and after[1] == "s" and (len(after) < 3 or not after[2].isalpha())


_WORD = re.compile(r"\S+")


@lru_cache(maxsize=8)
def _connector_gap(connectors: frozenset[str]) -> re.Pattern:
    """A gap of connectors between two capitalised words: " of ", " de la "."""
    listed = "|".join(re.escape(w) for w in sorted(connectors, key=len, reverse=True))
    return re.compile(rf" (?:(?:{listed}) )+")


def _runs(text: str, tokens: list[_Token], lexicon: Lexicon, gazetteer: Gazetteer) -> list[list[_Token]]:
    """Maximal runs of capitalised words, joined by single spaces or connectors, or by the stop
    of a shortened word that begins a name ("St. Louis", "Mt. Pleasant", "Fort St. John"; but
    "Main St. George said" is a street, then a man), or by an 's that belongs to a name
    ("Cox's Bazar"; but "Pakistan's Army" ends at the possessive)."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    connector_gap = _connector_gap(lexicon.connectors)
    for tok in tokens:
        if current and current[-1].possessive and text[current[-1].end + 2 : tok.start] == " " \
                and _name_goes_on(current, tok, gazetteer):
            last = current[-1]  # "Cox's": a name goes on, and its 's is part of it
            last.end, last.key, last.possessive = last.end + 2, last.key + "s", False
        if current and not current[-1].possessive:
            start = current[-1].end
            gap = text[start : tok.start]
            if gap == " " or gap == ". " and current[-1].lower in lexicon.shortened and _begins_name(current, lexicon):
                current.append(tok)
                continue
            if connector_gap.fullmatch(text, start, tok.start):
                current.extend(_Token(m.start(), m.end(), m.group(), False)
                               for m in _WORD.finditer(text, start, tok.start))
                current.append(tok)
                continue
        if current:
            runs.append(current)
        current = [tok]
    if current:
        runs.append(current)
    return runs


def _name_goes_on(current: list[_Token], tok: _Token, gazetteer: Gazetteer) -> bool:
    """Whether the possessive word ending ``current`` and ``tok`` make a name the gazetteer knows:
    "Cox's Bazar", "St. John's Wood"."""
    last = current[-1].key + "s " + tok.key
    return gazetteer.knows(last) or len(current) > 1 and gazetteer.knows(
        " ".join(t.key for t in current[:-1] if t.key) + " " + last)


def _begins_name(current: list[_Token], lexicon: Lexicon) -> bool:
    """Whether the last word of ``current`` (a shortened "St") begins a name: first of its run, after a
    connector, a place prefix ("Fort St. John") or a locative that starts the sentence ("In St. John's")."""
    if len(current) == 1:
        return True
    before = current[-2]
    return not before.capitalised or before.lower in lexicon.place_prefixes or before.lower in lexicon.locative


def find_mentions(text: str, gazetteer: Gazetteer, lexicon: Lexicon | None = None) -> tuple[list[Mention], Counter]:
    """Mentions of places in ``text``, and the countries its demonyms point to."""
    mentions, demonyms = _recognise(text, gazetteer, lexicon or load_lexicon())
    return mentions, Counter(code for _, code in demonyms)


def _recognise(text: str, gazetteer: Gazetteer, lexicon: Lexicon) -> tuple[list[Mention], list[tuple[Mention, str]]]:
    """Mentions of places, and every demonym with its country, from one pass over the words."""
    tokens = _compounds_split(_tokens(text), gazetteer, lexicon)
    demonyms = _demonyms(text, tokens, lexicon)
    found: list[tuple[Mention, bool, str]] = []  # (mention, single common-name token, verdict)
    people: set[str] = set()  # names a title, a middle initial or an age gave to a person
    speakers: set[str] = set()  # names that "said": people, or a city speaking for its government
    runs = _runs(text, tokens, lexicon, gazetteer)
    regions: dict[int, str] = {}  # where a qualifier starts: the region it names ("La." -> Louisiana)
    for r_index, run in enumerate(runs):
        for i, j in _matches(text, run, gazetteer, lexicon):
            surface = text[run[i].start : run[j - 1].end]
            # "Wintersville, Ohio": Ohio qualifies the town, and is a mention of its own as well.
            qualifier = ""
            if j == len(run) and r_index + 1 < len(runs):
                qualifier = _qualifier(text, run[-1], runs[r_index + 1], gazetteer, lexicon)
                region = _region_holding(surface, qualifier, gazetteer) if qualifier else None
                if region:
                    regions[runs[r_index + 1][0].start] = region.name
                else:
                    qualifier = ""  # "According to Conrad, South Africa ...": no Conrad lies there
            after_a_town = i == 0 and r_index > 0 and text[runs[r_index - 1][-1].end : run[0].start] == ", "
            verdict = _judge(text, run, i, j, surface, gazetteer, lexicon, qualifier, after_a_town)
            if verdict == "speaker" and _well_known(gazetteer, surface):
                verdict = "neighbour"  # "Moscow said": the city speaking, unless the story shows a person
            if verdict in ("person", "speaker"):
                (people if verdict == "person" else speakers).update(t.lower for t in run[i:j])
                continue
            if verdict == "other":
                continue
            initial = _sentence_initial(text, run[i].start) and not _dateline(text, run[i].start, run[j - 1].end)
            end = run[j - 1].end
            if run[j - 1].possessive and run[i].lower in lexicon.saints \
                    and gazetteer.knows(" ".join(t.key for t in run[i:j] if t.key) + "s"):
                end += 2  # "St. John's", "St. Mary's": the 's is the name's, not a possessive
                surface = text[run[i].start : end]
            if text.startswith(".", end) and gazetteer.written_with_stop(run[j - 1].key):
                end += 1  # "Columbus, Ind.": the stop belongs to the abbreviation
                surface = text[run[i].start : end]
            # "Laurel County", "Rapides Parish": a unit the gazetteer lacks (else the match had
            # taken it in), named after a town. The town is no place for it: the whole name is
            # the mention, left for an online geocoder or an editor to place.
            unit = j < len(run) and words_of(run)[j] in lexicon.admin_units
            if unit:
                end = run[j].end
                surface = text[run[i].start : end]
            # "Sulphur, La.": the qualifier is the region holding the town, whatever its words mean
            # alone ("LA" is Los Angeles first).
            lookup = regions.get(run[i].start, "") if i == 0 else ""
            if normalize(lookup) == normalize(surface):
                lookup = ""
            found.append((Mention(run[i].start, end, surface, qualifier, initial, lookup), j - i == 1 and not unit,
                          verdict))
    found = _unit_lists(text, found, gazetteer)
    # One sense per story. A name a title, an initial or an age makes a person's is a person's
    # everywhere, unless it is a country or region ("King Abdullah of Jordan"... "Jordan" stays).
    # A name that "said", or beside another capitalised word ("Jackson Smith", "Gainesville VFW
    # Post"), is a place if the story shows it as one elsewhere, else a person's, unless it is a
    # well-known place: "Tabriz told", "Moscow said" are cities speaking, "CBC Toronto" a channel.
    placed = {m.text.lower() for m, _, verdict in found
              if verdict == "place" and (m.qualifier or _after_locative(text, m.start, lexicon, inside=True)
                                         and not text.startswith(("'s", "’s"), m.end))} - people - speakers
    heard = (speakers | {m.text.lower() for m, _, verdict in found if verdict == "neighbour"}) - placed
    return [m for m, single, verdict in found
            if (verdict == "place" or m.text.lower() in placed)
            and not (single and m.text.lower() in people and gazetteer.lookup(m.text, 1)[0].kind == CITY)
            and not (single and m.text.lower() in heard and not _well_known(gazetteer, m.text))], demonyms


_NAME = r"[A-Z][\w'’.]*(?: [A-Z][\w'’.]*)*"
# "Becker, Clay and Otter Tail counties": the names of a list that a plural unit word ends.
_UNIT_LIST = re.compile(rf"({_NAME}(?:, {_NAME})*),? (?:and|&) ({_NAME}) ([Cc]ounties|[Pp]arishes|[Bb]oroughs)\b")
_UNIT_OF = {"counties": "County", "parishes": "Parish", "boroughs": "Borough"}


def _unit_lists(text: str, found: list[tuple[Mention, bool, str]], gazetteer: Gazetteer) -> list:
    """ "Jackson and Barrow counties": each name of the list is its county, whatever else the
    words could be (a person, a town); the county the gazetteer knows by the name and the unit."""
    if "ounties" not in text and "arishes" not in text and "oroughs" not in text:
        return found
    units = []
    for m in _UNIT_LIST.finditer(text):
        unit = _UNIT_OF[m.group(3).lower()]
        names = [(m.start(1) + n.start(), n.group()) for n in re.finditer(_NAME, m.group(1))]
        for start, name in names + [(m.start(2), m.group(2))]:
            words = name.split(" ")
            # The longest tail of the words that names a unit: "In Becker" is Becker County.
            for k in range(len(words)):
                tail = " ".join(words[k:])
                if gazetteer.knows(normalize(f"{tail} {unit}")):
                    begin = start + len(name) - len(tail)
                    units.append(Mention(begin, begin + len(tail), tail, lookup=f"{tail} {unit}"))
                    break
    if not units:
        return found
    taken = [(u.start, u.end) for u in units]
    kept = [f for f in found if not any(s < f[0].end and f[0].start < e for s, e in taken)]
    return sorted(kept + [(u, False, "place") for u in units], key=lambda f: f[0].start)


_SPEECH = re.compile(r"\s+(?:said|says|told|added|asked|wrote|testified|explained|argued)\b")


def words_of(run: list[_Token]) -> list[str]:
    return [t.lower for t in run]


def _said(text: str, end: int) -> bool:
    """A name followed by 'said', 'told'...: a person speaking ("Anderson said")."""
    return bool(_SPEECH.match(text, end))


def find_unknown_names(text: str, gazetteer: Gazetteer, known: list[Mention],
                       lexicon: Lexicon | None = None) -> list[Mention]:
    """Capitalised names the gazetteer does not know but the context says are places.

    "near Boya", "outside Spinwam", "the Shawal Valley": a locative word before
    the name, or a place word at its end. These are what an online geocoder is
    asked about; everything else stays offline.
    """
    lexicon = lexicon or load_lexicon()
    tokens = _tokens(text)
    taken = [(m.start, m.end) for m in known]
    out = []
    for run in _runs(text, tokens, lexicon, gazetteer):
        start, end = run[0].start, run[-1].end
        if any(s < end and start < e for s, e in taken):
            continue
        words = words_of(run)
        if set(words) & (lexicon.titles | lexicon.org_words | lexicon.civic_words) or words[0] in lexicon.not_places:
            continue
        locative = _after_locative(text, start, lexicon)
        place_word = len(run) > 1 and words[-1] in lexicon.place_words
        if (locative or place_word) and not _sentence_initial(text, start):
            out.append(Mention(start, end, text[start:end]))
    return out


_ABBREVIATED = re.compile(r"([A-Za-z]+)\.\s+$")


def _after_abbreviated_title(text: str, start: int, lexicon: Lexicon) -> bool:
    """ "Rev. Khan": a title with a full stop just before, which ends the run of capitalised words."""
    if "." not in text[max(0, start - 4) : start]:
        return False  # most names: no stop just before, no pattern to run
    title = _ABBREVIATED.search(text, max(0, start - 8), start)
    # A whole word ("... Municipal Court Judge. Columbus attorney ...") ends a sentence instead.
    return bool(title) and len(title.group(1)) <= 4 and title.group(1).lower() in lexicon.titles


_MIDDLE_INITIAL = re.compile(r"[A-Z][a-z]+ [A-Z]\. $")
_NUMBERED = re.compile(r" \d")
_AGE = re.compile(r", \d{1,3},")  # "Patricia Moore, 62, of ...": the newspaper's age after a name


def _after_middle_initial(text: str, start: int) -> bool:
    """ "Matthew D. Flores": a first name and a middle initial just before."""
    if text[start - 2 : start] != ". " or start < 4 or not text[start - 3].isupper() or text[start - 4] != " ":
        return False  # most names: no initial before, no pattern to run
    return bool(_MIDDLE_INITIAL.search(text, max(0, start - 20), start))


def _after_locative(text: str, start: int, lexicon: Lexicon, inside: bool = False) -> bool:
    """ "in Gainesville", "from Lincoln": the word before says a place follows ("according to
    Conrad", "spoke to Jackson" do not); with ``inside``, only a place can follow ("in", "near")."""
    before = text[max(0, start - 24) : start].split()
    if not before or before[-1].lower() not in (lexicon.inside if inside else lexicon.locative):
        return False
    return before[-1].lower() != "to" or len(before) < 2 or before[-2].lower() not in lexicon.cite_before_to


def _acronym(word: str) -> bool:
    return len(word) <= 3 and word.isupper() and word.isalpha()


def _after_number(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip()
    return bool(before) and before[-1].isdigit()


_DATELINE_END = re.compile(r"(?:,|:| [—–-]| \()")


def _dateline(text: str, start: int, end: int) -> bool:
    """ "WANA: ...", "KARACHI (Reuters) -": a place in capitals opening a line, as a dateline; its
    capitals are the writer's choice, not a sentence's first word."""
    return text[start:end].isupper() and not text[text.rfind("\n", 0, start) + 1 : start].strip() \
        and bool(_DATELINE_END.match(text, end))


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?\n:"


def _matches(text: str, run: list[_Token], gazetteer: Gazetteer, lexicon: Lexicon):
    """Longest-first, left-to-right sub-spans of ``run`` that the gazetteer knows.

    A run's words are joined by single spaces or connectors, so the key of a span is
    its words' keys joined by spaces: nothing is normalized twice. "Dublin City Council" is
    Dublin's council (GeoNames calls Dublin, Ireland, "Dublin City" too): a name ending in "City"
    before a civic word is the town's, unless "X City" is a place's own name ("Kansas City Council").
    """
    i, n = 0, len(run)
    while i < n:
        first = run[i]
        if not first.capitalised:
            i += 1
            continue
        for j in range(min(n, i + gazetteer.span_limit(first.key)), i, -1):
            if not run[j - 1].capitalised:
                continue
            key = first.key if j == i + 1 else " ".join(t.key for t in run[i:j] if t.key)
            if gazetteer.knows(key):
                if j < n and run[j - 1].lower == "city" and run[j].lower in lexicon.civic_words \
                        and normalize(gazetteer.lookup(key, 1)[0].name) != key:
                    continue
                yield i, j
                i = j
                break
        else:
            i += 1


def _judge(text: str, run: list[_Token], i: int, j: int, surface: str, gazetteer: Gazetteer,
           lexicon: Lexicon, qualifier: str = "", after_a_town: bool = False) -> str:
    """'place', 'person', 'speaker' (before "said"), 'neighbour' (a person's name, or a place's
    beside another name), 'unsure' (a place if the story shows it as one elsewhere) or 'other'
    for the match run[i:j] in its context; ``qualifier``, the region named after its comma
    ("Reading, Pa."), if any; ``after_a_town``, whether a name and a comma come just before it
    ("Boston, Mass.")."""
    if j - i == 1:
        key = run[i].key
        if gazetteer.only_after_a_town(key) and not after_a_town:
            return "other"  # "Mass", "Miss Hale": the word, not Massachusetts or Mississippi
        if key in lexicon.eras and _after_number(text, run[i].start):
            return "other"  # "100 B.C."
    words = words_of(run)
    if i > 0 and words[i - 1] in lexicon.place_prefixes:
        return "other"  # "Mount St. Helens", "Lake Victoria": a feature the gazetteer lacks, not the town
    if run[j - 1].possessive and words[i] in lexicon.saints and text[run[j - 1].end + 3 : run[j - 1].end + 4].isupper():
        return "other"  # "St. John's Lutheran School": a church, school or hospital named after the saint
    # "President Donald Trump": the words after a title name a person, up to a connector
    # ("President Bashir of Sudan": Sudan is a place).
    titled = [k for k, w in enumerate(words[:i]) if w in lexicon.titles] if i else []
    if titled and not any(w in lexicon.connectors for w in words[titled[-1] + 1 : i]):
        return "person"
    if i == 0 and _after_abbreviated_title(text, run[0].start, lexicon):
        return "person"  # "Rev. Khan", "Gen. Munir": the stop cut the title off the name's run
    if i == 0 and text[run[0].start - 2 : run[0].start] == ". " and _after_middle_initial(text, run[0].start):
        return "person"  # "Tyrise M. Bell": the stop cut the first name and initial off
    top = gazetteer.lookup(surface, 1)[0]
    if j - i == 1 and top.kind == CITY and words[i] in lexicon.demonyms and not qualifier:
        return "other"  # "Arab countries", "Canadian troops": the people's word (Arab, Alabama only as "Arab, Ala.")
    if j - i == 1 and top.kind == CITY and _acronym(run[i].text) and not gazetteer.alias_of(run[i].key) \
            and not _dateline(text, run[i].start, run[i].end):
        return "other"  # "a BA spokesperson": British Airways, not Ba, Fiji
    # Countries, large regions, curated places and names of several words are places whatever
    # follows; a small region can be a surname ("Nelson said": New Zealand has a Nelson region).
    strong = top.kind == COUNTRY or (top.kind == REGION and top.population >= 1_000_000) \
        or top.id.startswith("cur:") or j - i > 1
    # A word of the lexicon alone: "March", "Reading"; "Western" (an alternate name of a town in
    # Wisconsin); "Rev"; "Hospital", "Center", "Church" (towns in Chile, Texas and Kentucky).
    common = j - i == 1 and words[i] in lexicon.words_alone
    if common and qualifier and words[i] not in lexicon.calendar:
        return "place"  # "Reading, Pa.", "Union, N.J.": the state after the comma says it is the town
    if (common or j - i == 1 and (words[i] in lexicon.directions or words[i] in lexicon.titles)) \
            and not top.id.startswith("cur:"):
        return "other"
    if j - i > 1 and " ".join(words[i:j]) in lexicon.not_places:
        return "other"  # "El Niño": a town in Mexico, but in news the weather
    if j < len(words) and " ".join(words[i : j + 1]) in lexicon.not_places \
            or i > 0 and " ".join(words[i - 1 : j]) in lexicon.not_places:
        return "other"  # "Superior Court", "United Russia": a court and a party, with a place's word
    if j - i > 1 and words[j - 1] in lexicon.institutions and not top.id.startswith("cur:"):
        return "other"  # "State University": a town in Arkansas, but in news the school
    if any(w in lexicon.org_words for w in words[j:]) and top.kind not in (COUNTRY, REGION):
        # "Columbia University", "Washington Post": named after a town, elsewhere. A state's or
        # country's own bodies are its ("the Ohio Supreme Court", "the Pakistan Army").
        return "other"
    if strong:
        return "place"
    locative = _after_locative(text, run[i].start, lexicon)
    # "Patrick", "Day": a ZIP code's town; "Boons", "Prate": another name of a small town (Severna
    # Park); "Travis": a county without its unit word. Places only where the story says so ("in
    # Patrick", not "in Abbas's prisons"), if nothing below makes them a person's.
    unsure = not (locative and not run[j - 1].possessive or qualifier) and (
        postal_only(top) or j - i == 1 and normalize(top.name) != run[i].key
        and (top.kind == CITY and top.population < 100_000 or top.kind == REGION and is_county(top)))
    if j == len(run) and not locative and _NUMBERED.match(text, run[j - 1].end):
        return "other"  # "Pack 122", "Highway 19", "Chapter 11": a thing with a number (not "in Lahore 10 ...")
    if _used_lowercase(text, run[i].text):
        return "other"  # the same word appears as an ordinary word elsewhere
    if j == len(run) and _AGE.match(text, run[j - 1].end) and not locative:
        return "person"  # "Moore, 62,"
    if j == len(run) and _said(text, run[j - 1].end) and not locative:
        return "speaker"  # "Anderson said" (but "officials in Lincoln said")
    # A capitalised neighbour that is neither a place word nor a connector makes a
    # name of which this town is only a part: "Asim Munir", "Jackson Smith". A word in capitals
    # beside one that is not is no part of the same name ("CTV Winnipeg", "WASHINGTON Barack Obama").
    capitals = _in_capitals(run[i].text)
    before = words[i - 1] if i > 0 and _in_capitals(run[i - 1].text) == capitals else ""
    after = words[j] if j < len(words) and _in_capitals(run[j].text) == capitals else ""
    name_before = before and before not in lexicon.demonyms and before not in lexicon.words_before_no_name
    # The town's own body, however many words it takes ("Gainesville Environmental Services",
    # "Dublin Arts Council"): the town is meant.
    name_after = after and after not in lexicon.words_after_no_name \
        and not any(w in lexicon.civic_words for w in words[j:])
    if name_after and after in lexicon.titles:
        return "other"
    if name_before or name_after:
        return "neighbour"  # a person's name, unless the story shows it as a place elsewhere
    return "unsure" if unsure else "place"


def _in_capitals(word: str) -> bool:
    """ "CTV", "WASHINGTON": a word in capitals; an initial ("W") is not one."""
    return len(word) > 1 and word.isupper()


def _qualifier(text: str, last: _Token, following: list[_Token], gazetteer: Gazetteer, lexicon: Lexicon) -> str:
    """The region or country after "City, " when the gazetteer knows it as one ("Smith, M.D." is a doctor)."""
    if text[last.end : following[0].start] != ", " or following[0].lower in lexicon.titles:
        return ""
    surface = text[following[0].start : following[-1].end]
    # "Lafayette, La.": Louisiana, though "LA" alone is first Los Angeles.
    if any(p.kind in (COUNTRY, REGION) for p in gazetteer.lookup(surface, 3)):
        return surface
    return ""


# --- resolution -----------------------------------------------------------


RANKER_PATH = DATA_DIR / "gazetteer" / "ranker.json"


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence counts when choosing among places of one name.

    The shipped values are trained (``benchmarks/train_ranker.py``) and read
    from ``data/gazetteer/ranker.json``; these defaults are the hand-set ones.
    """

    country: float = 8.0  # the candidate is a country
    curated: float = 7.0  # ... one of our curated entries
    region: float = 5.0  # ... a state, province, county or continent
    town: float = 1.0  # ... a town, plus `population` per tenfold inhabitants
    population: float = 1.0
    own_name: float = 2.0  # the name is the place's own, not an alternate one
    first_listed: float = 1.0  # the gazetteer lists it first for this name
    same_region: float = 5.0  # times the share of the story's places in its state or province
    country_focus: float = 4.0  # times the share of the story's evidence for its country
    qualifier: float = 6.0  # "City, State" names its state or country
    near: float = 2.0  # within 300 km of a place the story is sure of
    together: float = 3.0  # per other name with a place that holds, lies in or lies near this one (up to two)


@lru_cache(maxsize=4)
def load_weights(path: Path = RANKER_PATH) -> Weights:
    if not Path(path).exists():
        return Weights()
    return Weights(**json.loads(Path(path).read_text(encoding="utf-8"))["weights"])


@dataclass
class _Choice:
    place: Place
    score: float
    reasons: list[tuple]  # what the place is, as (template, *values): formatted only for the choice that wins
    evidence: tuple = ()  # what the story added (see _rank), explained only for the choice that wins

    @property
    def reason(self) -> str:
        reasons = list(self.reasons)
        if self.evidence:
            tie, regional, share, near, only = self.evidence
            if only:
                reasons.insert(0, ("the only place with this name",))
            if tie:
                reasons.append(("the story also names {}, which {} it", tie[1], tie[2]))
            if regional:
                reasons.append(("in the same state or province as {:.0%} of the story's places", regional))
            if share:
                reasons.append(("in {}, {:.0%} of the story's country evidence", self.place.country, share))
            if near:
                reasons.append(("near {}", near))
        return "; ".join(template.format(*values) for template, *values in reasons)


def resolve(mentions: list[Mention], geocoder: Geocoder, gazetteer: Gazetteer,
            demonyms: Counter | None = None, dateline: str = "", weights: Weights | None = None) -> Geoparse:
    """Choose a place for every mention, using the whole story as evidence."""
    lexicon = load_lexicon()
    w = weights or load_weights()
    options: dict[tuple[str, str], list[Place]] = {}
    for m in mentions:
        key = (normalize(m.name), m.qualifier)
        if key not in options:
            options[key] = candidates(geocoder, m.name)
            code = lexicon.demonyms.get(m.name.lower())
            if code and code in gazetteer.countries():
                # "Russian" marked as a place names Russia, not a hamlet called Russian
                country = gazetteer.countries()[code]
                options[key] = [country] + [p for p in options[key] if p.id != country.id]
            elif not options[key]:
                options[key] = _named_by_people(m.name, gazetteer)  # "Ohioans", "Sri Lankan"
    priors = {k: _priors(k, opts, gazetteer, w) for k, opts in options.items()}
    together = _together(options, {(normalize(m.name), m.qualifier): m.name for m in mentions}, priors)
    # A name votes by how likely each of its places is given the names around it, not alone.
    odds = {k: _country_odds(p, _scores(p, {}, w, together.get(k))) for k, p in priors.items()}
    votes, own = _votes(mentions, options, odds, demonyms or Counter(), dateline, gazetteer, lexicon)
    focus = _shares(votes)
    # A name is judged by the rest of the story: its own vote would only confirm its first guess
    # ("Hyderabad" voting for India in a story about Pakistan).
    others = {k: _shares(votes, without=own[k]) if k in own else focus for k in options}

    # A first look with the story's countries: the places it is sure of anchor the final ranking.
    sure = {}
    for k, p in priors.items():
        scores = _scores(p, others[k], w, together.get(k))
        if scores:
            top = max(range(len(scores)), key=scores.__getitem__)
            if p[top].place.kind != COUNTRY and _sureness(scores, scores[top]) >= 0.8:
                sure[k] = p[top].place
    anchors = [place for place in sure.values() if place.precision_km < 100]
    # Within a country, the story's state or province: "Alexandria" in a story about Louisiana.
    regional = {k: (place.country, place.admin1) for k, place in sure.items() if place.admin1}
    counts = Counter(regional.values())
    near = _Grid(cell_deg=NEAR_SURE_KM / 111.2)
    for anchor in anchors:
        near.add(anchor, anchor, NEAR_SURE_KM)
    final = {k: _rank(p, others[k], w, near, together.get(k),
                      _region_shares(counts - Counter([regional[k]]) if k in regional else counts))
             for k, p in priors.items()}

    total = sum(votes.values())
    evidence_elsewhere = {k: total - sum(own.get(k, Counter()).values()) for k in options}
    by_place: dict[str, ResolvedPlace] = {}
    unresolved: list[Mention] = []
    keys_used: set[str] = set()
    for m in mentions:
        ranked = final[(normalize(m.name), m.qualifier)]
        if not ranked:
            unresolved.append(m)
            continue
        best = ranked[0]
        key = (normalize(m.name), m.qualifier)
        if m.initial and not m.qualifier and _weak(best.place, focus):
            continue  # "One", "Mining": a capitalised first word, and a town nobody expects here
        if evidence_elsewhere[key] >= 2 and _stray(best.place, others[key], anchors):
            unresolved.append(m)  # a hamlet on another continent: better unplaced than misplaced
            continue
        if best.place.id not in by_place:
            slug = free_name(slugify(best.place.name), keys_used)
            keys_used.add(slug)
            by_place[best.place.id] = ResolvedPlace(
                key=slug, place=best.place, mentions=[], confidence=round(_confidence(ranked), 3),
                reason=best.reason, runners_up=[c.place for c in ranked[1:4]],
            )
        by_place[best.place.id].mentions.append(m)
    return Geoparse(mentions, list(by_place.values()), focus, unresolved)


def _votes(mentions, options, odds: dict, demonyms: Counter, dateline: str, gazetteer: Gazetteer,
           lexicon: Lexicon) -> tuple[Counter, dict[tuple[str, str], Counter]]:
    """Evidence for each country (named countries, places, demonyms, the dateline),
    and what each name contributed, so a name can be judged by the rest of the story.

    A name votes for the countries its places could be in, by how likely each
    place is on its own ("Hyderabad" splits its vote between India and Pakistan).
    """
    votes: Counter = Counter()
    own: dict[tuple[str, str], Counter] = {}
    for m in mentions:
        key = (normalize(m.name), m.qualifier)
        opts = options[key]
        if not opts:
            continue
        top = opts[0]
        small = top.kind == CITY and top.population < 50_000 and not top.id.startswith("cur:")
        weight = 2.0 if top.kind == COUNTRY else 0.0 if (small and m.initial) else 0.5 if small else 1.0
        mine = own.setdefault(key, Counter())
        for country, p in odds[key].items():
            votes[country] += weight * p
            mine[country] += weight * p
    votes.update({c: n for c, n in demonyms.items()})
    if dateline:
        for m in find_mentions(dateline, gazetteer, lexicon)[0]:
            for place in gazetteer.lookup(m.text, 1):
                votes[place.country] += 3
    return votes, own


def _scores(priors: list[_Choice], focus: dict[str, float], w: Weights,
            together: dict[str, tuple[float, str, str]] | None) -> list[float]:
    """The candidates' priors with their ties and the story's country focus, as bare numbers:
    the quick look that finds a name's countries and the places a story is sure of."""
    out = []
    for prior in priors:
        score = prior.score
        if together:
            tie = together.get(prior.place.id)
            if tie:
                score += w.together * min(tie[0], 2.0)
        if focus:
            score += w.country_focus * focus.get(prior.place.country, 0.0)
        out.append(score)
    return out


def _country_odds(priors: list[_Choice], scores: list[float]) -> dict[str, float]:
    """How likely each country is for a name, from its candidates' scores."""
    if not scores:
        return {}
    top = max(scores)
    weights = [(c.place.country, math.exp(score - top)) for c, score in zip(priors, scores)]
    total = sum(x for _, x in weights)
    odds: Counter = Counter()
    for country, x in weights:
        if country:
            odds[country] += x / total
    return odds


NEAR_KM = 40  # towns this close are "named together" (a town and its suburb, two neighbours)
SURE = 0.9  # a name this sure of one place lends little weight to its others


def _named_by_people(word: str, gazetteer: Gazetteer) -> list[Place]:
    """The country or region a demonym the lexicon lacks is formed from: "Ohioans" -> Ohio,
    "Ontarian" -> Ontario, "Dagestani" -> Dagestan, "Abkhaz" -> Abkhazia, "Sri Lankan" -> Sri Lanka."""
    stem = word[:-1] if word.endswith("s") else word
    guesses = [stem + "ia"]
    if stem.endswith("an"):
        guesses = [stem[:-1], stem[:-2], stem[:-2] + "e", stem[:-2] + "o"]
    elif stem.endswith("i"):
        guesses = [stem[:-1]]
    for guess in guesses:
        found = gazetteer.lookup(guess, 1) if len(guess) > 3 else []
        if found and (found[0].kind in (COUNTRY, REGION) or found[0].id.startswith("cur:")):
            return found
    return []


def _together(options: dict[tuple[str, str], list[Place]], names: dict[tuple[str, str], str],
              priors: dict[tuple[str, str], list[_Choice]]) -> dict[tuple[str, str], dict[str, tuple[float, str, str]]]:
    """For each name's candidates, how strongly the story's other names hold them, lie in them
    or lie near them: {key: {place id: (strength, an other name, "holds" / "lies in" / "lies near")}}.

    "Richmond" with "Madison County": of 39 Richmonds, Kentucky's lies in one of the
    Madison Counties, and that Madison County holds a Richmond; each name is the
    other's evidence, however ambiguous both are alone. An other name counts for as
    much as it discriminates: "Washington", near one Springfield or another all over
    the country, is worth a fraction to each; and a link through a place its name
    hardly means (the town of Washington in Georgia, when "Washington" is the capital),
    or to one (China, Maine, beside Washington, Maine), is worth what that name leaves
    to places other than its favourite.
    """
    # Indexed, since a story can have thousands of candidates (an atlas of a state's towns):
    # states and provinces by their code, other areas (counties, districts) and towns under
    # the one-degree cells they reach, so a candidate asks only its own cell.
    by_code: dict[tuple[str, str], list[tuple[tuple[str, str], Place]]] = {}
    areas, towns = _Grid(), _Grid()
    for key, opts in options.items():
        for place in opts:
            if place.kind == REGION and place.country:
                if first_level(place):
                    by_code.setdefault((place.country, place.admin1), []).append((key, place))
                else:
                    areas.add((key, place), place, place.precision_km)
            elif place.kind != COUNTRY and place.precision_km < NEAR_KM:
                towns.add((key, place), place, NEAR_KM)
    favourite = {}
    for key, choices in priors.items():
        if choices:
            ranked = sorted(choices, key=lambda c: -c.score)
            favourite[key] = (ranked[0].place.id, _confidence(ranked))
    links: dict[tuple[str, str], dict[tuple[str, str], dict[str, tuple[str, float]]]] = {}

    def link(key: tuple[str, str], place: Place, other: tuple[str, str], through: Place, relation: str) -> None:
        worth = 1.0
        for name, candidate in ((other, through), (key, place)):
            top, sure = favourite[name]
            if candidate.id != top and sure >= SURE:
                worth *= 1.0 - sure
        hits = links.setdefault(key, {}).setdefault(other, {})
        if worth > hits.get(place.id, ("", 0.0))[1]:
            hits[place.id] = (relation, worth)

    for key, opts in options.items():
        for place in opts:
            for holders in (areas.at(place), by_code.get((place.country, place.admin1), ())):
                for area_key, area in holders:
                    if area_key != key and contains(area, place):
                        link(key, place, area_key, area, "holds")
                        link(area_key, area, key, place, "lies in")
            if place.kind == REGION or place.kind == COUNTRY or place.precision_km >= NEAR_KM:
                continue
            for other_key, other in towns.at(place):
                if other_key != key and _within(place, other, NEAR_KM):
                    link(key, place, other_key, other, "lies near")
    ties: dict[tuple[str, str], dict[str, tuple[float, str, str]]] = {}
    for key, by_other in links.items():
        mine = ties.setdefault(key, {})
        for other, hits in by_other.items():
            share = 1.0 / len(hits)
            for place_id, (relation, worth) in hits.items():
                strength, name, how = mine.get(place_id, (0.0, names[other], relation))
                mine[place_id] = (strength + share * worth, name, how)
    return ties


class _Grid:
    """Things filed under every cell their place reaches (within ``reach_km``), so "what lies
    near here" asks one cell instead of every place of a story. Cells of ``cell_deg`` degrees:
    about the reach the grid is for, so a thing is filed in a few cells, not dozens."""

    WIDE_KM = 1000  # reaching further: kept aside and asked every time, rather than filed in hundreds of cells

    def __init__(self, cell_deg: float = 1.0) -> None:
        self.cells: dict[tuple[int, int], list] = {}
        self.wide: list = []
        self.size = cell_deg
        self.columns = round(360 / cell_deg)

    def add(self, item, place: Place, reach_km: float) -> None:
        if reach_km > self.WIDE_KM:
            self.wide.append(item)
            return
        size = self.size
        reach_lat = reach_km / 111.2
        reach_lon = min(180.0, reach_lat / max(math.cos(math.radians(place.lat)), 0.01))
        first, last = math.floor((place.lon - reach_lon) / size), math.floor((place.lon + reach_lon) / size)
        columns = range(self.columns) if last - first >= self.columns else \
            [c % self.columns for c in range(first, last + 1)]
        cells = self.cells
        for row in range(math.floor((place.lat - reach_lat) / size), math.floor((place.lat + reach_lat) / size) + 1):
            for col in columns:
                cells.setdefault((row, col), []).append(item)

    def at(self, place: Place) -> list:
        cell = (math.floor(place.lat / self.size), math.floor(place.lon / self.size) % self.columns)
        filed = self.cells.get(cell, [])
        return filed + self.wide if self.wide else filed


def _region_shares(counts: Counter) -> dict:
    """Each state's share of the story's sure places, once there are two to go on."""
    total = sum(counts.values())
    return {k: n / total for k, n in counts.items()} if total >= 2 else {}


def _shares(votes: Counter, without: Counter | None = None) -> dict[str, float]:
    """Each country's share of the evidence, largest first; ``without`` one name's own votes."""
    if without:
        votes = Counter({c: n - without.get(c, 0.0) for c, n in votes.items()})
    kept = [(c, n) for c, n in votes.most_common() if c and n > 1e-9]
    total = sum(n for _, n in kept)
    return {c: n / total for c, n in kept} if total else {}


def _priors(key: tuple[str, str], opts: list[Place], gazetteer: Gazetteer, w: Weights) -> list[_Choice]:
    """Each candidate's score from what it is, before the story is consulted (computed once per name)."""
    name, qualifier = key
    qualifying = gazetteer.lookup(qualifier, 3) if qualifier else []
    aliased = gazetteer.alias_of(name)
    out = []
    for rank, place in enumerate(opts):
        reasons: list[tuple] = []
        if place.kind == COUNTRY:
            score = w.country
            reasons.append(("a country",))
        elif place.id.startswith("cur:"):
            score = w.curated
            reasons.append(("curated entry",))
        elif place.kind == REGION:
            score = w.region
            reasons.append(("a region",))
        else:
            score = w.town + w.population * math.log10(place.population + 10)
            reasons.append(("population {:,}", place.population) if place.population else ("a named place",))
        if aliased == place.id and score < w.curated:
            score = w.curated  # "Heathrow": the airport, by our curated list, though a town has the name
            reasons.append(("what our curated list says this name means",))
        own = normalize(place.name) == name or name in spellings(normalize(place.name))  # "Mt." for "Mount"
        if own or place.id.startswith("cur:"):
            score += w.own_name  # every name our curated file gives a place is one of its own ("Gaza")
        if not own:
            reasons.append(("also known as {!r}", name))
        if rank == 0:
            score += w.first_listed
            if len(opts) > 1:
                reasons.append(("the gazetteer's first of {} places with this name", len(opts)))
        if any(_qualifies(q, place) for q in qualifying):
            score += w.qualifier
            reasons.append(("matches “{}”", qualifier))
        out.append(_Choice(place, score, reasons))
    return out


def _rank(priors: list[_Choice], focus: dict[str, float], w: Weights, anchors: "_Grid",
          together: dict[str, tuple[float, str, str]] | None = None, regions: dict | None = None) -> list[_Choice]:
    """The candidates, best first, once all the story's evidence is added to their priors: the
    quick look of ``_scores``, then the story's state or province and nearness to its sure places.
    The words for the evidence are put together for the winner alone (``_Choice.reason``)."""
    choices = []
    only = len(priors) == 1
    for prior, score in zip(priors, _scores(priors, focus, w, together)):
        place = prior.place
        regional = regions.get((place.country, place.admin1), 0.0) if regions and place.kind != COUNTRY else 0.0
        score += w.same_region * regional
        near = _near(place, anchors)
        if near:
            score += w.near
        tie = together.get(place.id) if together else None
        share = focus.get(place.country, 0.0) if w.country_focus else 0.0
        choices.append(_Choice(place, score, prior.reasons, (tie, regional, share, near, only)))
    choices.sort(key=lambda c: -c.score)
    return choices


NEAR_SURE_KM = 300  # a place this close to one the story is sure of is "near" it


def _near(place: Place, anchors: "_Grid") -> str:
    """The name of a place the story is sure of within 300 km, if any."""
    for a in anchors.at(place):
        if a.id != place.id and _within(a, place, NEAR_SURE_KM):
            return a.name
    return ""


def _weak(place: Place, focus: dict[str, float]) -> bool:
    """A small town outside the story's countries: only a capital letter says it is meant."""
    return (place.kind not in (COUNTRY, REGION) and not place.id.startswith("cur:")
            and place.population < 100_000 and focus.get(place.country, 0.0) < 0.1)


def _stray(place: Place, focus: dict[str, float], anchors: list[Place]) -> bool:
    """A small town far from every other place of the story, in a country the rest of it never names.

    ``focus`` is the story's evidence without this name's own votes.
    """
    if place.kind != CITY or place.id.startswith("cur:") or place.population >= 50_000:
        return False
    if not focus or focus.get(place.country, 0.0) >= 0.1:
        return False
    others = False
    for a in anchors:  # stops at the first place within reach: an atlas story has thousands
        if a.id != place.id:
            if _km(a, place) <= 3000:
                return False
            others = True
    return others


def _within(a: Place, b: Place, limit_km: float) -> bool:
    """Whether two places are closer than ``limit_km`` (a few hundred km at most): a flat-earth
    distance, within 1% of the great circle at that scale and a third of its cost."""
    dy = a.lat - b.lat
    dx = (a.lon - b.lon + 180.0) % 360.0 - 180.0
    dx *= math.cos(math.radians((a.lat + b.lat) / 2))
    return (dx * dx + dy * dy) * 12365.4 < limit_km * limit_km  # 111.2 km a degree, squared


def _km(a: Place, b: Place) -> float:
    return km(a.lat, a.lon, b.lat, b.lon)


def _region_holding(name: str, qualifier: str, gazetteer: Gazetteer) -> Place | None:
    """The region or country called ``qualifier`` in which a place called ``name`` lies, if any."""
    places = gazetteer.lookup(name)
    for region in gazetteer.lookup(qualifier, 3):
        if region.kind in (COUNTRY, REGION) and any(_qualifies(region, p) for p in places):
            return region
    return None


def _qualifies(qualifier: Place, place: Place) -> bool:
    if qualifier.kind == COUNTRY:
        return qualifier.country == place.country
    return contains(qualifier, place)


def _confidence(ranked: list[_Choice]) -> float:
    return _sureness([c.score for c in ranked], ranked[0].score)


def _sureness(scores: list[float], top: float) -> float:
    """The best candidate's share of the softmax over all of them."""
    return 1.0 / sum(math.exp(score - top) for score in scores)


def geoparse(text: str, gazetteer: Gazetteer, geocoder: Geocoder | None = None, dateline: str = "",
             ner=None) -> Geoparse:
    """Find and resolve every place named in ``text``; ``ner``, a spaCy pipeline, may add candidates."""
    geocoder = geocoder or OfflineGazetteer(gazetteer)
    mentions, demonyms = _recognise(text, gazetteer, load_lexicon())
    if ner is not None:
        from storymap.ner import entity_mentions  # spaCy is optional; only this path touches it

        mentions = sorted(mentions + entity_mentions(text, ner, mentions), key=lambda m: m.start)
    parsed = resolve(mentions, geocoder, gazetteer, Counter(code for _, code in demonyms), dateline)
    parsed.demonyms = _outside(demonyms, mentions)
    return parsed
