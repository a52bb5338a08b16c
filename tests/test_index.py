"""The sparse index's own parts, on small made-up data."""

from collections import Counter

import numpy as np
import pytest
from scipy import sparse

from bot.core.matching import index
from bot.core.matching.index import Corpus, ListedView, Vocabulary, WordView, _weigh, rows_dot
from bot.core.matching.reading import word_features


def test_a_vocabulary_finds_each_features_column_and_nothing_else():
    features = ["маслихат", "масл", "аким", "akim", " а", "ім "]
    vocabulary = Vocabulary(features)
    assert len(vocabulary) == len(features)
    assert vocabulary.columns(features).tolist() == list(range(len(features)))
    assert vocabulary.columns(["аким", "мәслихат", "", "масл"]).tolist() == [2, -1, -1, 1]
    assert "akim" in vocabulary and "akimat" not in vocabulary
    assert vocabulary.columns([]).dtype == np.int64 and len(vocabulary.columns([])) == 0


def test_an_empty_vocabulary_knows_nothing():
    vocabulary = Vocabulary([])
    assert len(vocabulary) == 0
    assert vocabulary.columns(["аким", "b"]).tolist() == [-1, -1]
    assert "аким" not in vocabulary


def _view(docs):
    return WordView(Corpus(docs, range(len(docs)), len(docs)), word_features)


def test_a_listed_question_is_weighed_as_the_knowledge_base_weighs_words():
    """"аким" is in every phrasing, so a question sharing only it with a listed one is far from it; a word
    the phrasings lack ("мажилис") weighs the most and brings the listed question near."""
    reference = _view([("аким", "выборы"), ("аким", "бюджет"), ("аким", "жалоба")])
    listed = ListedView([("зарплата", "аким"), ("выборы", "мажилис")], word_features, reference)
    assert listed.best(("аким", "полномочия")) < 0.1
    assert listed.best(("выборы", "мажилис")) > 0.99
    # A word neither has still counts in the question's length.
    assert 0.5 < listed.best(("выборы", "мажилис", "когда")) < 0.9
    assert listed.best(("выборы", "мажилис"), leave_out=1) == 0.0
    assert listed.best(()) == 0.0


@pytest.mark.parametrize("direct_max_columns", [index.DIRECT_MAX_COLUMNS, 10])
def test_rows_dot_is_the_weighted_sum_of_the_rows_asked_for_repeats_and_none_included(monkeypatch,
                                                                                      direct_max_columns):
    """Summed from the CSR arrays (few columns) or by scipy (many), the same numbers."""
    monkeypatch.setattr(index, "DIRECT_MAX_COLUMNS", direct_max_columns)
    matrix = sparse.random(60, 40, density=0.1, format="csr", dtype=np.float32, random_state=3)
    for rows in ([3, 7, 7, 59], [0], [5, 6, 8]):
        weights = np.linspace(0.5, 1.5, len(rows)).astype(np.float32)
        expected = matrix[rows].T @ weights
        got = rows_dot(matrix, np.array(rows), weights)
        assert got.dtype == np.float32 and np.allclose(got, expected, atol=1e-6)
    nothing = rows_dot(matrix, np.array([], dtype=np.int64), np.array([], dtype=np.float32))
    assert nothing.shape == (40,) and not nothing.any()


def test_a_groups_centroid_without_one_document_is_the_centroid_of_the_others():
    docs = [("аким", "ауыл", "сайлау"), ("аким", "сайлау", "қашан"), ("маслихат", "бюджет"), ("аким", "аким", "кім")]
    view = WordView(Corpus(docs, [0, 0, 1, 0], 2), word_features)
    q = view.vector(Counter(f for w in ("аким", "сайлау", "кім") for f in word_features(w)))
    for doc in (0, 1, 3):
        others = view.group_counts[0] - view.doc_counts[doc]
        expected = float((_weigh(others, view.idf)[:, q.cols] @ q.weights)[0])
        assert abs(view._centroid_without(0, doc, q) - expected) < 1e-6, doc
    # A group of one document has nothing left.
    assert view._centroid_without(1, 2, view.vector(Counter(word_features("бюджет")))) == 0.0
