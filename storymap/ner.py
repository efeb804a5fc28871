"""An optional second opinion on which words are places: a spaCy pipeline's entities.

Storymap's own recogniser needs no model, and none can be downloaded where it
usually runs. A newsroom that has installed spaCy and a model
(``pip install 'storymap[ner]'``, ``python -m spacy download en_core_web_sm``)
sets ``STORYMAP_SPACY_MODEL=en_core_web_sm``: the model's place entities (GPE,
LOC, FAC) that Storymap's recogniser missed are added as candidates, and the
resolver treats them like any other mention (a name the gazetteer lacks is
left unplaced for an online geocoder or an editor).
"""

from __future__ import annotations

from functools import lru_cache

from storymap.places import Mention

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


class NerUnavailable(RuntimeError):
    """The configured spaCy model cannot be loaded; the message says what to install."""


def load_pipeline(name: str):
    """A spaCy pipeline by package name or path, or NerUnavailable saying why not."""
    try:
        import spacy
    except ImportError:
        raise NerUnavailable(f"STORYMAP_SPACY_MODEL is {name!r} but spaCy is not installed: "
                             "pip install 'storymap[ner]'.") from None
    try:
        return spacy.load(name)
    except OSError as exc:
        raise NerUnavailable(f"The spaCy model {name!r} is not installed: python -m spacy download {name} "
                             f"({exc}).") from None


@lru_cache(maxsize=1)
def configured() -> tuple[object | None, str]:
    """The pipeline ``STORYMAP_SPACY_MODEL`` names, loaded once, and what went wrong loading it.

    A missing model leaves Storymap on its own recogniser (it needs none) and
    says so, rather than stopping every story from being read.
    """
    from storymap.settings import current

    name = current().spacy_model
    if not name:
        return None, ""
    try:
        return load_pipeline(name), ""
    except NerUnavailable as exc:
        return None, str(exc)


def entity_mentions(text: str, nlp, known: list[Mention]) -> list[Mention]:
    """The pipeline's place entities that overlap none of the ``known`` mentions."""
    taken = [(m.start, m.end) for m in known]
    out = []
    for ent in nlp(text).ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        start, words = ent.start_char, ent.text
        if words.lower().startswith("the "):  # "the West Bank": the name without its article
            start, words = start + 4, words[4:]
        end = start + len(words)
        if words and not any(s < end and start < e for s, e in taken):
            out.append(Mention(start, end, words))
    return out
