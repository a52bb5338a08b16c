"""Bags of features to groups: TF-IDF vectors, identical bags weighted once, average linkage (linkage.py).

Each kind of feature (features.py) is weighted by IDF over the questions being grouped, so a word every
question contains ("акимат") says little, and a concept weighs CONCEPT_WEIGHT times a word. Questions are
joined by average linkage on cosine distance, cut at a distance: a question joins a group when it is,
on average, close to all its members, not just to one of them, which keeps chains of loosely related
questions apart.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from scipy.sparse import csr_matrix

from bot.core.curation.linkage import average_linkage

# Weights of the two kinds of features (tuned on the tuning half of eval/gap_clusters.tsv: concepts at
# 1.5-3 and cuts of 0.85-0.93 score within 0.01 ARI of each other there).
WORD_WEIGHT = 1.0
CONCEPT_WEIGHT = 2.0

_WEIGHTS = {"w": WORD_WEIGHT, "c": CONCEPT_WEIGHT}


def group(bags: list[Counter[str]], distance: float) -> list[int]:
    """A group label per bag (labels numbered from 0 in order of first appearance)."""
    if not bags:
        return []
    matrix, weights, of_bag = vectors(bags)
    labels = average_linkage(matrix, weights, min_similarity=1.0 - distance)
    renumber: dict[int, int] = {}
    return [renumber.setdefault(int(labels[row]), len(renumber)) for row in of_bag]


def vectors(bags: list[Counter[str]]) -> tuple[csr_matrix, np.ndarray, list[int]]:
    """Unit-length TF-IDF rows of the different bags, how many of the bags each row stands for, and each
    bag's row. Identical bags share a row (linkage.py weighs it by their number); an empty bag has a row
    of its own, since it is like nothing, not even another empty one."""
    rows_of: dict[frozenset, int] = {}
    row_of_object: dict[int, int] = {}  # features.Reader gives one object for one text asked again
    of_bag = []
    for bag in bags:
        row = row_of_object.get(id(bag))
        if row is None:
            row = rows_of.setdefault(frozenset(bag.items()) if bag else frozenset({("", len(of_bag))}), len(rows_of))
            if bag:
                row_of_object[id(bag)] = row
        of_bag.append(row)
    unique = [{f: tf for f, tf in key if f} for key in rows_of]
    weights = np.bincount(of_bag, minlength=len(unique)).astype(np.float64)
    # Document frequency over all the bags, repeats included, as if each were given on its own.
    df: Counter[str] = Counter()
    for bag, weight in zip(unique, weights):
        for f in bag:
            df[f] += weight
    n = len(bags)
    columns = {f: i for i, f in enumerate(df)}
    idf = {f: math.log((n + 1) / (count + 1)) + 1.0 for f, count in df.items()}
    rows, cols, values = [], [], []
    for r, bag in enumerate(unique):
        for f, tf in bag.items():
            rows.append(r)
            cols.append(columns[f])
            values.append(_WEIGHTS[f[0]] * (1 + math.log(tf)) * idf[f])
    matrix = csr_matrix((values, (rows, cols)), shape=(len(unique), len(columns)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return csr_matrix(matrix.multiply(1 / norms[:, None])), weights, of_bag
