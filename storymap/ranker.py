"""The resolver's weights: how much each piece of evidence counts when choosing among places of one name.

Trained on one corpus and checked on the other (``benchmarks/train_ranker.py``, ``make
train-ranker``) and shipped in ``data/gazetteer/ranker.json``; :mod:`storymap.resolution`
says what each piece of evidence is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storymap.paths import data_dir

RANKER_PATH = data_dir() / "gazetteer" / "ranker.json"


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
    # How much a name votes for its places' countries (a demonym votes one):
    vote_country: float = 2.0  # ... when its first place is a country
    vote_town: float = 1.0  # ... a town of SMALL_TOWN people or more, a region, a curated place
    vote_small_town: float = 0.5  # ... a smaller town (nothing when it is only a sentence's first word)


@lru_cache(maxsize=4)
def load_weights(path: Path = RANKER_PATH) -> Weights:
    if not Path(path).exists():
        return Weights()
    return Weights(**json.loads(Path(path).read_text(encoding="utf-8"))["weights"])
