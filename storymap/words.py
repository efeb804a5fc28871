"""The words of a text as recognition reads them: its capitalised words, their runs, and what
stands just before or after a name ("in", "said", a title's stop, a middle initial, an age...)."""

from __future__ import annotations

import re
from functools import lru_cache

from storymap.gazetteer import Gazetteer
from storymap.lexicon import Lexicon
from storymap.places import normalize


class Token:
    """A word of the text; a plain class with slots, since a story has thousands of them."""

    __slots__ = ("start", "end", "text", "possessive", "lower", "capitalised", "key")

    def __init__(self, start: int, end: int, text: str, possessive: bool, capitalised: bool | None = None):
        self.start, self.end, self.text, self.possessive = start, end, text, possessive
        self.lower = text.lower()
        self.capitalised = text[0].isupper() if capitalised is None else capitalised
        self.key = normalize(text)  # the gazetteer's key for the word: a run's key is its words' keys


def capitalised_words(text: str) -> list[Token]:
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
        out.append(Token(m.start(), end, word, possessive))
    if any(hint in text for hint in _ELISION_HINTS):
        # "Côte d'Ivoire", "Sharm el-Sheikh": a capitalised word behind an elided article, which the
        # pattern above skips as the inside of a word. Searched for only when the text has one.
        out += [Token(m.start(), m.end(), m.group(), False, capitalised=True) for m in _ELIDED.finditer(text)]
        out.sort(key=lambda t: t.start)
    return out


_LETTER = r"[^\W\d_]"
_UPPER = "".join(re.escape(c) for c in map(chr, range(0x10000)) if c.isupper() and re.match(_LETTER, c))
# The first letter comes before the look back (not inside a word, nor after "post-"), so the
# engine can jump from capital to capital.
_CAPITALISED = re.compile(
    rf"[A-Z]\.(?:[A-Z][a-z]?\.)+|[{_UPPER}](?<!{_LETTER}.)(?<!{_LETTER}['’\-].){_LETTER}*(?:['’\-]{_LETTER}+)*")
_ELIDED = re.compile(rf"(?<!\S)(?:[dl]['’]|[ae][lz]-)[{_UPPER}]{_LETTER}*(?:['’\-]{_LETTER}+)*")
_ELISION_HINTS = (" d'", " l'", " d’", " l’", " al-", " el-", " az-", " ez-")


def used_lowercase(text: str, word: str) -> bool:
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


LONG_TEXT = 50_000  # characters; past this, used_lowercase indexes the text's words once
LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def _letter_runs(text: str) -> dict[str, list[int]]:
    """Where each run of letters of a long text starts."""
    runs: dict[str, list[int]] = {}
    for m in LETTERS.finditer(text):
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


def name_runs(text: str, tokens: list[Token], lexicon: Lexicon, gazetteer: Gazetteer) -> list[list[Token]]:
    """Maximal runs of capitalised words, joined by single spaces or connectors, or by the stop
    of a shortened word that begins a name ("St. Louis", "Mt. Pleasant", "Fort St. John"; but
    "Main St. George said" is a street, then a man), or by an 's that belongs to a name
    ("Cox's Bazar"; but "Pakistan's Army" ends at the possessive)."""
    runs: list[list[Token]] = []
    current: list[Token] = []
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
                current.extend(Token(m.start(), m.end(), m.group(), False)
                               for m in _WORD.finditer(text, start, tok.start))
                current.append(tok)
                continue
        if current:
            runs.append(current)
        current = [tok]
    if current:
        runs.append(current)
    return runs


def _name_goes_on(current: list[Token], tok: Token, gazetteer: Gazetteer) -> bool:
    """Whether the possessive word ending ``current`` and ``tok`` make a name the gazetteer knows:
    "Cox's Bazar", "St. John's Wood"."""
    last = current[-1].key + "s " + tok.key
    return gazetteer.knows(last) or len(current) > 1 and gazetteer.knows(
        " ".join(t.key for t in current[:-1] if t.key) + " " + last)


def _begins_name(current: list[Token], lexicon: Lexicon) -> bool:
    """Whether the last word of ``current`` (a shortened "St") begins a name: first of its run, after a
    connector, a place prefix ("Fort St. John") or a locative that starts the sentence ("In St. John's")."""
    if len(current) == 1:
        return True
    before = current[-2]
    return not before.capitalised or before.lower in lexicon.place_prefixes or before.lower in lexicon.locative


_SPEECH = re.compile(r"\s+(?:said|says|told|added|asked|wrote|testified|explained|argued)\b")


def words_of(run: list[Token]) -> list[str]:
    return [t.lower for t in run]


def said(text: str, end: int) -> bool:
    """A name followed by 'said', 'told'...: a person speaking ("Anderson said")."""
    return bool(_SPEECH.match(text, end))


_ABBREVIATED = re.compile(r"([A-Za-z]+)\.\s+$")


def after_abbreviated_title(text: str, start: int, lexicon: Lexicon) -> bool:
    """ "Rev. Khan": a title with a full stop just before, which ends the run of capitalised words."""
    if "." not in text[max(0, start - 4) : start]:
        return False  # most names: no stop just before, no pattern to run
    title = _ABBREVIATED.search(text, max(0, start - 8), start)
    # A whole word ("... Municipal Court Judge. Columbus attorney ...") ends a sentence instead.
    return bool(title) and len(title.group(1)) <= 4 and title.group(1).lower() in lexicon.titles


_MIDDLE_INITIAL = re.compile(r"[A-Z][a-z]+ [A-Z]\. $")


def after_middle_initial(text: str, start: int) -> bool:
    """ "Matthew D. Flores": a first name and a middle initial just before."""
    if text[start - 2 : start] != ". " or start < 4 or not text[start - 3].isupper() or text[start - 4] != " ":
        return False  # most names: no initial before, no pattern to run
    return bool(_MIDDLE_INITIAL.search(text, max(0, start - 20), start))


def after_locative(text: str, start: int, lexicon: Lexicon, inside: bool = False) -> bool:
    """ "in Gainesville", "from Lincoln": the word before says a place follows ("according to
    Conrad", "spoke to Jackson" do not); with ``inside``, only a place can follow ("in", "near")."""
    before = text[max(0, start - 24) : start].split()
    if not before or before[-1].lower() not in (lexicon.inside if inside else lexicon.locative):
        return False
    return before[-1].lower() != "to" or len(before) < 2 or before[-2].lower() not in lexicon.cite_before_to


def acronym(word: str) -> bool:
    return len(word) <= 3 and word.isupper() and word.isalpha()


def after_number(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip()
    return bool(before) and before[-1].isdigit()


_DATELINE_END = re.compile(r"(?:,|:| [—–-]| \()")


def dateline(text: str, start: int, end: int) -> bool:
    """ "WANA: ...", "KARACHI (Reuters) -": a place in capitals opening a line, as a dateline; its
    capitals are the writer's choice, not a sentence's first word."""
    return text[start:end].isupper() and not text[text.rfind("\n", 0, start) + 1 : start].strip() \
        and bool(_DATELINE_END.match(text, end))


def sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?\n:"


def in_capitals(word: str) -> bool:
    """ "CTV", "WASHINGTON": a word in capitals; an initial ("W") is not one."""
    return len(word) > 1 and word.isupper()
