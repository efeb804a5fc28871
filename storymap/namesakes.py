"""A feature the gazetteer lacks, placed by the town it shares its name with: a guess, drawn as one.

Rivers, lakes, townships and stations take their names from the towns beside them, or give
them theirs: the St. Marys River runs past St. Marys, Georgia, Lake Hartwell lies at Hartwell,
Readington Township holds Readington. When no gazetteer knows "Neches River" but the story's
state has a town called Neches, the river is drawn as an approximate area around that town,
wide as such a feature is near one town, with a low confidence and a reason that says so, for
an editor to confirm or move. Resolution keeps the guess only where the rest of the story is
(near its sure places, in its state, or the newsroom's home): a namesake on another continent
is no guess at all. "X County" is not guessed so: a county is far larger than its namesake
town, which often lies in another county.
"""

from __future__ import annotations

from storymap.gazetteer import Gazetteer
from storymap.places import CITY, LANDFORM, REGION, SITE, Origin, Place, normalize

# The feature words a namesake town can stand for, with the kind of place and how far around
# the town the feature reaches (km): a river's stretch past the town, a township's extent.
FEATURES: dict[str, tuple[str, float]] = {
    "river": (LANDFORM, 40.0), "creek": (LANDFORM, 15.0), "lake": (LANDFORM, 15.0),
    "reservoir": (LANDFORM, 15.0), "valley": (LANDFORM, 30.0), "bay": (LANDFORM, 25.0),
    "township": (REGION, 10.0), "station": (SITE, 3.0),
}
SURENESS = 0.5  # the most confidence a guess by name is given: an editor should look


def namesakes(name: str, gazetteer: Gazetteer) -> list[Place]:
    """The places ``name`` ("Neches River", "Lake Hartwell") may be, by the towns called as it is
    without its feature word, most populous first; none for a name of another form."""
    words = name.split()
    if len(words) < 2:
        return []
    if words[0].lower() in ("lake", "river"):
        word, bare = words[0].lower(), " ".join(words[1:])  # "Lake Hartwell", "River Lune"
    else:
        word, bare = words[-1].lower(), " ".join(words[:-1])
    if word not in FEATURES:
        return []
    kind, reach_km = FEATURES[word]
    key = normalize(bare)
    return [Place(id=f"{Origin.NAMESAKE.value}:{word}:{town.id}", name=name, kind=kind, lat=town.lat, lon=town.lon,
                  country=town.country, admin1=town.admin1, precision_km=reach_km,
                  source=f"approximate: around {town.name}, the town of the same name ({town.source})")
            for town in gazetteer.lookup(bare) if town.kind == CITY and normalize(town.name) == key]
