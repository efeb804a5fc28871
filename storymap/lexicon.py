"""The words recognition reads around a name: titles, an organisation's words, months, demonyms...

Read from ``data/gazetteer/language.json``, with every country's demonym from ``countryinfo``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from storymap.paths import data_dir
from storymap.places import normalize

LEXICON_PATH = data_dir() / "gazetteer" / "language.json"


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
    features: frozenset[str]  # "River", "Valley": a physical feature named after a place ("Neches River")
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
             "cite_before_to", "admin_units", "features")}
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
