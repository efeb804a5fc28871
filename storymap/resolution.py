"""Resolution: which place of its name each mention is, with the whole story as evidence.

Each candidate the geocoder offers (``recognition.candidates_of_kind``) is scored: a prior
from the kind of place and its population, the story's country focus, "City,
State" qualifiers, the story's other names that hold, lie in or lie near it, and
nearness to the places the story is sure of. The weights of that evidence are
trained (:mod:`storymap.ranker`); the thresholds that decide
what counts as evidence are the named constants below. Every choice keeps its
confidence, the reason in words, and the runners-up, for the editor to review.

Besides the candidates, the resolver reads the gazetteer itself: the countries
(for demonyms), its curated aliases, the places a qualifier names, a demonym's
country or region, and the dateline's places. The newsroom's home (:mod:`storymap.home`),
where its other stories are, counts as a few more of the story's places, but only among places
in a country the rest of the story is in (or when it is in none): it chooses the Columbus, never
the country ("Tbilisi, the capital of Georgia" in a paper from Georgia, US).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from geopy.geocoders.base import Geocoder

from storymap.articles import free_name, slugify
from storymap.gazetteer import Gazetteer
from storymap.geo import KM_PER_DEGREE, Grid, contains, first_level, place_km, qualifies, within
from storymap.home import Home
from storymap.lexicon import Lexicon, load_lexicon
from storymap.namesakes import SURENESS as NAMESAKE_SURENESS
from storymap.places import CITY, COUNTRY, REGION, Mention, Origin, Place, ResolvedPlace, normalize, spellings
from storymap.ranker import Weights, load_weights
from storymap.recognition import candidates_of_kind, find_mentions

# What counts as evidence, set by hand (the weights of the evidence are in ``Weights``, trained).
ANCHOR_SURENESS = 0.8  # a first look this sure of a place (not a country) makes it one of the story's anchors
ANCHOR_PRECISION_KM = 100  # ... if its position is known this closely (no large region anchors nearness)
SURE = 0.9  # a name this sure of one place lends little weight to its others
NEAR_KM = 40  # towns this close are "named together" (a town and its suburb, two neighbours)
NEAR_SURE_KM = 300  # a place this close to one the story is sure of is "near" it
TIES_COUNTED = 2.0  # a candidate's ties to the story's other names count up to two names' worth
SMALL_TOWN = 50_000  # people: below this, a town votes for its country with less weight and can be a stray
WEAK_TOWN = 100_000  # people: below this, a town outside the story's countries needs more than a capital letter
WEAK_REGION = 1_000_000  # people: below this, a region outside the story's countries needs more than a capital letter
STORY_COUNTRY_SHARE = 0.1  # a country with this share of the story's evidence is one of its countries
STRAY_KM = 3000  # a small town this far from every place the story is sure of is a stray...
STRAY_EVIDENCE = 2  # ... when the rest of the story has at least this much country evidence
REGION_EVIDENCE = 2  # sure places the story needs before its state or province counts
DATELINE_VOTES = 3  # country votes a dateline's place gives (not in Weights: the corpora have no datelines to fit it on)
HOME_PLACES = 2  # the home counts as this many of the story's sure places, shared among its states and provinces
HOME_SURENESS = 0.75  # the most confidence a choice the home made against the story's own evidence has
HOME_REGION = 0.2  # a state or province with this share of the newsroom's stories is its home, in words
NAMESAKE_KM = 100  # a feature guessed by its namesake town (storymap.namesakes) must be this near a sure place
RUNNERS_UP = 3  # other candidates kept for the editor


@dataclass
class Geoparse:
    mentions: list[Mention]
    places: list[ResolvedPlace]
    focus: dict[str, float]
    unresolved: list[Mention]
    demonyms: list[tuple[Mention, str]] = field(default_factory=list)  # "Afghan" -> AF, outside place names


@dataclass(slots=True)
class Evidence:
    """What the story adds to a candidate's prior (``_rank``), kept to explain the winner (one per
    candidate: slots, not frozen, which would make it several times dearer to create)."""

    tie: tuple[float, str, str] | None  # (strength, an other name, how it stands to the place: "holds it", ...)
    regional: float  # share of the story's sure places in its state or province
    share: float  # share of the story's country evidence for its country
    near: str  # a sure place of the story within NEAR_SURE_KM, or ""
    only: bool  # the only place with this name
    home: bool = False  # in the newsroom's home state or province, or near a place its stories come back to
    own: float = 0.0  # the score without the newsroom's home: what the story alone says


@dataclass
class _Choice:
    place: Place
    score: float
    reasons: list[tuple]  # what the place is, as (template, *values): formatted only for the choice that wins
    evidence: Evidence | None = None  # what the story added (see _rank), explained only for the choice that wins

    @property
    def reason(self) -> str:
        reasons = list(self.reasons)
        e = self.evidence
        if e:
            if e.only:
                reasons.insert(0, ("the only place with this name",))
            if e.tie:
                reasons.append(("the story also names {}, which {}", e.tie[1], e.tie[2]))
            if e.regional:
                reasons.append(("in the same state or province as {:.0%} of the story's places", e.regional))
            if e.share:
                reasons.append(("in {}, {:.0%} of the story's country evidence", self.place.country, e.share))
            if e.near:
                reasons.append(("near {}", e.near))
            if e.home:
                reasons.append(("where the newsroom's other stories are",))
        return "; ".join(template.format(*values) for template, *values in reasons)


def resolve(mentions: list[Mention], geocoder: Geocoder, gazetteer: Gazetteer,
            demonyms: Counter | None = None, dateline: str = "", weights: Weights | None = None,
            home: Home | None = None) -> Geoparse:
    """Choose a place for every mention, using the whole story as evidence, and the newsroom's
    ``home`` as a little more."""
    home = home or Home()
    lexicon = load_lexicon()
    w = weights or load_weights()
    options: dict[tuple[str, str], list[Place]] = {}
    for m in mentions:
        key = (normalize(m.name), m.qualifier)
        if key not in options:
            options[key] = candidates_of_kind(m, geocoder, gazetteer, lexicon)
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
    votes, own = _votes(mentions, options, odds, demonyms or Counter(), dateline, gazetteer, lexicon, w)
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
            if p[top].place.kind != COUNTRY and _sureness(scores, scores[top]) >= ANCHOR_SURENESS:
                sure[k] = p[top].place
    anchors = [place for place in sure.values() if place.precision_km < ANCHOR_PRECISION_KM]
    # Within a country, the story's state or province: "Alexandria" in a story about Louisiana.
    regional = {k: (place.country, place.admin1) for k, place in sure.items() if place.admin1}
    counts = Counter(regional.values())
    home_counts = Counter({region: HOME_PLACES * share for region, share in home.regions.items()})
    near = Grid(cell_deg=NEAR_SURE_KM / KM_PER_DEGREE)
    for anchor in anchors:
        near.add(anchor, anchor, NEAR_SURE_KM)
    home_area = home.area(HOME_REGION, ANCHOR_PRECISION_KM, NEAR_SURE_KM) if home else None

    def region_shares(k: tuple[str, str]) -> tuple[dict, dict]:
        """The story's states by its other sure places: alone (its words), and with the home (its score)."""
        story = counts - Counter([regional[k]]) if k in regional else counts
        return _region_shares(story), _region_shares(story + home_counts, 0) if home_counts else None

    final = {k: _rank(p, others[k], w, near, together.get(k), *region_shares(k), home_area)
             for k, p in priors.items()}

    total = sum(votes.values())
    evidence_elsewhere = {k: total - sum(own.get(k, Counter()).values()) for k in options}
    written_inside = {(normalize(m.name), m.qualifier) for m in mentions if not m.initial}
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
        # A region votes for its own country, so it is judged by the rest of the story; and only a
        # word that starts every sentence it is in, as a common word would ("Nelson", not "Santa Clara County").
        if m.initial and not m.qualifier and (
                _weak(best.place, others[key]) and " " not in m.name and key not in written_inside
                if best.place.kind == REGION else _weak(best.place, focus)):
            continue  # "One", "Mining": a capitalised first word, and a town nobody expects here
        if evidence_elsewhere[key] >= STRAY_EVIDENCE and _stray(best.place, others[key], anchors):
            unresolved.append(m)  # a hamlet on another continent: better unplaced than misplaced
            continue
        guess = best.place.origin is Origin.NAMESAKE
        if guess and not any(a.id != best.place.id and place_km(a, best.place) <= NAMESAKE_KM
                             for a in anchors + list(home.places)):
            unresolved.append(m)  # a river named like a town nowhere near the story
            continue
        if best.place.id not in by_place:
            slug = free_name(slugify(best.place.name), keys_used)
            keys_used.add(slug)
            by_place[best.place.id] = ResolvedPlace(
                key=slug, place=best.place, mentions=[],
                confidence=round(min(_confidence(ranked), NAMESAKE_SURENESS if guess else _by_home(ranked)), 3),
                reason=best.reason, runners_up=[c.place for c in ranked[1 : 1 + RUNNERS_UP]],
            )
        by_place[best.place.id].mentions.append(m)
    return Geoparse(mentions, list(by_place.values()), focus, unresolved)


def _votes(mentions, options, odds: dict, demonyms: Counter, dateline: str, gazetteer: Gazetteer,
           lexicon: Lexicon, w: Weights) -> tuple[Counter, dict[tuple[str, str], Counter]]:
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
        if top.origin is Origin.NAMESAKE:
            continue  # a guess by name is no evidence of where the story is
        small = top.kind == CITY and top.population < SMALL_TOWN and not top.curated
        weight = w.vote_country if top.kind == COUNTRY else 0.0 if (small and m.initial) \
            else w.vote_small_town if small else w.vote_town
        mine = own.setdefault(key, Counter())
        for country, p in odds[key].items():
            votes[country] += weight * p
            mine[country] += weight * p
    votes.update({c: n for c, n in demonyms.items()})
    if dateline:
        for m in find_mentions(dateline, gazetteer, lexicon)[0]:
            for place in gazetteer.lookup(m.text, 1):
                votes[place.country] += DATELINE_VOTES
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
                score += w.together * min(tie[0], TIES_COUNTED)
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
        if found and (found[0].kind in (COUNTRY, REGION) or found[0].curated):
            return found
    return []


def _together(options: dict[tuple[str, str], list[Place]], names: dict[tuple[str, str], str],
              priors: dict[tuple[str, str], list[_Choice]]) -> dict[tuple[str, str], dict[str, tuple[float, str, str]]]:
    """For each name's candidates, how strongly the story's other names hold them, lie in them
    or lie near them: {key: {place id: (strength, an other name, "holds it" / "lies in it" / ...)}}.

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
    areas, towns = Grid(), Grid()
    for key, opts in options.items():
        for place in opts:
            if place.origin is Origin.NAMESAKE:
                continue  # a guess lends no other name evidence
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
            if place.origin is Origin.NAMESAKE:
                continue
            # An area known by its radius only is said to be drawn around a place, not to hold it.
            for holders, words in ((areas.at(place), ("is drawn around it", "lies inside its drawn area")),
                                   (by_code.get((place.country, place.admin1), ()), ("holds it", "lies in it"))):
                for area_key, area in holders:
                    if area_key != key and contains(area, place):
                        link(key, place, area_key, area, words[0])
                        link(area_key, area, key, place, words[1])
            if place.kind == REGION or place.kind == COUNTRY or place.precision_km >= NEAR_KM:
                continue
            for other_key, other in towns.at(place):
                if other_key != key and within(place, other, NEAR_KM):
                    link(key, place, other_key, other, "lies near it")
    ties: dict[tuple[str, str], dict[str, tuple[float, str, str]]] = {}
    for key, by_other in links.items():
        mine = ties.setdefault(key, {})
        for other, hits in by_other.items():
            share = 1.0 / len(hits)
            for place_id, (relation, worth) in hits.items():
                strength, name, how = mine.get(place_id, (0.0, names[other], relation))
                mine[place_id] = (strength + share * worth, name, how)
    return ties


def _region_shares(counts: Counter, least: float = REGION_EVIDENCE) -> dict:
    """Each state's share of the story's sure places, once there are two to go on (the home is
    enough to go on: ``least`` 0)."""
    total = sum(counts.values())
    return {k: n / total for k, n in counts.items()} if total and total >= least else {}


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
        if place.origin is Origin.NAMESAKE:
            score = w.town
            reasons.append(("a guess: no gazetteer has it, so it is drawn around the town of the same name",))
        elif place.kind == COUNTRY:
            score = w.country
            reasons.append(("a country",))
        elif place.curated:
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
        if own or place.curated:
            score += w.own_name  # every name our curated file gives a place is one of its own ("Gaza")
        if not own:
            reasons.append(("also known as {!r}", name))
        if rank == 0:
            score += w.first_listed
            if len(opts) > 1 and place.origin is not Origin.NAMESAKE:
                reasons.append(("the gazetteer's first of {} places with this name", len(opts)))
        if any(qualifies(q, place) for q in qualifying):
            score += w.qualifier
            reasons.append(("matches “{}”", qualifier))
        out.append(_Choice(place, score, reasons))
    return out


def _rank(priors: list[_Choice], focus: dict[str, float], w: Weights, anchors: "Grid",
          together: dict[str, tuple[float, str, str]] | None = None, regions: dict | None = None,
          with_home: dict | None = None, home: tuple[set, "Grid"] | None = None) -> list[_Choice]:
    """The candidates, best first, once all the story's evidence is added to their priors: the
    quick look of ``_scores``, then the story's state or province and nearness to its sure places
    (and the newsroom's: ``with_home``, the story's states with its home's, and ``home``, its
    states and places). The words for the evidence are put together for the winner alone
    (``_Choice.reason``)."""
    choices = []
    only = len(priors) == 1
    for prior, score in zip(priors, _scores(priors, focus, w, together)):
        place = prior.place
        region = (place.country, place.admin1)
        regional = regions.get(region, 0.0) if regions and place.kind != COUNTRY else 0.0
        # The home counts in a country the rest of the story is in, or when it is in none.
        homely = bool(home) and place.kind != COUNTRY and (
            not focus or focus.get(place.country, 0.0) >= STORY_COUNTRY_SHARE)
        near = _near(place, anchors)
        own = score + w.same_region * regional + (w.near if near else 0.0)  # the story's evidence alone
        score += w.same_region * (with_home.get(region, 0.0) if homely and with_home is not None else regional)
        home_town = "" if near or not homely else _near(place, home[1], itself=True)
        if near or home_town:
            score += w.near
        at_home = homely and (bool(home_town) or region in home[0])
        tie = together.get(place.id) if together else None
        share = focus.get(place.country, 0.0) if w.country_focus else 0.0
        choices.append(_Choice(place, score, prior.reasons, Evidence(tie, regional, share, near, only, at_home, own)))
    choices.sort(key=lambda c: -c.score)
    return choices


def _near(place: Place, anchors: "Grid", itself: bool = False) -> str:
    """The name of a place the story is sure of within NEAR_SURE_KM, if any (or, ``itself``, of
    the places the newsroom's other stories come back to, this one among them)."""
    for a in anchors.at(place):
        if (itself or a.id != place.id) and within(a, place, NEAR_SURE_KM):
            return a.name
    return ""


def _weak(place: Place, focus: dict[str, float]) -> bool:
    """A small town, or a small region, outside the story's countries: only a capital letter says
    it is meant ("Nelson", "Victoria" or "Imo" starting a sentence about somewhere else)."""
    if place.kind == COUNTRY or place.curated or focus.get(place.country, 0.0) >= STORY_COUNTRY_SHARE:
        return False
    if place.kind == REGION:
        return bool(focus) and place.population < WEAK_REGION  # the story is somewhere, and not there
    return place.population < WEAK_TOWN


def _stray(place: Place, focus: dict[str, float], anchors: list[Place]) -> bool:
    """A small town far from every other place of the story, in a country the rest of it never names.

    ``focus`` is the story's evidence without this name's own votes.
    """
    if place.kind != CITY or place.curated or place.population >= SMALL_TOWN:
        return False
    if not focus or focus.get(place.country, 0.0) >= STORY_COUNTRY_SHARE:
        return False
    others = False
    for a in anchors:  # stops at the first place within reach: an atlas story has thousands
        if a.id != place.id:
            if place_km(a, place) <= STRAY_KM:
                return False
            others = True
    return others


def _by_home(ranked: list[_Choice]) -> float:
    """The most confidence a choice may have: HOME_SURENESS when the newsroom's home chose it
    over what the story alone says, for an editor to look (and for the home not to learn from)."""
    if not ranked[0].evidence.home:
        return 1.0
    return 1.0 if max(ranked, key=lambda c: c.evidence.own) is ranked[0] else HOME_SURENESS


def _confidence(ranked: list[_Choice]) -> float:
    return _sureness([c.score for c in ranked], ranked[0].score)


def _sureness(scores: list[float], top: float) -> float:
    """The best candidate's share of the softmax over all of them."""
    return 1.0 / sum(math.exp(score - top) for score in scores)
