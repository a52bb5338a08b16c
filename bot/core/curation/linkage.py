"""Average-linkage clustering of sparse vectors in memory that grows with their number, not its square.

Average linkage joins, again and again, the two groups whose members are most similar on average, and
stops when no two groups are similar enough. SciPy does it over the full matrix of distances: n² / 2
numbers, 1.6 GB for 20,000 questions, and 10.8 GB of peak memory once its copies are counted
(docs/benchmarks.md). Two facts about cosine similarity of non-negative, unit-length vectors avoid it:

1. The mean similarity of two groups is the dot product of their sum vectors, divided by their sizes:
   mean(a·b for a in A, b in B) = (ΣA)·(ΣB) / (|A| |B|). So a group's similarity to another is computed
   exactly from one sparse vector per group, never from its members' pairs.
2. Two groups whose mean similarity reaches the cut have at least one pair of members that does (a mean
   is never above its largest term). So only groups joined by such a pair can ever be joined: the
   candidate pairs are the edges of a graph of questions similar enough to each other.

The graph is built in blocks of rows (a block's similarities to every row, one sparse product each), and
each question keeps its NEIGHBOURS most similar neighbours at or above the cut: that bound is the only
approximation, and it only acts in dense regions, where a question has more than NEIGHBOURS near
duplicates (its group is joined through them). Memory: the vectors, the graph (at most n × NEIGHBOURS
edges) and one block's products.

Groups are then joined in rounds (reciprocal agglomerative clustering, Sumengen et al. 2021): every two
groups that are each other's most similar neighbour are joined at once. For average linkage, a
"reducible" linkage (a join never brings a group closer to a third than the nearer of its parts was),
this gives the same groups as joining one pair at a time; the rounds let numpy do the work.

Identical vectors are given once with a weight (their count): they join first in average linkage
anyway, at similarity 1, and the weighted sums above are exact for them.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

# Neighbours a row keeps in the graph. At 20,000 gaps (bench/clustering_scale.py, "varied" copies: 11,386
# different rows) the groups agree with SciPy's over the full matrix at ARI 0.894 with 20 neighbours,
# 0.990 with 40, and exactly (1.000) with 48, 64 and 80; at 2,000 gaps from 20 on. The graph then holds
# at most 50 edges a row (24 bytes each with its similarity: 24 MB at 20,000 rows).
NEIGHBOURS = 50
# Rows whose similarities to all rows are computed in one sparse product. It bounds the product's memory
# (500 rows against 20,000: at most 10 million entries, about 350,000 with the "varied" gaps) and how long
# one call into SciPy holds the interpreter: the bot's event loop waits for it when this runs in a worker
# thread (bot/telegram/slow.py).
BLOCK = 500
# Pairs of groups whose similarity is computed in one call, for the same two reasons.
PAIRS = 50_000


def average_linkage(vectors: csr_matrix, weights: np.ndarray | None = None, *, min_similarity: float,
                    neighbours: int = NEIGHBOURS) -> np.ndarray:
    """A group label per row (numbered from 0 in order of first appearance). `vectors` have unit length
    (or are zero) and no negative entry; `weights` count identical rows given once (default 1 each).
    Groups keep joining while their mean cosine similarity is at least `min_similarity` (> 0)."""
    n = vectors.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    a, b = graph(vectors, min_similarity, neighbours)
    cluster = _rounds(vectors, weights, a, b, min_similarity)
    _, first, labels = np.unique(cluster, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))  # label numbers by first appearance
    return order[labels].astype(np.int64)


def graph(vectors: csr_matrix, min_similarity: float, neighbours: int) -> tuple[np.ndarray, np.ndarray]:
    """Undirected edges (a < b) between rows at least `min_similarity` alike, each row's `neighbours`
    most similar ones (an edge is kept when either end keeps it)."""
    vectors = csr_matrix(vectors, dtype=np.float64)
    transposed = vectors.T.tocsc()
    n = vectors.shape[0]
    heads, tails = [], []
    for start in range(0, n, BLOCK):
        block = csr_matrix(vectors[start:start + BLOCK] @ transposed)
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        keep = (block.data >= min_similarity) & (block.indices != rows + start)
        rows, cols, sims = rows[keep], block.indices[keep].astype(np.int64), block.data[keep]
        counts = np.bincount(rows, minlength=block.shape[0])
        crowded = counts > neighbours
        light = ~crowded[rows]
        heads.append(rows[light] + start)
        tails.append(cols[light])
        # A crowded row keeps its most similar: each row's entries are contiguous (CSR), and a partial
        # sort of one row is linear in its length, where sorting the whole block was not (10,000 questions
        # of one small vocabulary: 11 million pairs at or above the cut).
        ends = np.cumsum(counts)
        for row in np.flatnonzero(crowded):
            first = ends[row] - counts[row]
            nearest = first + np.argpartition(sims[first:ends[row]], -neighbours)[-neighbours:]
            heads.append(np.full(neighbours, row + start))
            tails.append(cols[nearest])
    return _undirected(np.concatenate(heads), np.concatenate(tails), n)


def _undirected(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """One edge (low, high) per pair of different ends."""
    keep = a != b
    keys = _distinct(np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep]))
    return keys // n, keys % n


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values (np.unique hashes integers in numpy 2, several times slower here)."""
    keys = np.sort(keys)
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first]


def _rounds(vectors: csr_matrix, weights: np.ndarray, a: np.ndarray, b: np.ndarray,
            min_similarity: float) -> np.ndarray:
    """The group of each row after joining reciprocal most similar neighbours until none reaches the cut."""
    n = vectors.shape[0]
    cluster = np.arange(n)
    sums = csr_matrix(vectors.multiply(weights[:, None]))
    sizes = weights.copy()
    sims = _similarities(sums, sizes, a, b)
    while len(a):
        count = len(sizes)
        near = sims >= min_similarity
        best = _best_neighbour(a[near], b[near], sims[near], count)
        nodes = np.arange(count)
        mutual = (best > nodes) & (best[np.maximum(best, 0)] == nodes)
        if not mutual.any():
            break
        # Each mutual pair (x, best[x]) becomes one group, numbered in the order of its smaller member.
        target = nodes.copy()
        target[best[mutual]] = nodes[mutual]
        kept = target == nodes
        renumber = (np.cumsum(kept) - 1)[target]
        joined = np.zeros(count, dtype=bool)
        joined[nodes[mutual]] = joined[best[mutual]] = True
        count = int(kept.sum())
        joins = csr_matrix((np.ones(len(nodes)), (renumber, nodes)), shape=(count, len(nodes)))
        sums = csr_matrix(joins @ sums)
        sizes = joins @ sizes
        cluster = renumber[cluster]
        # Edges between groups that did not change keep their similarity; the others are renumbered,
        # made one per pair, and computed again.
        touched = joined[a] | joined[b]
        fresh_a, fresh_b = _undirected(renumber[a[touched]], renumber[b[touched]], count)
        a = np.concatenate([renumber[a[~touched]], fresh_a])
        b = np.concatenate([renumber[b[~touched]], fresh_b])
        sims = np.concatenate([sims[~touched], _similarities(sums, sizes, fresh_a, fresh_b)])
    return cluster


def _similarities(sums: csr_matrix, sizes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean member similarity of the groups a[i] and b[i]: their sums' dot product over their sizes."""
    out = np.empty(len(a))
    for start in range(0, len(a), PAIRS):
        x, y = a[start:start + PAIRS], b[start:start + PAIRS]
        dots = np.asarray(sums[x].multiply(sums[y]).sum(axis=1)).ravel()
        out[start:start + PAIRS] = dots / (sizes[x] * sizes[y])
    return out


def _best_neighbour(a: np.ndarray, b: np.ndarray, sims: np.ndarray, count: int) -> np.ndarray:
    """Each group's most similar neighbour (of equally similar ones, the lowest numbered), or -1."""
    nodes = np.concatenate([a, b])
    others = np.concatenate([b, a])
    values = np.concatenate([sims, sims])
    top = np.full(count, -np.inf)
    np.maximum.at(top, nodes, values)
    tied = values == top[nodes]
    best = np.full(count, count)
    np.minimum.at(best, nodes[tied], others[tied])
    best[best == count] = -1
    return best
