"""Recognition: the places a text names, found without a model.

Runs of capitalised words are matched, longest sub-span first, against the
gazetteer's names; then what is not a place in context is rejected: people
("President Donald Trump"), organisations ("Columbia University"), common words
that are also towns ("March"). Demonyms ("Pakistani") are kept as evidence of
where the story is, not drawn.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import Enum

from geopy.geocoders.base import Geocoder

from storymap.gazetteer import Gazetteer
from storymap.geo import qualifies
from storymap.geocoders import candidates
from storymap.lexicon import Lexicon, load_lexicon
from storymap.namesakes import namesakes
from storymap.places import CITY, COUNTRY, LANDFORM, REGION, Mention, Place, is_county, normalize, postal_only
from storymap.words import (LETTERS, Token, acronym, after_abbreviated_title, after_locative, after_middle_initial,
                            after_number, capitalised_words, dateline, in_capitals, name_runs, said, sentence_initial,
                            used_lowercase, words_of)

WELL_KNOWN_POPULATION = 100_000  # a town this big is a place to readers, whatever the words around it
LARGE_REGION_POPULATION = 1_000_000  # a region this big is no surname ("Nelson said" is a man; "Punjab said" is not)

_NUMBERED = re.compile(r" \d")
_AGE = re.compile(r", \d{1,3},")  # "Patricia Moore, 62, of ...": the newspaper's age after a name


class Verdict(Enum):
    """What a name found in the gazetteer is, in its context (see ``judge``)."""

    PLACE = "place"
    PERSON = "person"  # a title, an initial or an age made it a person's name, for the whole story
    SPEAKER = "speaker"  # it "said": a person, or a city speaking for its government
    NEIGHBOUR = "neighbour"  # beside another capitalised name: a person's, unless the story shows it as a place
    UNSURE = "unsure"  # a place only if the story shows it as one elsewhere
    OTHER = "other"  # not a place here: a word, a thing, a feature


def demonyms_in(text: str, tokens: list[Token], lexicon: Lexicon) -> list[tuple[Mention, str]]:
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


def outside(demonyms: list[tuple[Mention, str]], places: list[Mention]) -> list[tuple[Mention, str]]:
    """The demonyms that are not part of a place's name ('Dominican' in 'Dominican Republic')."""
    taken = [(m.start, m.end) for m in places]
    return [(m, code) for m, code in demonyms if not any(s <= m.start < e for s, e in taken)]


def _compounds_split(tokens: list[Token], gazetteer: Gazetteer, lexicon: Lexicon) -> list[Token]:
    """ "Pakistan-Afghanistan border", "Washington-based", "Iran-backed", "Egyptian-US relations": a
    hyphenated word that is no name of its own yields the well-known places it joins (countries,
    places of 100,000 people, curated places), its demonyms and the end of a name the words before it
    begin ("San Jose-based"); "Winston-Salem" stays whole, and "Al-Qaeda" yields nothing."""
    if not any("-" in tok.text for tok in tokens):
        return tokens
    out = []
    for tok in tokens:
        if "-" not in tok.text or gazetteer.knows(tok.key) or tok.text[0].islower():  # "el-Sheikh": an article's
            out.append(tok)
            continue
        before = out[-1] if out and out[-1].end + 1 == tok.start else None
        for m in LETTERS.finditer(tok.text):
            # "San Jose-based": the first part ends a name the words before it begin.
            ends_name = before is not None and m.start() == 0 and gazetteer.knows(f"{before.key} {normalize(m.group())}")
            if m.group()[0].isupper() and (ends_name or m.group().lower() in lexicon.demonyms
                                           or well_known(gazetteer, m.group())):
                out.append(Token(tok.start + m.start(), tok.start + m.end(), m.group(),
                                  tok.possessive and m.end() == len(tok.text)))
    return out


def well_known(gazetteer: Gazetteer, name: str) -> bool:
    """A country, a place of 100,000 people or a curated place: a name a reader knows as a place
    even where the words around it could make it something else."""
    top = gazetteer.lookup(name, 1)
    return bool(top) and (top[0].kind == COUNTRY or top[0].population >= WELL_KNOWN_POPULATION or top[0].curated)


def find_mentions(text: str, gazetteer: Gazetteer, lexicon: Lexicon | None = None) -> tuple[list[Mention], Counter]:
    """Mentions of places in ``text``, and the countries its demonyms point to."""
    mentions, demonyms = recognise(text, gazetteer, lexicon or load_lexicon())
    return mentions, Counter(code for _, code in demonyms)


def recognise(text: str, gazetteer: Gazetteer, lexicon: Lexicon) -> tuple[list[Mention], list[tuple[Mention, str]]]:
    """Mentions of places, and every demonym with its country, from one pass over the words."""
    tokens = _compounds_split(capitalised_words(text), gazetteer, lexicon)
    demonyms = demonyms_in(text, tokens, lexicon)
    found: list[tuple[Mention, bool, Verdict]] = []  # (mention, single common-name token, verdict)
    people: set[str] = set()  # names a title, a middle initial or an age gave to a person
    speakers: set[str] = set()  # names that "said": people, or a city speaking for its government
    runs = name_runs(text, tokens, lexicon, gazetteer)
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
            if verdict is Verdict.SPEAKER and well_known(gazetteer, surface):
                verdict = Verdict.NEIGHBOUR  # "Moscow said": the city speaking, unless the story shows a person
            if verdict in (Verdict.PERSON, Verdict.SPEAKER):
                (people if verdict is Verdict.PERSON else speakers).update(t.lower for t in run[i:j])
                continue
            if verdict is Verdict.OTHER:
                continue
            initial = sentence_initial(text, run[i].start) and not dateline(text, run[i].start, run[j - 1].end)
            end = run[j - 1].end
            if run[j - 1].possessive and run[i].lower in lexicon.saints \
                    and gazetteer.knows(" ".join(t.key for t in run[i:j] if t.key) + "s"):
                end += 2  # "St. John's", "St. Mary's": the 's is the name's, not a possessive
                surface = text[run[i].start : end]
            if text.startswith(".", end) and gazetteer.written_with_stop(run[j - 1].key):
                end += 1  # "Columbus, Ind.": the stop belongs to the abbreviation
                surface = text[run[i].start : end]
            # "Laurel County", "Rapides Parish", "Neches River": a unit or a feature the gazetteer
            # lacks (else the match had taken it in), named after a town. The town is no place for
            # it: the whole name is the mention, which resolution places if the unit is known by
            # its bare name ("Gulu District" for the district Gulu), else leaves for an online
            # geocoder or an editor.
            unit = j < len(run) and _unit_or_feature(run[j], surface, gazetteer, lexicon)
            if unit:
                end = run[j].end
                surface = text[run[i].start : end]
            # "Sulphur, La.": the qualifier is the region holding the town, whatever its words mean
            # alone ("LA" is Los Angeles first).
            lookup = regions.get(run[i].start, "") if i == 0 else ""
            if normalize(lookup) == normalize(surface):
                lookup = ""
            if not lookup and not unit and j == len(run):
                lookup = _kind_after(text, end, surface, lexicon)  # "Kandahar province", "Quebec city"
            found.append((Mention(run[i].start, end, surface, qualifier, initial, lookup), j - i == 1 and not unit,
                          verdict))
    found = _unit_lists(text, found, gazetteer)
    # One sense per story. A name a title, an initial or an age makes a person's is a person's
    # everywhere, unless it is a country or region ("King Abdullah of Jordan"... "Jordan" stays).
    # A name that "said", or beside another capitalised word ("Jackson Smith", "Gainesville VFW
    # Post"), is a place if the story shows it as one elsewhere, else a person's, unless it is a
    # well-known place: "Tabriz told", "Moscow said" are cities speaking, "CBC Toronto" a channel.
    placed = {m.text.lower() for m, _, verdict in found
              if verdict is Verdict.PLACE and (m.qualifier or after_locative(text, m.start, lexicon, inside=True)
                                         and not text.startswith(("'s", "’s"), m.end))} - people - speakers
    heard = (speakers | {m.text.lower() for m, _, verdict in found if verdict is Verdict.NEIGHBOUR}) - placed
    return [m for m, single, verdict in found
            if (verdict is Verdict.PLACE or m.text.lower() in placed)
            and not (single and m.text.lower() in people and gazetteer.lookup(m.text, 1)[0].kind == CITY)
            and not (single and m.text.lower() in heard and not well_known(gazetteer, m.text))], demonyms


def _unit_or_feature(word: Token, surface: str, gazetteer: Gazetteer, lexicon: Lexicon) -> bool:
    """Whether the capitalised word after a name makes it a unit or a feature of its own ("Laurel
    County", "Neches River"); "State" only after a region outside the US ("Kaduna State": "Ohio
    State" is a university)."""
    if word.lower in lexicon.admin_units:
        return True
    if word.lower in lexicon.features:  # "Neches River"; but "Peace River Valley" is the town's area
        return surface.rsplit(" ", 1)[-1].lower() not in lexicon.features
    if word.lower != "state":
        return False
    top = gazetteer.lookup(surface, 1)
    return bool(top) and top[0].kind == REGION and top[0].country != "US"


# "Kandahar province", "Quebec city"; not "the Hunan city of Yueyang" (a city in Hunan), nor "Ohio state
# officials" read as anything but Ohio.
_KIND_AFTER = re.compile(r" (city|town|province|district|county|state|region|governorate|oblast|prefecture)\b(?! of\b)")


def _kind_after(text: str, end: int, surface: str, lexicon: Lexicon) -> str:
    """ "Kandahar province", "Quebec city", "Gulu district": the kind of place a lower-case word after
    the name says it is, as a name to look up first ("Kandahar province"); resolution falls back to
    the name alone."""
    m = _KIND_AFTER.match(text, end)
    return f"{surface} {m.group(1)}" if m else ""


# What the last word of a name says its place is: "Gulu District" is a region called Gulu,
# "Kandahar city" a town called Kandahar, "Swat Valley" the district or the landform Swat.
_KINDS_OF_WORDS = {"city": (CITY,), "town": (CITY,), "state": (REGION,), "valley": (REGION, LANDFORM),
                   "plateau": (REGION, LANDFORM), "mountains": (LANDFORM,), "range": (LANDFORM,)}


def candidates_of_kind(m: Mention, geocoder: Geocoder, gazetteer: Gazetteer, lexicon: Lexicon) -> list[Place]:
    """The places a mention may mean. A kind the text writes in lower case after the name ("Kandahar
    city", looked up as such) keeps the places of that kind, if any: the city, not its namesake
    province. An unknown name of a unit ("X District", "X County", "X State", "X Province", "X
    Governorate", "X Region") is the region called X, if there is one ("Gulu District"); "Kandahar
    province", written so, falls back to the name as written, but "Laurel County" does not: no
    town stands for a unit, which is left for an online geocoder or an editor. A feature nothing
    else knows ("Neches River", "Readington Township") may be guessed by its namesake town
    (:mod:`storymap.namesakes`)."""
    head, _, word = m.name.rpartition(" ")
    word = word.lower()
    kinds = _KINDS_OF_WORDS.get(word) or ((REGION,) if word in lexicon.admin_units else ())
    written_apart = bool(m.lookup) and normalize(head) == normalize(m.text)  # "Kandahar" + " province"
    if written_apart and kinds == (CITY,):
        found = candidates(geocoder, m.text)
        if found and found[0].kind == REGION:  # not "London city council" (the City), nor "a U.S. city"
            return [p for p in found if p.kind == CITY] or found
        return found
    found = candidates(geocoder, m.name)
    if not found and head and kinds:
        found = [p for p in gazetteer.lookup(head) if p.kind in kinds]
    if not found and written_apart:
        found = candidates(geocoder, m.text)  # "Peshawar district": the town, as before
    return found or namesakes(m.name, gazetteer)  # "Neches River": a guess by the town Neches


_NAME = r"[A-Z][\w'’.]*(?: [A-Z][\w'’.]*)*"
# "Becker, Clay and Otter Tail counties": the names of a list that a plural unit word ends.
_UNIT_LIST = re.compile(rf"({_NAME}(?:, {_NAME})*),? (?:and|&) ({_NAME}) ([Cc]ounties|[Pp]arishes|[Bb]oroughs)\b")
_UNIT_OF = {"counties": "County", "parishes": "Parish", "boroughs": "Borough"}


def _unit_lists(text: str, found: list[tuple[Mention, bool, Verdict]], gazetteer: Gazetteer) -> list:
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
    return sorted(kept + [(u, False, Verdict.PLACE) for u in units], key=lambda f: f[0].start)


def _matches(text: str, run: list[Token], gazetteer: Gazetteer, lexicon: Lexicon):
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


def _judge(text: str, run: list[Token], i: int, j: int, surface: str, gazetteer: Gazetteer,
           lexicon: Lexicon, qualifier: str = "", after_a_town: bool = False) -> Verdict:
    """What the match run[i:j] is in its context (a :class:`Verdict`); ``qualifier``, the region named after its comma
    ("Reading, Pa."), if any; ``after_a_town``, whether a name and a comma come just before it
    ("Boston, Mass.")."""
    if j - i == 1:
        key = run[i].key
        if gazetteer.only_after_a_town(key) and not after_a_town:
            return Verdict.OTHER  # "Mass", "Miss Hale": the word, not Massachusetts or Mississippi
        if key in lexicon.eras and after_number(text, run[i].start):
            return Verdict.OTHER  # "100 B.C."
    words = words_of(run)
    if i > 0 and words[i - 1] in lexicon.place_prefixes:
        return Verdict.OTHER  # "Mount St. Helens", "Lake Victoria": a feature the gazetteer lacks, not the town
    if run[j - 1].possessive and words[i] in lexicon.saints and text[run[j - 1].end + 3 : run[j - 1].end + 4].isupper():
        return Verdict.OTHER  # "St. John's Lutheran School": a church, school or hospital named after the saint
    # "President Donald Trump": the words after a title name a person, up to a connector
    # ("President Bashir of Sudan": Sudan is a place).
    titled = [k for k, w in enumerate(words[:i]) if w in lexicon.titles] if i else []
    if titled and not any(w in lexicon.connectors for w in words[titled[-1] + 1 : i]):
        return Verdict.PERSON
    if i == 0 and after_abbreviated_title(text, run[0].start, lexicon):
        return Verdict.PERSON  # "Rev. Khan", "Gen. Munir": the stop cut the title off the name's run
    if i == 0 and text[run[0].start - 2 : run[0].start] == ". " and after_middle_initial(text, run[0].start):
        return Verdict.PERSON  # "Tyrise M. Bell": the stop cut the first name and initial off
    top = gazetteer.lookup(surface, 1)[0]
    if j - i == 1 and top.kind == CITY and words[i] in lexicon.demonyms and not qualifier:
        return Verdict.OTHER  # "Arab countries", "Canadian troops": the people's word (Arab, Alabama only as "Arab, Ala.")
    if j - i == 1 and top.kind == CITY and acronym(run[i].text) and not gazetteer.alias_of(run[i].key) \
            and not dateline(text, run[i].start, run[i].end):
        return Verdict.OTHER  # "a BA spokesperson": British Airways, not Ba, Fiji
    # Countries, large regions, curated places and names of several words are places whatever
    # follows; a small region can be a surname ("Nelson said": New Zealand has a Nelson region).
    strong = top.kind == COUNTRY or (top.kind == REGION and top.population >= LARGE_REGION_POPULATION) \
        or top.curated or j - i > 1
    # A word of the lexicon alone: "March", "Reading"; "Western" (an alternate name of a town in
    # Wisconsin); "Rev"; "Hospital", "Center", "Church" (towns in Chile, Texas and Kentucky).
    common = j - i == 1 and words[i] in lexicon.words_alone
    if common and qualifier and words[i] not in lexicon.calendar:
        return Verdict.PLACE  # "Reading, Pa.", "Union, N.J.": the state after the comma says it is the town
    if (common or j - i == 1 and (words[i] in lexicon.directions or words[i] in lexicon.titles)) \
            and not top.curated:
        return Verdict.OTHER
    if j - i > 1 and " ".join(words[i:j]) in lexicon.not_places:
        return Verdict.OTHER  # "El Niño": a town in Mexico, but in news the weather
    if j < len(words) and " ".join(words[i : j + 1]) in lexicon.not_places \
            or i > 0 and " ".join(words[i - 1 : j]) in lexicon.not_places:
        return Verdict.OTHER  # "Superior Court", "United Russia": a court and a party, with a place's word
    if j - i > 1 and words[j - 1] in lexicon.institutions and not top.curated:
        return Verdict.OTHER  # "State University": a town in Arkansas, but in news the school
    if any(w in lexicon.org_words for w in words[j:]) and top.kind not in (COUNTRY, REGION):
        # "Columbia University", "Washington Post": named after a town, elsewhere. A state's or
        # country's own bodies are its ("the Ohio Supreme Court", "the Pakistan Army").
        return Verdict.OTHER
    if strong:
        return Verdict.PLACE
    locative = after_locative(text, run[i].start, lexicon)
    # "Patrick", "Day": a ZIP code's town; "Boons", "Prate": another name of a small town (Severna
    # Park); "Travis": a county without its unit word. Places only where the story says so ("in
    # Patrick", not "in Abbas's prisons"), if nothing below makes them a person's.
    unsure = not (locative and not run[j - 1].possessive or qualifier) and (
        postal_only(top) or j - i == 1 and normalize(top.name) != run[i].key
        and (top.kind == CITY and top.population < WELL_KNOWN_POPULATION or top.kind == REGION and is_county(top)))
    if j == len(run) and not locative and _NUMBERED.match(text, run[j - 1].end):
        return Verdict.OTHER  # "Pack 122", "Highway 19", "Chapter 11": a thing with a number (not "in Lahore 10 ...")
    if used_lowercase(text, run[i].text):
        return Verdict.OTHER  # the same word appears as an ordinary word elsewhere
    if j == len(run) and _AGE.match(text, run[j - 1].end) and not locative:
        return Verdict.PERSON  # "Moore, 62,"
    if j == len(run) and said(text, run[j - 1].end) and not locative:
        return Verdict.SPEAKER  # "Anderson said" (but "officials in Lincoln said")
    # A capitalised neighbour that is neither a place word nor a connector makes a
    # name of which this town is only a part: "Asim Munir", "Jackson Smith". A word in capitals
    # beside one that is not is no part of the same name ("CTV Winnipeg", "WASHINGTON Barack Obama").
    capitals = in_capitals(run[i].text)
    before = words[i - 1] if i > 0 and in_capitals(run[i - 1].text) == capitals else ""
    after = words[j] if j < len(words) and in_capitals(run[j].text) == capitals else ""
    name_before = before and before not in lexicon.demonyms and before not in lexicon.words_before_no_name
    # The town's own body, however many words it takes ("Gainesville Environmental Services",
    # "Dublin Arts Council"): the town is meant.
    name_after = after and after not in lexicon.words_after_no_name \
        and not any(w in lexicon.civic_words for w in words[j:])
    if name_after and after in lexicon.titles:
        return Verdict.OTHER
    if name_before or name_after:
        return Verdict.NEIGHBOUR  # a person's name, unless the story shows it as a place elsewhere
    return Verdict.UNSURE if unsure else Verdict.PLACE


def _qualifier(text: str, last: Token, following: list[Token], gazetteer: Gazetteer, lexicon: Lexicon) -> str:
    """The region or country after "City, " when the gazetteer knows it as one ("Smith, M.D." is a doctor)."""
    if text[last.end : following[0].start] != ", " or following[0].lower in lexicon.titles:
        return ""
    surface = text[following[0].start : following[-1].end]
    # "Lafayette, La.": Louisiana, though "LA" alone is first Los Angeles.
    if any(p.kind in (COUNTRY, REGION) for p in gazetteer.lookup(surface, 3)):
        return surface
    return ""


def _region_holding(name: str, qualifier: str, gazetteer: Gazetteer) -> Place | None:
    """The region or country called ``qualifier`` in which a place called ``name`` lies, if any."""
    places = gazetteer.lookup(name)
    for region in gazetteer.lookup(qualifier, 3):
        if region.kind in (COUNTRY, REGION) and any(qualifies(region, p) for p in places):
            return region
    return None
