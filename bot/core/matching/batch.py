"""Ranking many questions at once, from tables of the index computed once per knowledge base.

The ranker's re-ranking features (bot/core/matching/ranker.py) need, per question and candidate entry,
the best character cosine with one of its phrasings, a naive Bayes score of the question's n-grams under
its phrasings, and the share of the question it covers. Counting those from the candidates' phrasings
for each question built a dozen small scipy matrices per question: 2.8 ms a question, and training asks
about 8,000 questions, so a rebuild took 18-35 s and answers p99 7.3 ms. For a knowledge base of up to
TABLE_MAX_DOCUMENTS phrasings they are read from tables instead:

- each entry's idf-weighted n-gram counts (its phrasings' at unit length, summed), kept as
  log(1 + count / smoothing), so that the naive Bayes score of every entry is one product with the
  question's n-gram weights;
- which word features each entry has, so that coverage of every entry is one product too;
- the character cosine of every phrasing, which is the question's per-word n-gram dot products summed
  over the phrasing's words (the words' vectors are already the index's).

Each table is entries (or phrasings) x features, a few MiB for the real knowledge base. At 250 times its
size they would take some 300 MiB, so there the ranker keeps counting from the candidates' phrasings
(ranker.Matcher._candidate_ranking), which holds 227 MiB and answers in 20 ms.

A batch of questions is scored by sparse products of the whole batch (training asks 8,000 questions in
chunks of CHUNK); one question is the same code on a batch of one, where the products are summed
straight from the CSR arrays (index.rows_dot). So training and answering compute the same numbers, and
tests/test_batch.py checks them against the per-candidate counting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from bot.core.matching.index import DIRECT_MAX_COLUMNS, Vector
from bot.core.matching.result import Ranking

# Phrasings up to which the tables are built. The real knowledge base has 3,300; its tables hold about
# 4 MiB, growing with the phrasings. The x250 synthetic one (822,000) would need some 300 MiB.
TABLE_MAX_DOCUMENTS = 60_000
# Questions scored together: the dense questions x phrasings arrays of a chunk stay near 10 MiB.
CHUNK = 512


@dataclass(slots=True)
class Asked:
    """A question as read (ranker.Matcher.read): its vectors in each view and what is counted from its
    words, and what training leaves out."""

    q: Vector                    # words and prefixes, typo-corrected
    cq: Vector                   # character n-grams of the corrected words
    oq: Vector | None            # character n-grams of the words as written, in the out-of-scope list's view
    listed: Vector | None        # words in the listed questions' view (ListedView)
    unknown: float
    corrected: float
    content_words: int
    leave_out: int | None = None      # a phrasing asked as if never seen
    hide_entry: int | None = None     # an entry removed from the knowledge base
    leave_listed: int | None = None   # a listed out-of-scope question asked as if unlisted


def gather(matrix: sparse.csr_matrix, cols: np.ndarray, weights: np.ndarray,
           squared: np.ndarray | None = None) -> np.ndarray:
    """weights @ matrix[cols], dense, summed straight from the CSR arrays (as index.rows_dot); `squared`
    marks the nonzeros to weigh by the squared weights instead."""
    starts = matrix.indptr[cols]
    lengths = matrix.indptr[cols + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(matrix.shape[1], np.float32)
    ends = np.cumsum(lengths)
    at = np.repeat(starts - ends + lengths, lengths) + np.arange(total)
    repeated = np.repeat(weights, lengths)
    if squared is not None:
        repeated = np.where(squared[at], repeated * repeated, repeated)
    return np.bincount(matrix.indices[at], weights=matrix.data[at] * repeated,
                       minlength=matrix.shape[1]).astype(np.float32)


def dot(vectors: list[Vector], matrix: sparse.csr_matrix, squared: bool = False) -> np.ndarray:
    """Each vector's weights @ matrix (rows: the vector's columns), dense, one row per vector. `squared`:
    the weights squared (coverage)."""
    if len(vectors) == 1 and matrix.shape[1] <= DIRECT_MAX_COLUMNS:
        v = vectors[0]
        return gather(matrix, v.cols, v.weights * v.weights if squared else v.weights)[None, :]
    lengths = np.fromiter((len(v.cols) for v in vectors), np.int64, len(vectors))
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    if not indptr[-1]:
        return np.zeros((len(vectors), matrix.shape[1]), np.float32)
    indices = np.concatenate([v.cols for v in vectors])
    data = np.concatenate([v.weights for v in vectors]).astype(np.float32)
    if squared:
        data = data * data
    questions = sparse.csr_matrix((data, indices, indptr), shape=(len(vectors), matrix.shape[0]))
    return np.asarray((questions @ matrix).toarray(), dtype=np.float32)


def dot_t(vectors: list[Vector], matrix_t: sparse.csr_matrix) -> np.ndarray:
    """dot(vectors, matrix) transposed (matrix columns x vectors), for a batch; matrix_t: matrix.T as CSR."""
    lengths = np.fromiter((len(v.cols) for v in vectors), np.int64, len(vectors))
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    if not indptr[-1]:
        return np.zeros((matrix_t.shape[0], len(vectors)), np.float32)
    questions = sparse.csr_matrix((np.concatenate([v.weights for v in vectors]).astype(np.float32),
                                   np.concatenate([v.cols for v in vectors]), indptr),
                                  shape=(len(vectors), matrix_t.shape[1]))
    return np.asarray((matrix_t @ questions.T.tocsr()).toarray(), dtype=np.float32)


class Lookup:
    """Entries of a CSR matrix read at many (row, column) pairs at once: the nonzeros' row-major
    positions are sorted, so one binary search finds them all."""

    def __init__(self, matrix: sparse.csr_matrix):
        matrix = sparse.csr_matrix(matrix)
        matrix.sum_duplicates()  # also sorts the indices
        self.width = np.int64(matrix.shape[1])
        rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
        self.keys = rows * self.width + matrix.indices
        self.data = matrix.data

    def __call__(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if not len(self.keys) or not len(rows):
            return np.zeros(len(rows), self.data.dtype)
        wanted = np.asarray(rows, np.int64) * self.width + cols
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return np.where(self.keys[at] == wanted, self.data[at], 0).astype(self.data.dtype)


class Tables:
    """What the ranker reads per entry, per group and per phrasing, computed once from the index."""

    def __init__(self, matcher, *, centroid_weight: float, candidates: int, char_candidates: int,
                 bayes_smoothing: float, for_training: bool = False):
        """matcher: the ranker.Matcher being built (its index, before training data is released); the
        ranker's constants are passed in, since this module is below the ranker."""
        m = matcher
        self.m = m
        self.centroid_weight, self.candidates, self.char_candidates = centroid_weight, candidates, char_candidates
        corpus, chars = m.corpus, m.chars
        self.entry_doc_start = m._entry_doc_start
        self.entry_group_start = m._entry_group_start
        n_entries = len(m.entry_ids)
        # Every entry has phrasings and every group too (a title in each language): reduceat needs no
        # empty run. A knowledge base that breaks this ranks by the candidates' phrasings instead.
        self.usable = bool(n_entries) and bool(np.all(np.diff(self.entry_doc_start) > 0)) and bool(
            np.all(np.diff(self.entry_group_start) > 0)) and bool(np.all(np.diff(corpus.group_start) > 0))
        if not self.usable:
            return
        # Each phrasing's idf-weighted n-gram counts at unit length, summed per entry, are the entry's
        # naive Bayes counts; kept as log(1 + count / smoothing), since an n-gram the entry lacks adds
        # only the log(smoothing) that every n-gram gets.
        doc_grams = sparse.csr_matrix(sparse.diags(1 / chars.doc_norms) @ (corpus.doc_words @ chars.word_grams))
        doc_grams.sort_indices()
        entry_of_doc = np.repeat(np.arange(n_entries), np.diff(self.entry_doc_start))
        membership = sparse.csr_matrix((np.ones(len(entry_of_doc), np.float32), (entry_of_doc, np.arange(
            len(entry_of_doc)))), shape=(n_entries, len(entry_of_doc)))
        entry_grams = sparse.csr_matrix(membership @ doc_grams, dtype=np.float64)
        self.smoothing = bayes_smoothing
        log_grams = entry_grams.copy()
        log_grams.data = np.log1p(log_grams.data / self.smoothing)
        log_grams_t = sparse.csr_matrix(log_grams.T, dtype=np.float32)
        self.log_smoothing = float(np.log(self.smoothing))
        self.entry_mass = m._entry_mass.astype(np.float64)
        self.total_smoothing = self.smoothing * len(chars.vocabulary)
        # Which word features each entry has, in any language (coverage).
        entry_features = m._entry_counts.copy()
        entry_features.data[:] = 1.0
        self.has_feature_t = sparse.csr_matrix(entry_features.T, dtype=np.float32)
        # The listed out-of-scope questions' n-gram vectors at unit length, in their own character view
        # (n-grams x questions).
        self.listed_grams_t = None
        if m.out_of_scope is not None:
            view = m.out_of_scope
            listed = sparse.diags(1 / view.doc_norms) @ (view.corpus.doc_words @ view.word_grams)
            self.listed_grams_t = sparse.csr_matrix(listed.T, dtype=np.float32)
        # One matrix per view whose columns are the phrasings, then the groups (then the entries): a
        # question's rows are gathered once for all of them, since one question's time is mostly the
        # cost of each numpy call, not the arithmetic. Coverage weighs by the squared weights: its
        # columns are marked, nonzero by nonzero.
        n_docs, n_groups = len(corpus.doc_group), corpus.n_groups
        self.first_stage_t = sparse.hstack([m.words.doc_t, m.words.group_t], format="csr", dtype=np.float32)
        self.word_t = sparse.hstack([self.first_stage_t, self.has_feature_t], format="csr", dtype=np.float32)
        self.word_squared = self.word_t.indices >= n_docs + n_groups
        self.bounds = (n_docs, n_docs + n_groups)
        # The character view the same way, but through the words: a question's n-grams gathered over the
        # words that have them (and the entries' naive Bayes counts), then summed per phrasing and per
        # group in one sparse product each. Gathered per phrasing they were 20,000 numbers a question,
        # through the words 7,600 and two products in C.
        self.char_t = sparse.hstack([chars.grams_t, log_grams_t], format="csr", dtype=np.float32)
        self.char_t_t = self.char_t.T.tocsr()
        self.n_words = chars.grams_t.shape[1]
        self.doc_words = sparse.csr_matrix(sparse.diags(1 / chars.doc_norms) @ corpus.doc_words, dtype=np.float32)
        self.group_words = sparse.csr_matrix(sparse.diags(1 / chars.group_norms) @ corpus.group_words,
                                             dtype=np.float32)
        # Leaving a phrasing out (training only): what it adds to its group and its entry.
        self.training = for_training
        if for_training:
            words = m.words
            self.entry_grams = Lookup(entry_grams)
            self.doc_grams = Lookup(doc_grams)
            self.entry_counts = Lookup(m._entry_counts)
            self.doc_counts = Lookup(words.doc_counts)
            self.group_counts = Lookup(words.group_counts)
            self.loo_char_norms = self._loo_char_norms()
            self.loo_word_norms = self._loo_word_norms()

    def release_training_data(self) -> None:
        self.training = False
        self.entry_grams = self.doc_grams = self.entry_counts = self.doc_counts = self.group_counts = None
        self.loo_char_norms = self.loo_word_norms = None

    def _loo_char_norms(self) -> np.ndarray:
        """The n-gram length of each phrasing's group without it, from |group|^2 - 2 group.phrasing +
        |phrasing|^2 (float64: the three terms nearly cancel for a group of two)."""
        corpus, chars = self.m.corpus, self.m.chars
        word_grams = sparse.csr_matrix(chars.word_grams, dtype=np.float64)
        group_grams = sparse.csr_matrix(corpus.group_words @ word_grams)
        doc_grams = sparse.csr_matrix(corpus.doc_words @ word_grams)
        group_sq = np.asarray(group_grams.multiply(group_grams).sum(axis=1)).ravel()
        doc_sq = np.asarray(doc_grams.multiply(doc_grams).sum(axis=1)).ravel()
        # group . phrasing = sum over the phrasing's words of count x (word . group).
        word_group = np.asarray((word_grams @ group_grams.T).todense())         # words x groups
        doc_words = corpus.doc_words
        rows = np.repeat(np.arange(doc_words.shape[0]), np.diff(doc_words.indptr))
        cross = np.bincount(rows, weights=doc_words.data * word_group[doc_words.indices, corpus.doc_group[rows]],
                            minlength=doc_words.shape[0])
        norms = np.sqrt(np.maximum(group_sq[corpus.doc_group] - 2 * cross + doc_sq, 0.0))
        norms[norms < 1e-6] = 1.0  # a group of one phrasing: its centroid without it is empty
        return norms

    def _weigh(self, counts: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Sublinear TF-IDF of feature counts, as the word view weighs its documents (0 for none)."""
        safe = np.where(counts > 0, counts, 1.0)
        return np.where(counts > 0, (1 + np.log(safe)) * self.m.words.idf[cols], 0.0)

    def _loo_word_norms(self) -> np.ndarray:
        """The length of each phrasing's group's word vector without it: the group's squared weights,
        less what the phrasing's features change."""
        m = self.m
        group_counts, doc_counts = m.words.group_counts, m.words.doc_counts
        whole = group_counts.data.astype(np.float64)
        weights = (1 + np.log(whole)) * m.words.idf[group_counts.indices]
        group_sq = np.bincount(np.repeat(np.arange(group_counts.shape[0]), np.diff(group_counts.indptr)),
                               weights=weights * weights, minlength=group_counts.shape[0])
        docs = np.repeat(np.arange(doc_counts.shape[0]), np.diff(doc_counts.indptr))
        cols = doc_counts.indices.astype(np.int64)
        in_group = self.group_counts(m.corpus.doc_group[docs], cols).astype(np.float64)
        before = self._weigh(in_group, cols)
        after = self._weigh(in_group - doc_counts.data, cols)
        change = np.bincount(docs, weights=before * before - after * after, minlength=doc_counts.shape[0])
        return np.sqrt(np.maximum(group_sq[m.corpus.doc_group] - change, 0.0))

    # -- ranking ---------------------------------------------------------------------------------------

    def rank(self, asked: list[Asked]) -> list[Ranking]:
        out: list[Ranking] = []
        for start in range(0, len(asked), CHUNK):
            out += self._rank_chunk(asked[start:start + CHUNK])
        return out

    def _rank_chunk(self, asked: list[Asked]) -> list[Ranking]:
        m = self.m
        corpus = m.corpus
        n = len(asked)
        qs = [a.q for a in asked]
        cqs = [a.cq for a in asked]
        left = np.asarray([i for i, a in enumerate(asked) if a.leave_out is not None], np.int64)
        if len(left) and not self.training:
            raise ValueError("leaving a phrasing out needs the training data")
        left_docs = np.asarray([asked[i].leave_out for i in left], np.int64)
        left_groups = corpus.doc_group[left_docs].astype(np.int64)

        # First stage: words and prefixes, each phrasing and each group's centroid; and coverage.
        if n == 1:
            word = gather(self.word_t, qs[0].cols, qs[0].weights, self.word_squared)[None, :]
        else:
            word = np.hstack([dot(qs, self.first_stage_t), dot(qs, self.has_feature_t, squared=True)])
        d, g = self.bounds
        docs, groups, coverage = word[:, :d], word[:, d:g], word[:, g:].astype(np.float64)
        if len(left):
            docs[left, left_docs] = 0.0
            groups[left, left_groups] = self._centroids_without(left, left_docs, left_groups, qs)
        phrase = np.maximum.reduceat(docs, self.entry_doc_start[:-1], axis=1)
        centroid = np.maximum.reduceat(groups, self.entry_group_start[:-1], axis=1)
        score = (1 - self.centroid_weight) * phrase + self.centroid_weight * centroid

        # Character view: cosines with every group's centroid and every phrasing.
        # Phrasings and groups by questions (transposed): the products with the per-word numbers come out
        # that way, and copying them into questions x phrasings took a tenth of training.
        if n == 1:
            per = dot(cqs, self.char_t)[0]
            per_word_t, log_grams = per[:self.n_words, None], per[None, self.n_words:]
        else:
            per_t = dot_t(cqs, self.char_t_t)
            per_word_t, log_grams = per_t[:self.n_words], per_t[self.n_words:].T
        char_docs_t = np.asarray(self.doc_words @ per_word_t, dtype=np.float32)
        char_groups_t = np.asarray(self.group_words @ per_word_t, dtype=np.float32)
        if len(left):
            # The group's dot product without the phrasing's, over its n-gram length without it.
            whole = char_groups_t[left_groups, left] * m.chars.group_norms[left_groups]
            own = char_docs_t[left_docs, left] * m.chars.doc_norms[left_docs]
            char_groups_t[left_groups, left] = (whole - own) / self.loo_char_norms[left_docs]
            char_docs_t[left_docs, left] = 0.0
        char_centroid = np.maximum.reduceat(char_groups_t, self.entry_group_start[:-1], axis=0).T.copy()
        char_phrase = np.maximum.reduceat(char_docs_t, self.entry_doc_start[:-1], axis=0).T

        # Naive Bayes: sum over the question's n-grams of weight x log P(n-gram | entry).
        weight_sums = np.fromiter((float(c.weights.sum()) for c in cqs), np.float64, n)
        bayes = log_grams.astype(np.float64) + weight_sums[:, None] * (
            self.log_smoothing - np.log(self.entry_mass + self.total_smoothing))[None, :]
        # Coverage: the share of the question's known weight on features the entry has.
        known = np.fromiter((float(q.weights @ q.weights) for q in qs), np.float64, n)
        coverage /= np.where(known > 0, known, 1.0)[:, None]
        if len(left):
            # A left-out phrasing's entry has only what its other phrasings have.
            own_entries = np.asarray(m.group_entry, np.int64)[left_groups]
            coverage[left, own_entries] = self._coverage_without(left, left_docs, own_entries, qs)
            bayes[left, own_entries] = self._bayes_without(left, left_docs, own_entries, cqs)

        for i, a in enumerate(asked):
            if a.hide_entry is not None:
                score[i, a.hide_entry] = -1.0
                char_centroid[i, a.hide_entry] = -1.0
        first = _best(score, self.candidates)
        extra = _best(char_centroid, self.char_candidates)

        tops = []
        for top, more in zip(first, extra):
            if len(more):
                have = set(top.tolist())
                more = [e for e in more.tolist() if e not in have]
                if more:
                    top = np.concatenate([top, np.asarray(more, dtype=top.dtype)])
            tops.append(top)
        # Every (question, candidate) pair at once; gaps to the best candidate per question by reduceat.
        sizes = np.fromiter(map(len, tops), np.int64, n)
        bounds = np.concatenate(([0], np.cumsum(sizes)))
        rows = np.repeat(np.arange(n), sizes)
        cols = np.concatenate(tops) if bounds[-1] else np.zeros(0, np.int64)
        starts = bounds[:-1][sizes > 0]
        at_start = np.repeat(np.arange(len(starts)), sizes[sizes > 0])

        def gap(values: np.ndarray, to_first: bool = False) -> np.ndarray:
            if not len(values):
                return values
            reference = values[starts] if to_first else np.maximum.reduceat(values, starts)
            return values - reference[at_start]

        s = score[rows, cols]
        cp = char_phrase[rows, cols]
        cc = char_centroid[rows, cols]
        pairs_all = np.column_stack([
            phrase[rows, cols], centroid[rows, cols], s, gap(s, to_first=True), cp, cc, gap(cp), gap(cc),
            coverage[rows, cols], 1.0 / (1.0 + np.arange(len(rows)) - bounds[rows]), gap(bayes[rows, cols]),
        ]).astype(np.float64)
        out = [Ranking(tops[i], pairs_all[bounds[i]:bounds[i + 1]], a.unknown, a.corrected, a.content_words)
               for i, a in enumerate(asked)]
        self._out_of_scope(asked, out)
        return out

    @staticmethod
    def _spread(rows: np.ndarray, vectors: list[Vector]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The given questions' columns and weights end to end, and which of them each belongs to."""
        chosen = [vectors[i] for i in rows]
        lengths = np.fromiter((len(v.cols) for v in chosen), np.int64, len(chosen))
        which = np.repeat(np.arange(len(chosen)), lengths)
        if not lengths.sum():
            return which, np.zeros(0, np.int64), np.zeros(0, np.float64)
        return (which, np.concatenate([v.cols for v in chosen]).astype(np.int64),
                np.concatenate([v.weights for v in chosen]).astype(np.float64))

    def _centroids_without(self, rows, docs, groups, qs) -> np.ndarray:
        """Cosine of each question with its left-out phrasing's group centroid rebuilt without it."""
        which, cols, weights = self._spread(rows, qs)
        counts = self.group_counts(groups[which], cols).astype(np.float64) - self.doc_counts(docs[which], cols)
        dots = np.bincount(which, weights=weights * self._weigh(counts, cols), minlength=len(rows))
        norms = self.loo_word_norms[docs]
        return np.where(norms > 0, dots / np.where(norms > 0, norms, 1.0), 0.0)

    def _coverage_without(self, rows, docs, entries, qs) -> np.ndarray:
        which, cols, weights = self._spread(rows, qs)
        squared = weights * weights
        rest = self.entry_counts(entries[which], cols).astype(np.float64) - self.doc_counts(docs[which], cols)
        have = np.bincount(which, weights=squared * (rest > 0), minlength=len(rows))
        total = np.bincount(which, weights=squared, minlength=len(rows))
        return have / np.where(total > 0, total, 1.0)

    def _bayes_without(self, rows, docs, entries, cqs) -> np.ndarray:
        """The naive Bayes score under an entry's phrasings but the one left out."""
        which, cols, weights = self._spread(rows, cqs)
        counts = np.maximum(self.entry_grams(entries[which], cols) - self.doc_grams(docs[which], cols), 0.0)
        mass = np.maximum(self.entry_mass[entries] - self.m.chars.doc_mass[docs], 0.0)
        log_p = np.log(counts + self.smoothing) - np.log(mass + self.total_smoothing)[which]
        return np.bincount(which, weights=log_p * weights, minlength=len(rows))

    def _out_of_scope(self, asked: list[Asked], out: list[Ranking]) -> None:
        """The best cosine with a question listed as not answered, by characters and by words."""
        m = self.m
        if m.out_of_scope is None:
            return
        wanted = [i for i, r in enumerate(out) if len(r.entries)]
        if not wanted:
            return
        chars = dot([asked[i].oq for i in wanted], self.listed_grams_t)
        words = dot([asked[i].listed for i in wanted], m.out_of_scope_words.docs_t)
        for row, i in enumerate(wanted):
            if asked[i].leave_listed is not None:
                chars[row, asked[i].leave_listed] = 0.0
                words[row, asked[i].leave_listed] = 0.0
        if chars.shape[1]:
            best_chars, nearest = chars.max(axis=1), words.argmax(axis=1)
            best_words = words[np.arange(len(wanted)), nearest]
            for row, i in enumerate(wanted):
                out[i].out_of_scope = float(best_chars[row])
                out[i].out_of_scope_words = float(best_words[row])
                # Which listed question is nearest by words (-1 for none), as Matcher.ranking gives it.
                out[i].out_of_scope_nearest = int(nearest[row]) if best_words[row] > 0 else -1


def _best(values: np.ndarray, k: int) -> list[np.ndarray]:
    """Per row, the k columns of highest value above 0, highest first (ties: lower column first)."""
    n, width = values.shape
    k = min(k, width)
    if not k:
        return [np.zeros(0, np.int64) for _ in range(n)]
    if n == 1:
        row = values[0]
        top = np.argpartition(-row, k - 1)[:k]
        top = top[row[top] > 0]
        return [top[np.lexsort((top, -row[top]))]]
    top = np.argpartition(-values, k - 1, axis=1)[:, :k]
    top.sort(axis=1)
    rows = np.arange(n)[:, None]
    picked = values[rows, top]
    order = np.argsort(-picked, axis=1, kind="stable")
    top, keep = top[rows, order], picked[rows, order] > 0
    return [top[i][keep[i]] for i in range(n)]
