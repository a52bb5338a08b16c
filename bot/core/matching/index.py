"""Sparse TF-IDF index of the knowledge base's phrasings (scipy), in two views.

Documents are the phrasings (every title and question of every entry, in every language); groups are an
entry in one language, whose centroid is the sum of its phrasings. Every document is stored as the ids of
its words (a document x word count matrix); a view turns a word into features (the word and its
prefixes, or its character n-grams), stored once per distinct word. A document's features are then one
sparse product, documents x words @ words x features, done in C. At 250 times the real knowledge base
(822,000 phrasings) the matcher builds in 51 s with its model and holds 227 MiB (bench/matching.py),
where dicts of Python tuples took 221 s and 611 MiB for 260,000 phrasings.

- WordView scores every document and every group for a question (one sparse product per question), so
  it generates the candidates.
- CharView scores every group, and the candidates' documents, by character n-grams without storing any
  document's n-gram vector (see there).
- ListedView scores the questions the knowledge base lists as not answered, with WordView's weights.

Both support leaving one document out (its own group's centroid without it, itself not scored): the
training of the re-ranker and of the decision (bot/core/matching/training.py) asks every phrasing as if the
knowledge base had never seen it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse

FeatureFunction = Callable[[str], Iterable[str]]


def _idf(group_counts: sparse.csr_matrix) -> np.ndarray:
    # IDF over the groups (one per entry and language): a feature found in every topic says nothing about
    # which topic is meant.
    n = group_counts.shape[0]
    df = np.bincount(group_counts.indices, minlength=group_counts.shape[1])
    return (np.log((n + 1) / (df + 1)) + 1.0).astype(np.float32)


def _weigh(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF-IDF, rows scaled to unit length."""
    weights = counts.astype(np.float32, copy=True)
    weights.data = (1 + np.log(weights.data)) * idf[weights.indices]
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ weights, dtype=np.float32)


# Columns up to which rows_dot sums rows itself. Its cost is the dense array of all columns that
# np.bincount fills; scipy's is building the sliced matrix. Measured per question: real knowledge base
# (3,289 documents) 34 us against scipy's 108; at 250 times (822,000 documents) 1.6 ms against 0.33.
DIRECT_MAX_COLUMNS = 20_000


def rows_dot(matrix: sparse.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """weights @ matrix[rows], dense. A question touches a few rows; for a matrix of few columns they are
    summed straight from the CSR arrays, since slicing them into a new scipy matrix first cost more than
    the arithmetic (about a fifth of a ranking's time, profiled while training)."""
    if matrix.shape[1] > DIRECT_MAX_COLUMNS:
        return np.asarray(matrix[rows].T @ np.asarray(weights, np.float32), dtype=np.float32)
    starts, ends = matrix.indptr[rows], matrix.indptr[np.asarray(rows) + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(matrix.shape[1], np.float32)
    # The positions of every selected row's entries, row after row.
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    at = offsets + np.arange(total)
    values = matrix.data[at] * np.repeat(np.asarray(weights, np.float32), lengths)
    return np.bincount(matrix.indices[at], weights=values, minlength=matrix.shape[1]).astype(np.float32)


class Corpus:
    """The phrasings as word ids, and which group (entry, language) each belongs to."""

    def __init__(self, docs: Sequence[Sequence[str]], doc_group: Sequence[int], n_groups: int):
        self.words: dict[str, int] = {}
        rows, cols = [], []
        for doc, words in enumerate(docs):
            for word in words:
                rows.append(doc)
                cols.append(self.words.setdefault(word, len(self.words)))
        shape = (len(docs), len(self.words))
        self.doc_words = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)
        self.doc_words.sum_duplicates()
        self.doc_group = np.asarray(doc_group, dtype=np.int32)
        self.n_groups = n_groups
        membership = sparse.csr_matrix(
            (np.ones(len(docs), np.float32), (self.doc_group, np.arange(len(docs)))), shape=(n_groups, len(docs)))
        self.group_words = sparse.csr_matrix(membership @ self.doc_words)
        # Documents of a group are contiguous (built entry by entry, language by language).
        self.group_start = np.searchsorted(self.doc_group, np.arange(n_groups + 1)).astype(np.int64)
        # How many documents use each word: a word found in one phrasing only is unknown when that
        # phrasing is left out.
        self.word_docs = np.bincount(self.doc_words.indices, minlength=len(self.words))

    def word_features(self, function: FeatureFunction) -> tuple[Vocabulary, sparse.csr_matrix]:
        """The words x features count matrix of a view, and its feature vocabulary."""
        vocabulary: dict[str, int] = {}
        rows, cols = [], []
        for word, wid in self.words.items():
            for feature in function(word):
                rows.append(wid)
                cols.append(vocabulary.setdefault(feature, len(vocabulary)))
        matrix = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                   shape=(len(self.words), len(vocabulary)))
        matrix.sum_duplicates()
        return Vocabulary(vocabulary), matrix


class Vocabulary:
    """Features to columns, held as sorted 64-bit hashes rather than a dict of strings: at 250 times the
    knowledge base the two views' 450,000 features took about 50 MiB as a dict, 5 MiB as two arrays. The hash is
    Python's own, fixed within a process; the index is built in every process and never saved. Two of
    450,000 features share a 64-bit hash with a chance near 10^-8."""

    def __init__(self, features: Iterable[str]):
        hashes = np.fromiter(map(hash, features), dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._columns = order.astype(np.int32)

    def __len__(self) -> int:
        return len(self._hashes)

    def columns(self, features: list[str]) -> np.ndarray:
        """Each feature's column, -1 for one the view has never seen."""
        if not features or not len(self._hashes):
            return np.full(len(features), -1, dtype=np.int64)
        hashes = np.fromiter(map(hash, features), dtype=np.int64, count=len(features))
        at = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        return np.where(self._hashes[at] == hashes, self._columns[at], -1).astype(np.int64)

    def __contains__(self, feature: str) -> bool:
        return bool(self.columns([feature])[0] >= 0)


class Vector:
    """A question in one view: feature columns and unit-length weights (unknown features only in the norm)."""

    __slots__ = ("cols", "unknown", "weights")

    def __init__(self, cols: np.ndarray, weights: np.ndarray, unknown: float):
        self.cols = cols
        self.weights = weights
        self.unknown = unknown

    def __bool__(self) -> bool:
        return bool(len(self.cols)) or bool(self.unknown > 0)


def vectorize(bag: Counter[str], vocabulary: Vocabulary, idf: np.ndarray, unknown_idf: float,
              sublinear: bool = True) -> Vector:
    """A question's unit vector in a view; `sublinear` as the view's documents are weighed."""
    cols = vocabulary.columns(list(bag))
    known = cols >= 0
    tf = np.fromiter(bag.values(), dtype=np.float64, count=len(bag))
    weights = (1 + np.log(tf) if sublinear else tf) * np.where(known, idf[np.maximum(cols, 0)], unknown_idf)
    unknown = float(weights[~known] @ weights[~known])
    weights_array = weights[known].astype(np.float32)
    norm = float(np.sqrt(unknown + float(weights_array @ weights_array))) or 1.0
    return Vector(cols[known], weights_array / norm, float(unknown / norm**2))


# Words a view remembers the feature columns of. Residents ask in the same words, and training asks every
# phrasing in six variants, so a question's words are mostly known: reading a word's 5-30 features
# (hashing them, finding their columns) is then one dict look-up. 50,000 words hold about 10 MiB.
WORD_MEMO = 50_000


class WordColumns:
    """A word's features as columns of a view; a feature the view has never seen gets a negative id
    (-1, -2 ... in order of first sight), so a question that repeats an unknown word still counts it
    twice. Remembered per word, and forgotten together once WORD_MEMO words are held."""

    def __init__(self, function: FeatureFunction, vocabulary: Vocabulary,
                 unknown_value: Callable[[list[str]], np.ndarray] | None = None):
        """unknown_value: a number to remember with each unknown feature (the listed questions' view
        weighs a feature it lacks by the knowledge base's idf)."""
        self.function = function
        self.vocabulary = vocabulary
        self.memo: dict[str, np.ndarray] = {}
        self.unknown_value = unknown_value
        self.forget()

    @property
    def n_unknown(self) -> int:
        return len(self._hashes)

    def __call__(self, word: str) -> np.ndarray:
        ids = self.memo.get(word)
        if ids is None:
            if len(self.memo) >= WORD_MEMO:
                self.forget()
            self.learn([word])
            ids = self.memo[word]
        return ids

    def forget(self) -> None:
        self.memo.clear()
        # The unknown features seen, as sorted hashes with their ids (numpy, not a dict: training meets
        # some 300,000 features the listed questions' views lack).
        self._hashes = np.zeros(0, np.int64)
        self._ids = np.zeros(0, np.int64)
        self._values = np.zeros(1)  # by id (-1 first), and a 0 after them

    def unknown_values(self) -> np.ndarray:
        """unknown_value of each unknown feature, by id (-1 first), and a 0 after them (never empty)."""
        return self._values

    def learn(self, words: list[str]) -> None:
        """Find the columns of new words' features, all in one look-up."""
        per_word = [list(self.function(w)) for w in words]
        features = [f for fs in per_word for f in fs]
        ids = self.vocabulary.columns(features)
        unknown = np.flatnonzero(ids < 0)
        if len(unknown):
            hashes = np.fromiter((hash(features[k]) for k in unknown.tolist()), np.int64, len(unknown))
            distinct, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
            at = np.minimum(np.searchsorted(self._hashes, distinct), max(len(self._hashes) - 1, 0))
            seen = (self._hashes[at] == distinct) if len(self._hashes) else np.zeros(len(distinct), bool)
            new = ~seen
            new_ids = -1 - self.n_unknown - np.arange(int(new.sum()), dtype=np.int64)
            distinct_ids = np.empty(len(distinct), np.int64)
            distinct_ids[seen] = self._ids[at[seen]]
            distinct_ids[new] = new_ids
            ids[unknown] = distinct_ids[inverse]
            if new.any():
                hashes_all = np.concatenate([self._hashes, distinct[new]])
                ids_all = np.concatenate([self._ids, new_ids])
                order = np.argsort(hashes_all, kind="stable")
                self._hashes, self._ids = hashes_all[order], ids_all[order]
                if self.unknown_value is not None:
                    added = self.unknown_value([features[unknown[k]] for k in first[new].tolist()])
                    self._values = np.concatenate([self._values[:-1], added, [0.0]])
        bounds = np.cumsum([0, *map(len, per_word)])
        for i, word in enumerate(words):
            self.memo[word] = ids[bounds[i]:bounds[i + 1]]

    def many(self, questions: list[Iterable[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Every question's feature ids end to end, and how many each has."""
        memo = self.memo
        distinct = list(dict.fromkeys(w for words in questions for w in words))
        new = [w for w in distinct if w not in memo]
        if len(memo) + len(new) > WORD_MEMO:
            self.forget()
            new = distinct
        if new:
            self.learn(new)
        per_word = [[memo[w] for w in words] for words in questions]
        lengths = np.fromiter((sum(map(len, arrays)) for arrays in per_word), np.int64, len(per_word))
        flat = [a for arrays in per_word for a in arrays]
        return (np.concatenate(flat) if flat else np.zeros(0, np.int64)), lengths


def vectorize_many(ids: np.ndarray, lengths: np.ndarray, n_columns: int, n_unknown: int,
                   feature_idf, sublinear: bool = True, unknown_in_norm_only: bool = False) -> list[Vector]:
    """The unit vectors of many questions at once, given as their words' feature ids end to end
    (WordColumns.many; repeats count), weighed as vectorize weighs one bag: one sort of all their ids
    instead of a count per question (training reads 8,000). feature_idf(ids) gives each feature's idf,
    unknown ones included. unknown_in_norm_only: the listed questions' view, whose vector keeps no
    unknown weight of its own."""
    n = len(lengths)
    if not len(ids):
        return [Vector(np.zeros(0, np.int64), np.zeros(0, np.float32), 0.0) for _ in range(n)]
    if n == 1:
        # One question (answering): counted by a Counter, with a third of the numpy calls.
        bag = Counter(ids.tolist())
        cols = np.fromiter(bag, np.int64, len(bag))
        tf = np.fromiter(bag.values(), np.float64, len(bag))
        weights = (1 + np.log(tf) if sublinear else tf) * feature_idf(cols)
        known = cols >= 0
        unknown_weights = weights[~known]
        unknown = float(unknown_weights @ unknown_weights)
        known_weights = weights[known].astype(np.float32)
        norm = float(np.sqrt(unknown + float(known_weights.astype(np.float64) @ known_weights))) or 1.0
        return [Vector(cols[known], known_weights / np.float32(norm),
                       0.0 if unknown_in_norm_only else unknown / norm**2)]
    width = np.int64(n_columns + n_unknown)
    keys = np.sort(np.repeat(np.arange(n, dtype=np.int64), lengths) * width + (ids + n_unknown))
    run = np.empty(len(keys), bool)
    run[0] = True
    np.not_equal(keys[1:], keys[:-1], out=run[1:])
    starts = np.flatnonzero(run)
    tf = np.diff(np.append(starts, len(keys))).astype(np.float64)
    owner, cols = np.divmod(keys[starts], width)
    cols -= n_unknown
    known = cols >= 0
    weights = (1 + np.log(tf) if sublinear else tf) * feature_idf(cols)
    unknown = np.bincount(owner[~known], weights=weights[~known] ** 2, minlength=n)
    known_weights = weights[known].astype(np.float32)
    owner, cols = owner[known], cols[known]
    norms = np.sqrt(unknown + np.bincount(owner, weights=known_weights.astype(np.float64) ** 2, minlength=n))
    norms[norms == 0] = 1.0
    known_weights = (known_weights / norms[owner]).astype(np.float32)
    unknown = np.zeros(n) if unknown_in_norm_only else unknown / norms**2
    bounds = np.searchsorted(owner, np.arange(n + 1))
    return [Vector(cols[bounds[i]:bounds[i + 1]], known_weights[bounds[i]:bounds[i + 1]], float(unknown[i]))
            for i in range(n)]


def _idf_with_unknown(idf: np.ndarray, unknown_idf: float):
    return lambda cols: np.where(cols >= 0, idf[np.maximum(cols, 0)], unknown_idf)


class WordView:
    """Every document and group scored against a question: the first stage of the ranking."""

    def __init__(self, corpus: Corpus, function: FeatureFunction):
        self.corpus = corpus
        self.vocabulary, word_features = corpus.word_features(function)
        # Features x words (1 where the word yields the feature): which words carry a question's feature.
        self.feature_words = word_features.T.tocsr()
        doc_counts = sparse.csr_matrix(corpus.doc_words @ word_features)
        group_counts = sparse.csr_matrix(corpus.group_words @ word_features)
        # Sorted column indices within each row: _centroid_without finds a document's features in its
        # group's row by binary search.
        doc_counts.sort_indices()
        group_counts.sort_indices()
        self.idf = _idf(group_counts)
        # A feature never seen in the knowledge base is as rare as one can be: it keeps its full weight in
        # the question's norm, so "курс евро" next to "маслихат" lowers the similarity, as it should.
        self.unknown_idf = float(np.log(corpus.n_groups + 1) + 1.0)
        # Features x documents, so that a question's few features select a few rows.
        self.doc_t = _weigh(doc_counts, self.idf).T.tocsr()
        self.group_t = _weigh(group_counts, self.idf).T.tocsr()
        # Raw counts are kept only while the model is trained (leave-one-out), then dropped.
        self.doc_counts: sparse.csr_matrix | None = doc_counts
        self.group_counts: sparse.csr_matrix | None = group_counts
        self.word_columns = WordColumns(function, self.vocabulary)

    def release_training_data(self) -> None:
        self.doc_counts = self.group_counts = None

    def vector(self, bag: Counter[str]) -> Vector:
        return vectorize(bag, self.vocabulary, self.idf, self.unknown_idf)

    def read(self, questions: list[Iterable[str]]) -> list[Vector]:
        """The vectors of questions' words (as vector(features(words)), each word's columns remembered)."""
        ids, lengths = self.word_columns.many(questions)
        return vectorize_many(ids, lengths, len(self.vocabulary), self.word_columns.n_unknown,
                              _idf_with_unknown(self.idf, self.unknown_idf))

    def scores(self, q: Vector, leave_out: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Cosine of the question with every document, and with every group's centroid."""
        if not len(q.cols):
            return np.zeros(self.doc_t.shape[1], np.float32), np.zeros(self.group_t.shape[1], np.float32)
        docs = rows_dot(self.doc_t, q.cols, q.weights)
        groups = rows_dot(self.group_t, q.cols, q.weights)
        if leave_out is not None:
            docs[leave_out] = 0.0
            group = int(self.corpus.doc_group[leave_out])
            groups[group] = self._centroid_without(group, leave_out, q)
        return docs, groups

    def _centroid_without(self, group: int, doc: int, q: Vector) -> float:
        """Cosine of the question with a group's centroid rebuilt without one of its documents, from the
        two rows' arrays: building it as a scipy matrix cost a tenth of training (one per example)."""
        def row(matrix: sparse.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
            span = slice(matrix.indptr[i], matrix.indptr[i + 1])
            return matrix.indices[span], matrix.data[span].astype(np.float64)

        features, counts = row(self.group_counts, group)
        own, own_counts = row(self.doc_counts, doc)
        counts[np.searchsorted(features, own)] -= own_counts  # a document's features are its group's
        kept = counts > 0
        features = features[kept]
        if not len(features):
            return 0.0
        # As _weigh: sublinear TF-IDF at unit length.
        weights = (1 + np.log(counts[kept])) * self.idf[features]
        at = np.minimum(np.searchsorted(features, q.cols), len(features) - 1)
        hit = features[at] == q.cols
        return float(weights[at[hit]] @ q.weights[hit]) / float(np.sqrt(weights @ weights))


class ListedView:
    """Questions listed beside the knowledge base (those it does not answer, knowledge/out_of_scope.toml),
    scored by word cosine with each feature weighed as the knowledge base's first stage weighs it, so the
    cosine compares with a phrasing's: "аким" or "village", common in the entries, says little about
    which listed question is meant; "мажилис", which no entry uses, says most. Weighed by the list's own
    rarity instead, "I want to run for akim of my village" was nearer "how much does a village akim
    earn" than any phrasing of the entry on candidates, and held-out phrasings of the knowledge base were
    nearer a listed question twice as often (2.6% against 1.3%)."""

    def __init__(self, docs: Sequence[Sequence[str]], function: FeatureFunction, reference: WordView):
        self.function = function
        self.reference = reference
        columns: dict[str, int] = {}
        rows, cols, counts = [], [], []
        for doc, words in enumerate(docs):
            bag = Counter(feature for word in words for feature in function(word))
            for feature, count in bag.items():
                rows.append(doc)
                cols.append(columns.setdefault(feature, len(columns)))
                counts.append(count)
        self.vocabulary = Vocabulary(columns)
        matrix = sparse.csr_matrix((np.asarray(counts, np.float32), (rows, cols)), shape=(len(docs), len(columns)))
        self.listed_idf = self._reference_idf(list(columns)).astype(np.float64)
        self.docs_t = _weigh(matrix, self.listed_idf.astype(np.float32)).T.tocsr()
        self.n_docs = len(docs)
        self.word_columns = WordColumns(function, self.vocabulary, self._reference_idf)

    def _reference_idf(self, features: list[str]) -> np.ndarray:
        at = self.reference.vocabulary.columns(features)
        return np.where(at >= 0, self.reference.idf[np.maximum(at, 0)], self.reference.unknown_idf).astype(np.float32)

    def read(self, questions: list[Iterable[str]]) -> list[Vector]:
        """The questions' words in this view: sublinear TF-IDF with the reference's idf, the norm over all
        the question's features (those the list lacks too), as the first stage weighs a question."""
        ids, lengths = self.word_columns.many(questions)
        # Features the list lacks weigh as the knowledge base weighs them (remembered with their ids).
        unknown = self.word_columns.unknown_values()
        listed = self.listed_idf

        def feature_idf(cols: np.ndarray) -> np.ndarray:
            return np.where(cols >= 0, listed[np.maximum(cols, 0)], unknown[np.maximum(-1 - cols, 0)])

        return vectorize_many(ids, lengths, len(self.vocabulary), self.word_columns.n_unknown, feature_idf,
                              unknown_in_norm_only=True)

    def vector(self, words: Iterable[str]) -> Vector:
        return self.read([words])[0]

    def best(self, words: Iterable[str], leave_out: int | None = None) -> float:
        """The highest cosine of the words with one listed question (leave_out: one asked as if unlisted)."""
        return self.nearest(words, leave_out)[0]

    def nearest(self, words: Iterable[str], leave_out: int | None = None) -> tuple[float, int]:
        """The highest cosine of the words with one listed question, and which question that is (its index
        among the listed documents; -1 when none shares a feature)."""
        v = self.vector(words)
        if not self.n_docs or not (len(v.cols) or v.unknown):
            return 0.0, -1
        scores = rows_dot(self.docs_t, v.cols, v.weights)
        if leave_out is not None:
            scores[leave_out] = 0.0
        at = int(np.argmax(scores))
        return float(scores[at]), (at if scores[at] > 0 else -1)


class CharView:
    """Character n-gram cosines of every group, and of the documents asked for, with raw term counts.

    Raw counts (not sublinear) keep a document's vector linear in its words: scores are then two sparse
    products, words x grams @ question and groups (or documents) x words @ that, and the documents'
    n-gram vectors are never stored (at 250 times the knowledge base they would take 300 MiB). Only their
    lengths are kept, computed in chunks at build time. Groups nominate candidates; documents are scored
    only for the candidates (their best phrasing), which halved a question's time at that size.
    """

    CHUNK = 20_000

    def __init__(self, corpus: Corpus, function: FeatureFunction):
        self.corpus = corpus
        self.vocabulary, word_grams = corpus.word_features(function)
        group_grams = sparse.csr_matrix(corpus.group_words @ word_grams)
        self.idf = _idf(group_grams)
        self.unknown_idf = float(np.log(corpus.n_groups + 1) + 1.0)
        # Idf-weighted counts, words x grams: for the norms here and leaving a document out in training;
        # questions use its transpose only.
        self.word_grams: sparse.csr_matrix | None = sparse.csr_matrix(word_grams @ sparse.diags(self.idf))
        self.grams_t = self.word_grams.T.tocsr()                                  # grams x words
        self.doc_norms = self._norms(corpus.doc_words)
        self.group_norms = self._norms(corpus.group_words)
        # Each document's n-gram mass (sum of its idf-weighted counts) at unit length, for the naive Bayes
        # score (Matcher._bayes): the word's total mass, summed over the document's words.
        self.word_mass = np.asarray(self.word_grams.sum(axis=1), dtype=np.float64).ravel()
        self.doc_mass = (corpus.doc_words @ self.word_mass) / self.doc_norms
        self.word_columns = WordColumns(function, self.vocabulary)

    def release_training_data(self) -> None:
        self.word_grams = None

    def _norms(self, words: sparse.csr_matrix) -> np.ndarray:
        out = np.empty(words.shape[0], np.float32)
        for start in range(0, words.shape[0], self.CHUNK):
            block = sparse.csr_matrix(words[start:start + self.CHUNK] @ self.word_grams)
            out[start:start + self.CHUNK] = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
        out[out == 0] = 1.0
        return out

    def vector(self, bag: Counter[str]) -> Vector:
        return vectorize(bag, self.vocabulary, self.idf, self.unknown_idf, sublinear=False)

    def read(self, questions: list[Iterable[str]]) -> list[Vector]:
        """The vectors of questions' words (as vector(grams(words)), each word's columns remembered)."""
        ids, lengths = self.word_columns.many(questions)
        return vectorize_many(ids, lengths, len(self.vocabulary), self.word_columns.n_unknown,
                              _idf_with_unknown(self.idf, self.unknown_idf), sublinear=False)

    def group_scores(self, q: Vector, leave_out: int | None = None) -> np.ndarray:
        """Cosine of the question with every group's centroid."""
        corpus = self.corpus
        if not len(q.cols):
            return np.zeros(len(self.group_norms), np.float32)
        # Each word's dot product with the question (word_grams carries the documents' idf factor, the
        # question's weights the question's), then summed over the words of every group.
        per_word = rows_dot(self.grams_t, q.cols, q.weights)
        groups = corpus.group_words @ per_word
        group_scores = groups / self.group_norms
        if leave_out is not None:
            g = int(corpus.doc_group[leave_out])
            row = corpus.doc_words[leave_out]
            group_vec = corpus.group_words[g] @ self.word_grams - row @ self.word_grams
            norm = float(np.sqrt(group_vec.multiply(group_vec).sum())) or 1.0
            group_scores[g] = (groups[g] - float((row @ per_word)[0])) / norm
        return group_scores

    def document_grams(self, q: Vector, docs: np.ndarray) -> np.ndarray:
        """The given documents' idf-weighted counts of each of the question's n-grams, at unit length
        (documents x question n-grams, dense): their cosines with the question are this @ q.weights, and
        the naive Bayes score reads the counts themselves. Only for a few candidates' documents: for all
        of them it would be most of a question's time at scale."""
        counts = (self.corpus.doc_words[docs] @ self.grams_t[q.cols].T).toarray()
        return counts / self.doc_norms[docs][:, None]


def group_max(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The largest value within each run of rows [starts[i], starts[i+1])."""
    out = np.zeros(len(starts) - 1, dtype=values.dtype)
    nonempty = starts[:-1] < starts[1:]
    out[nonempty] = np.maximum.reduceat(values, starts[:-1][nonempty])
    return out
