"""Train the resolver's weights on one corpus, check them on the other: `make train-ranker`.

The resolver scores every candidate of a name with a weighted sum of evidence
(storymap.ranker.Weights). This fits those weights by coordinate descent on
acc@161 over the gold toponyms of the training corpus (TR-News by default), then
reports the same figure on the held-out corpus (LGL), so a gain that is only
memorised shows. What ships is the small artefact this writes,
data/gazetteer/ranker.json, never the corpus text.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from geoparsing import CORPORA, km, read_corpus  # noqa: E402  (the benchmark's corpus reader and distance)

from storymap.gazetteer import default_gazetteer  # noqa: E402
from storymap.geocoders import OfflineGazetteer  # noqa: E402
from storymap.places import Mention  # noqa: E402
from storymap.recognition import find_mentions  # noqa: E402
from storymap.ranker import RANKER_PATH, Weights  # noqa: E402
from storymap.resolution import resolve  # noqa: E402

STEPS = (0.5, 0.75, 1.25, 1.5, 2.0)


def prepare(xml_name: str, gazetteer):
    """Each document's gold toponyms as mentions, with its demonym evidence: computed once."""
    docs = []
    for text, gold in read_corpus(CORPORA / xml_name):
        spans = [g for g in gold if g.lat is not None]
        if spans:
            docs.append(([Mention(g.start, g.end, g.phrase) for g in spans], spans, find_mentions(text, gazetteer)[1]))
    return docs


def accuracy(docs, gazetteer, geocoder, weights: Weights) -> float:
    hits = total = 0
    for mentions, spans, demonyms in docs:
        parsed = resolve(mentions, geocoder, gazetteer, demonyms, weights=weights)
        located = {(m.start, m.end): rp.place for rp in parsed.places for m in rp.mentions}
        for g in spans:
            place = located.get((g.start, g.end))
            total += 1
            hits += bool(place and km(place.lat, place.lon, g.lat, g.lon) < 161)
    return hits / total


def train(docs, gazetteer, geocoder, start: Weights, rounds: int = 4) -> tuple[Weights, float]:
    best, best_acc = start, accuracy(docs, gazetteer, geocoder, start)
    for _ in range(rounds):
        improved = False
        for f in dataclasses.fields(Weights):
            current = getattr(best, f.name)
            for value in sorted({round(current * s, 3) for s in STEPS} | {round(current + 1, 3)}):
                candidate = dataclasses.replace(best, **{f.name: value})
                acc = accuracy(docs, gazetteer, geocoder, candidate)
                if acc > best_acc + 1e-9:
                    best, best_acc, improved = candidate, acc, True
        if not improved:
            break
    return best, best_acc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default="TR-News.xml")
    parser.add_argument("--held-out", default="lgl.xml")
    parser.add_argument("--out", type=Path, default=RANKER_PATH)
    args = parser.parse_args()
    if not CORPORA.exists():
        print(f"Skipped: the development corpora are not here ({CORPORA}).")
        return 0
    gazetteer = default_gazetteer()
    geocoder = OfflineGazetteer(gazetteer)
    train_docs, held_docs = prepare(args.train, gazetteer), prepare(args.held_out, gazetteer)
    start = Weights()
    before = (accuracy(train_docs, gazetteer, geocoder, start), accuracy(held_docs, gazetteer, geocoder, start))
    weights, _ = train(train_docs, gazetteer, geocoder, start)
    after = (accuracy(train_docs, gazetteer, geocoder, weights), accuracy(held_docs, gazetteer, geocoder, weights))
    print("| weights | gold-span acc@161, trained on " + args.train + " | held out: " + args.held_out + " |")
    print("|---|---|---|")
    print(f"| hand-set defaults | {before[0]:.3f} | {before[1]:.3f} |")
    print(f"| trained | {after[0]:.3f} | {after[1]:.3f} |")
    print({f.name: getattr(weights, f.name) for f in dataclasses.fields(Weights)})
    args.out.write_text(json.dumps({
        "trained_on": f"{args.train} gold toponyms (acc@161 by coordinate descent, benchmarks/train_ranker.py)",
        "trained": dt.date.today().isoformat(),
        "acc161": {"train": round(after[0], 4), "held_out": round(after[1], 4), "held_out_corpus": args.held_out},
        "weights": dataclasses.asdict(weights),
    }, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
