"""Geoparsing: find the places a text names, then decide which place of that name each one is.

The front of the pipeline: :mod:`storymap.recognition` finds the mentions (and the
demonyms, evidence of where the story is), an optional spaCy pipeline
(:mod:`storymap.ner`) may add some, and :mod:`storymap.resolution` chooses a place
for each. ``find_unknown_names`` lists what an online geocoder could be asked about.
"""

from __future__ import annotations

from collections import Counter

from geopy.geocoders.base import Geocoder

from storymap.gazetteer import Gazetteer
from storymap.geocoders import OfflineGazetteer
from storymap.home import Home
from storymap.lexicon import Lexicon, load_lexicon
from storymap.places import Mention
from storymap.recognition import outside, recognise
from storymap.resolution import Geoparse, resolve
from storymap.words import after_locative, capitalised_words, name_runs, sentence_initial, words_of


def find_unknown_names(text: str, gazetteer: Gazetteer, known: list[Mention],
                       lexicon: Lexicon | None = None) -> list[Mention]:
    """Capitalised names the gazetteer does not know but the context says are places.

    "near Boya", "outside Spinwam", "the Shawal Valley": a locative word before
    the name, or a place word at its end. These are what an online geocoder is
    asked about; everything else stays offline.
    """
    lexicon = lexicon or load_lexicon()
    tokens = capitalised_words(text)
    taken = [(m.start, m.end) for m in known]
    out = []
    for run in name_runs(text, tokens, lexicon, gazetteer):
        start, end = run[0].start, run[-1].end
        if any(s < end and start < e for s, e in taken):
            continue
        words = words_of(run)
        if set(words) & (lexicon.titles | lexicon.org_words | lexicon.civic_words) or words[0] in lexicon.not_places:
            continue
        locative = after_locative(text, start, lexicon)
        place_word = len(run) > 1 and words[-1] in lexicon.place_words
        if (locative or place_word) and not sentence_initial(text, start):
            out.append(Mention(start, end, text[start:end]))
    return out


def geoparse(text: str, gazetteer: Gazetteer, geocoder: Geocoder | None = None, dateline: str = "",
             ner=None, home: Home | None = None) -> Geoparse:
    """Find and resolve every place named in ``text``; ``ner``, a spaCy pipeline, may add candidates;
    ``home`` is where the newsroom's other stories are (:mod:`storymap.home`)."""
    geocoder = geocoder or OfflineGazetteer(gazetteer)
    mentions, demonyms = recognise(text, gazetteer, load_lexicon())
    if ner is not None:
        from storymap.ner import entity_mentions  # spaCy is optional; only this path touches it

        mentions = sorted(mentions + entity_mentions(text, ner, mentions), key=lambda m: m.start)
    parsed = resolve(mentions, geocoder, gazetteer, Counter(code for _, code in demonyms), dateline, home=home)
    parsed.demonyms = outside(demonyms, mentions)
    return parsed
