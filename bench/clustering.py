"""How well and how fast unanswered questions are grouped for editors (bot/core/curation/clustering.py).

Quality on eval/gap_clusters.tsv (41 information needs, 410 questions in kk, ru and en, written
without looking at the code or the knowledge base): the groups are split in two halves by a fixed
rule, one to tune the weights and the cut, one to report. Each half is clustered on its own, as a gap log
would be, and compared with the labels by the adjusted Rand index and pairwise precision, recall and F1
(a pair of questions is "together" in the labels and in the clusters, or not).

Speed: 2,000 gaps (the set five times over, with a typo in every copy), clustered from scratch,
including the matcher's ranking of each question.

    python -m bench.clustering [--distance 0.75]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from itertools import combinations
from math import comb
from pathlib import Path

SET = Path(__file__).resolve().parents[1] / "eval" / "gap_clusters.tsv"


def read_set(path: Path = SET) -> list[tuple[str, str, str]]:
    """(group, lang, question) rows."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["group"], r["lang"], r["question"]) for r in csv.DictReader(fh, delimiter="\t")]


def split(rows):
    """Tuning half and reporting half, by group: every other group in sorted order."""
    groups = sorted({g for g, _, _ in rows})
    tune = set(groups[::2])
    return [r for r in rows if r[0] in tune], [r for r in rows if r[0] not in tune]


def adjusted_rand(truth: list, predicted: list) -> float:
    """Hubert and Arabie's adjusted Rand index: 1 for identical partitions, about 0 for chance."""
    pairs = Counter(zip(truth, predicted))
    sum_cells = sum(comb(n, 2) for n in pairs.values())
    sum_truth = sum(comb(n, 2) for n in Counter(truth).values())
    sum_pred = sum(comb(n, 2) for n in Counter(predicted).values())
    total = comb(len(truth), 2)
    expected = sum_truth * sum_pred / total if total else 0.0
    maximum = (sum_truth + sum_pred) / 2
    return 1.0 if maximum == expected else (sum_cells - expected) / (maximum - expected)


def pairwise(truth: list, predicted: list) -> tuple[float, float, float]:
    """Precision, recall and F1 over pairs of questions put together."""
    same_truth = same_pred = both = 0
    for (t1, p1), (t2, p2) in combinations(zip(truth, predicted), 2):
        same_truth += t1 == t2
        same_pred += p1 == p2
        both += t1 == t2 and p1 == p2
    precision = both / same_pred if same_pred else 1.0
    recall = both / same_truth if same_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def quality(rows, matcher, glossary, distance: float) -> dict:
    from bot.core.curation.features import Reader
    from bot.core.curation.grouping import group

    read = Reader(matcher, glossary)
    labels = group([read(q, lang) for _, lang, q in rows], distance)
    truth = [g for g, _, _ in rows]
    precision, recall, f1 = pairwise(truth, labels)
    return {"questions": len(rows), "groups": len(set(truth)), "clusters": len(set(labels)),
            "ari": adjusted_rand(truth, labels), "precision": precision, "recall": recall, "f1": f1}


def typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters of a longer word, as a thumb on a phone does."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def speed(rows, matcher, glossary, n: int = 2000) -> float:
    from bot.core.curation.clustering import cluster_gaps
    from bot.storage.gaps import Gap

    rng = random.Random(7)
    gaps = []
    while len(gaps) < n:
        for _, lang, q in rows:
            if len(gaps) == n:
                break
            text = q if len(gaps) < len(rows) else typo(q, rng)
            gaps.append(Gap(len(gaps) + 1, "2026-11-20T10:00:00+00:00", lang, "tg", text, "unanswered", 0.0, [], None))
    started = time.perf_counter()
    clusters = cluster_gaps(gaps, matcher, glossary)
    seconds = time.perf_counter() - started
    print(f"  {n} gaps -> {len(clusters)} clusters in {seconds:.2f} s")
    return seconds


def main(argv: list[str] | None = None) -> None:
    from bot.core.curation.clustering import DISTANCE
    from bot.core.knowledge.glossary import load_glossary
    from bot.core.knowledge.loader import load_or_fail
    from bot.core.matching.engine import build_matcher

    parser = argparse.ArgumentParser(prog="python -m bench.clustering")
    parser.add_argument("--distance", type=float, default=DISTANCE)
    args = parser.parse_args(argv)
    matcher = build_matcher(load_or_fail())
    glossary = load_glossary()[0]
    rows = read_set()
    tune, report = split(rows)
    print(f"clustering of gaps (eval/gap_clusters.tsv, distance {args.distance}, glossary {glossary.size} concepts)")
    for name, part in (("tuning half", tune), ("reporting half", report), ("whole set", rows)):
        q = quality(part, matcher, glossary, args.distance)
        print(f"  {name:<15} {q['questions']} questions, {q['groups']} groups -> {q['clusters']} clusters: "
              f"ARI {q['ari']:.3f}, pairwise precision {q['precision']:.3f} recall {q['recall']:.3f} "
              f"F1 {q['f1']:.3f}")
    speed(rows, matcher, glossary)


if __name__ == "__main__":
    main()
