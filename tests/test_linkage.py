"""Average linkage in bounded memory (bot/core/curation/linkage.py) gives SciPy's average linkage over the
full distance matrix wherever the neighbour graph keeps every pair that reaches the cut; identical rows
given once with a weight group as the rows given one by one. Quality on the labelled set is
bench/clustering.py's; time and memory at 20,000 gaps are bench/clustering_scale.py's."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse import random as sparse_random

from bench.clustering import adjusted_rand, read_set
from bot.core.curation import linkage as bounded
from bot.core.curation.features import Reader
from bot.core.curation.grouping import group, vectors
from bot.core.knowledge.glossary import load_glossary


def unit_rows(matrix: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return csr_matrix(matrix.multiply(1 / norms[:, None]))


def scipy_groups(vectors: csr_matrix, min_similarity: float) -> list[int]:
    """The reference: average linkage over every pair's cosine distance, cut where similarity falls short."""
    similarity = (vectors @ vectors.T).toarray()
    condensed = np.clip(1.0 - similarity, 0.0, 2.0)[np.triu_indices(vectors.shape[0], k=1)]
    return list(fcluster(linkage(condensed, method="average"), t=1.0 - min_similarity, criterion="distance"))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("cut", [0.2, 0.35])
def test_it_is_scipys_average_linkage_when_the_graph_keeps_every_near_pair(seed, cut):
    # 300 sparse rows over 60 features: dense enough that many groups form and chain.
    vectors = unit_rows(sparse_random(300, 60, density=0.06, random_state=seed, format="csr"))
    ours = bounded.average_linkage(vectors, min_similarity=cut, neighbours=300)
    assert adjusted_rand(scipy_groups(vectors, cut), list(ours)) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weights_stand_for_repeated_rows(seed):
    # Ten features a row: no two different rows are alike by accident (rows of one feature each, alike
    # when it is the same one, tie and may join in another order, within 0.4% of the same groups).
    vectors = unit_rows(sparse_random(120, 40, density=0.25, random_state=seed, format="csr"))
    counts = np.random.default_rng(seed).integers(1, 5, size=120)
    repeated = csr_matrix(vectors[np.repeat(np.arange(120), counts)])
    once = bounded.average_linkage(vectors, counts, min_similarity=0.25, neighbours=1000)
    one_by_one = bounded.average_linkage(repeated, min_similarity=0.25, neighbours=1000)
    assert adjusted_rand(list(np.repeat(once, counts)), list(one_by_one)) == pytest.approx(1.0)
    assert adjusted_rand(scipy_groups(repeated, 0.25), list(one_by_one)) == pytest.approx(1.0)


def test_the_labelled_questions_group_as_with_the_full_matrix(matcher):
    """eval/gap_clusters.tsv through the real reading and weighting: SciPy's groups over the full matrix
    of every question (identical ones repeated), so bench/clustering.py's figures are unchanged."""
    read = Reader(matcher, load_glossary()[0])
    bags = [read(question, lang) for _, lang, question in read_set()]
    matrix, _, of_bag = vectors(bags)
    reference = scipy_groups(csr_matrix(matrix[of_bag]), 0.2)
    assert adjusted_rand(reference, group(bags, 0.8)) == pytest.approx(1.0)


def test_empty_and_single_rows():
    assert list(bounded.average_linkage(csr_matrix((0, 3)), min_similarity=0.2)) == []
    assert list(bounded.average_linkage(csr_matrix(np.array([[1.0, 0.0]])), min_similarity=0.2)) == [0]
    # Rows without any feature are alone, even with each other.
    assert group([{}, {}, {"w:akim": 1}, {"w:akim": 1}], 0.8) == [0, 1, 2, 2]


def test_a_crowded_row_keeps_its_nearest_neighbours_only():
    # 50 rows all alike: with 5 neighbours each the graph has far fewer than 50 * 49 / 2 edges, and they
    # still form one group.
    rng = np.random.default_rng(0)
    base = rng.random(20)
    vectors = unit_rows(csr_matrix(base + rng.random((50, 20)) * 0.05))
    a, b = bounded.graph(vectors, 0.2, 5)
    assert len(a) <= 50 * 5 and (a < b).all()
    assert len(set(bounded.average_linkage(vectors, min_similarity=0.2, neighbours=5))) == 1
