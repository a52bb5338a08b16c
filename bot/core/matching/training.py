"""Training the matcher's re-ranker and decision on the knowledge base alone.

No labelled questions are used: the dev set only chooses the cut points in policy.py. The examples are
made from the knowledge base's own phrasings, each asked as if the knowledge base had never seen it
(leave-one-out: the phrasing is not scored, its entry's centroid is rebuilt without it, and words found
only in it count as unknown). Every sampled phrasing is asked
- as written;
- with a typo in one of its longer words (a letter dropped, doubled, swapped or replaced), as residents
  type on phones;
- with one to three made-up words around it, as residents add context the knowledge base does not know
  (without them every right example would have no unknown words, and the decision would learn that any
  unknown word means "out of scope");
- Kazakh without Kazakh letters, Kazakh in Latin letters, and Russian in Latin letters ("kak podat
  zhalobu"), because that is how many residents type;
and for the decision also
- with its own entry removed from the knowledge base (leave-one-entry-out): the question then has no
  right answer, like a resident asking about something the knowledge base lacks;
- turned out of scope: its content words replaced by made-up words, keeping at most one known word
  ("какая зарплата у акима" shares only "аким" with the knowledge base).
The decision also learns from the questions the knowledge base lists as out of scope
(knowledge/out_of_scope.toml), each asked in the same variants as if that list had never seen it: they
have no right answer, though they share words with entries ("как оплатить налог на машину").

The re-ranker's examples are the candidates of every question (right entry = 1). The decision's are the
top candidate after re-ranking (right = 1); the suggestion's, the first three (right entry among them =
1). Both are trained on re-ranker probabilities from two-fold cross-fitting, so they do not learn from a
re-ranker that has seen the same question.

All 8,000 questions are read and ranked together (Matcher.read_many and batch.py), not one by one: the
real knowledge base trains in about 3 s of CPU (it took 40 s when each question built its own small
scipy matrices).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from typing import TYPE_CHECKING

import numpy as np

from bot.core.matching import model as model_store
from bot.core.matching.batch import Asked
from bot.core.text.language import Detection, detect
from bot.core.text.normalize import clean

if TYPE_CHECKING:
    from bot.core.matching.ranker import Matcher

log = logging.getLogger(__name__)

# Phrasings sampled to make examples (each gives about six questions). With 1,900 phrasings, 1,200 of them
# trained as well as all (the dev set's tuning split moved by less than one question) in half the time;
# the real knowledge base now has about 3,300. Fewer to train faster cost right answers on the tuning split
# (2026-12-07: 900 phrasings 88.8% right and 2.3% wrong, 700 90.2% and 2.3%, against 90.9% and 2.0%).
MAX_PHRASINGS = 1200
# Training costs (sampled phrasings) x (one ranking), and a ranking scores every indexed phrasing, so its
# cost grows with the knowledge base: at 250 times the real one (469,000 phrasings) a ranking takes about
# 13 ms and 1,200 phrasings took 93 s. Past TRAINING_BUDGET / phrasings indexed the sample shrinks, so
# training there (one question at a time: no tables, batch.TABLE_MAX_DOCUMENTS) stays near 25 s at any
# size (bench/matching.py), but never below MIN_PHRASINGS: about 1,800
# examples, still far more than models of 11 and 20 numbers need. The real knowledge base (3,300
# phrasings) is far from the budget and trains on MAX_PHRASINGS.
TRAINING_BUDGET = 140_000_000
MIN_PHRASINGS = 300
# Questions of the out-of-scope list asked per sampled phrasing, at most: with 1,200 sampled phrasings,
# 240 of the 316 the real knowledge base lists (training on all of them cut the tuning split's right
# answers from 90.6% to 89.2%: the decision learned a lower prior). The list shrinks with the sample, so
# its examples keep that share of the decision's data and the build its budget (at 250 times the
# knowledge base, 300 phrasings and 60 listed questions: about 1,000 rankings fewer, some 14 s at 14 ms
# each).
OUT_OF_SCOPE_PER_PHRASING = 1 / 5
SEED = 13
# The models are small (11 and 20 features): mild L2 regularisation, scikit-learn's default C.
REGULARISATION = 1.0

_KK_TO_LATIN = str.maketrans({
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i", "а": "a",
    "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
})
_RU_TO_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "'", "э": "e", "ю": "yu", "я": "ya",
})
_NO_KAZAKH_LETTERS = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноууhиАГКНОУУHИ")


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if sum(ch.isalpha() for ch in w) >= 5]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    letters = [j for j, ch in enumerate(word) if ch.isalpha()]
    j = rng.choice(letters[1:]) if len(letters) > 1 else letters[0]
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:j] + word[j + 1:]
    elif kind == 1:
        word = word[:j] + word[j] + word[j:]
    elif kind == 2 and j + 1 < len(word):
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    else:
        word = word[:j] + rng.choice([ch for ch in word if ch.isalpha()]) + word[j + 1:]
    words[i] = word
    return " ".join(words)


def chatty(text: str, rng: random.Random) -> str:
    """The phrasing inside words the knowledge base does not know, as residents add their own context
    ("сәлеметсіз бе, біздің ауылда ..."): made-up words, so no real word is taught."""
    words = text.split()
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randint(0, len(words)), _pseudo_word(rng, cyrillic))
    return " ".join(words)


def variants(lang: str, text: str, rng: random.Random) -> list[str]:
    out = [text, typo(text, rng), chatty(text, rng)]
    lower = text.lower()
    if lang == "kk":
        out.append(text.translate(_NO_KAZAKH_LETTERS))
        out.append(lower.translate(_KK_TO_LATIN))
    elif lang == "ru":
        out.append(lower.translate(_RU_TO_LATIN))
    return out


def _pseudo_word(rng: random.Random, cyrillic: bool) -> str:
    consonants, vowels = ("бвгджзклмнпрстфхш", "аеиоуы") if cyrillic else ("bcdfghklmnprstvz", "aeiou")
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def out_of_scope(text: str, rng: random.Random) -> str:
    words = text.split()
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    keep = rng.choice(long) if long and rng.random() < 0.7 else None
    return " ".join(w if i == keep or len(w) < 4 else _pseudo_word(rng, cyrillic) for i, w in enumerate(words))


def _fit(x: np.ndarray, y: np.ndarray) -> model_store.Logistic:
    mean = x.mean(axis=0) if len(x) else np.zeros(x.shape[1])
    scale = x.std(axis=0) if len(x) else np.ones(x.shape[1])
    scale[scale == 0] = 1.0
    if len(set(y.tolist())) < 2:
        # A knowledge base of one or two entries gives only one kind of example: a constant model.
        share = min(max(float(y.mean()) if len(y) else 0.5, 0.01), 0.99)
        return model_store.Logistic(mean, scale, np.zeros(x.shape[1]), float(np.log(share / (1 - share))))
    coef, intercept = logistic_regression((x - mean) / scale, y, REGULARISATION)
    return model_store.Logistic(mean, scale, coef, intercept)


# Newton's method stops when no weight (of standardised features) moves by more than this; scikit-learn's
# lbfgs stopped at a gradient of 1e-4, so both find the same optimum, this one to more digits.
NEWTON_TOLERANCE = 1e-6
NEWTON_STEPS = 100


def logistic_regression(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, as scikit-learn's LogisticRegression(C=c) fits it: the
    minimum of sum(log loss) + |w|^2 / (2c), the intercept not penalised. By Newton's method, since the
    models have 11 to 21 weights: each step solves one small linear system over all examples, and ten
    steps or so reach the optimum. scikit-learn took 0.8 s to import and about as long to fit the five
    models; this takes some 30 ms, and a process that trains never imports it."""
    n, k = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    target = y.astype(np.float64)
    penalty = np.full(k + 1, 1.0 / c)
    penalty[-1] = 0.0
    theta = np.zeros(k + 1)
    z = np.zeros(n)

    def loss(t: np.ndarray, z: np.ndarray) -> float:
        # log(1 + e^z) - y z, without overflow.
        return float(np.sum(np.logaddexp(0.0, z) - target * z) + 0.5 * np.sum(penalty * t * t))

    current = loss(theta, z)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
        gradient = design.T @ (p - target) + penalty * theta
        hessian = (design.T * (p * (1 - p))) @ design + np.diag(penalty)
        # A tiny ridge keeps the system solvable when the examples are separable along the intercept.
        step = np.linalg.solve(hessian + 1e-10 * np.eye(k + 1), gradient)
        moved = design @ step
        # Backtracking: a full Newton step may overshoot far from the optimum.
        size = 1.0
        while size > 1e-6:
            value = loss(theta - size * step, z - size * moved)
            if value <= current:
                break
            size /= 2
        else:
            break
        theta, z, current = theta - size * step, z - size * moved, value
        if np.max(np.abs(size * step)) < NEWTON_TOLERANCE:
            break
    return theta[:-1], float(theta[-1])


def sample_size(n_docs: int) -> int:
    """How many of n_docs indexed phrasings to train on."""
    return min(n_docs, MAX_PHRASINGS, max(MIN_PHRASINGS, TRAINING_BUDGET // max(1, n_docs)))


def listed_sample(n_listed: int, n_phrasings: int, rng: random.Random) -> list[int]:
    """Which of n_listed out-of-scope questions to train on, beside n_phrasings sampled phrasings."""
    limit = int(n_phrasings * OUT_OF_SCOPE_PER_PHRASING)
    if n_listed <= limit:
        return list(range(n_listed))
    return sorted(rng.sample(range(n_listed), limit))


def train(matcher: Matcher, progress=None) -> model_store.Model:
    """progress(what, share done): called as training goes (engine.Progress)."""
    from bot.core.matching.reading import reading

    def report(what: str, share: float) -> None:
        if progress is not None:
            progress(what, share)

    started = time.perf_counter()
    rng = random.Random(SEED)
    n_docs = matcher.n_documents
    docs = list(range(n_docs))
    sample = sample_size(n_docs)
    if n_docs > sample:
        docs = sorted(rng.sample(docs, sample))
    group_entry = matcher.group_entry
    doc_group = matcher.corpus.doc_group
    # (fold, words, detection, right entry or None when the question has no right answer, what is left out)
    questions: list[tuple[int, tuple[str, ...], Detection, int | None, int | None, int | None, int | None]] = []

    def ask(question: str, fold: int, right: int | None, leave_out: int | None = None,
            leave_out_of_scope: int | None = None) -> None:
        cleaned = clean(question)
        detection = detect(cleaned)
        questions.append((fold, reading(cleaned, detection), detection, right, leave_out, None,
                          leave_out_of_scope))

    for doc in docs:
        lang, text = matcher.document(doc)
        entry = group_entry[doc_group[doc]]
        as_written = len(questions)
        for question in variants(lang, text, rng):
            ask(question, doc % 2, entry, leave_out=doc)
        # The same question as written, its entry removed: read once, ranked twice (below).
        questions.append((*questions[as_written][:3], None, doc, entry, None))
        ask(out_of_scope(text, rng), doc % 2, None, leave_out=doc)
    for i in listed_sample(len(matcher.out_of_scope_text), len(docs), rng):
        lang, text = matcher.out_of_scope_text[i]
        for question in variants(lang, text, rng):
            ask(question, i % 2, None, leave_out_of_scope=i)

    # Every question read and ranked at once (batch.py): one sparse product per view for a chunk of them.
    # The shares reported are of the time each step took on the real knowledge base.
    report("reading the training questions", 0.1)
    first_reading = {}  # a question asked again with its entry hidden is read once
    for n, (_, words, _, _, leave_out, hide_entry, listed) in enumerate(questions):
        if hide_entry is None:
            first_reading.setdefault((words, leave_out, listed), n)
    unique = list(first_reading)
    read = dict(zip(unique, matcher.read_many(unique)))
    asked: list[tuple[int, Asked, Detection, int | None]] = []
    for fold, words, detection, right, leave_out, hide_entry, listed in questions:
        question = read[(words, leave_out, listed)]
        if question is not None:
            if hide_entry is not None:
                question = dataclasses.replace(question, hide_entry=hide_entry)
            asked.append((fold, question, detection, right))
    report("ranking the training questions", 0.4)
    rankings = matcher.rankings([question for _, question, _, _ in asked])
    report("fitting the models", 0.9)
    examples = [(fold, ranking, detection, right) for (fold, _, detection, right), ranking in zip(asked, rankings)
                if len(ranking.entries)]

    def pair_data(items):
        x = np.vstack([r.pairs for _, r, _, _ in items])
        y = np.concatenate([(r.entries == right).astype(int) if right is not None else np.zeros(len(r.entries), int)
                            for _, r, _, right in items])
        return x, y

    # Only questions with a right entry among the candidates teach the re-ranker.
    rerankable = [ex for ex in examples if ex[3] is not None and (ex[1].entries == ex[3]).any()]
    folds = [[ex for ex in rerankable if ex[0] == f] or rerankable for f in (0, 1)]
    n_pairs = len(model_store.PAIR_FEATURES)
    empty = (np.zeros((0, n_pairs)), np.zeros(0, int))
    cross = {f: _fit(*(pair_data(folds[1 - f]) if folds[1 - f] else empty)) for f in (0, 1)}
    reranker = _fit(*(pair_data(rerankable) if rerankable else empty))

    x_arr, y_arr, x_offered_arr, y_offered_arr = decision_data(examples, cross)
    decision = _fit(x_arr, y_arr)
    suggestion = _fit(x_offered_arr, y_offered_arr)
    info = {"examples": len(examples), "pairs": int(sum(len(ex[1].entries) for ex in rerankable)),
            "right_share": round(float(y_arr.mean()), 4) if len(y_arr) else None,
            "seconds": round(time.perf_counter() - started, 2)}
    log.info("matcher model trained: %s", info)
    return model_store.Model(reranker, decision, suggestion, info)


def decision_data(examples: list, cross: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The decision's and the suggestion's examples: model.decision_features and suggestion_features of
    every question (its re-ranker probabilities from the fold it was not fitted on), and whether the top
    candidate, or one of the first SUGGESTIONS, is right. Computed for all questions at once with segment
    operations (a loop over 8,000 questions was a tenth of training); tests/test_model.py checks it
    against the per-question functions."""
    n = len(examples)
    if not n:
        return (np.zeros((0, len(model_store.DECISION_FEATURES))), np.zeros(0, int),
                np.zeros((0, len(model_store.SUGGESTION_FEATURES))), np.zeros(0, int))
    sizes = np.fromiter((len(r.entries) for _, r, _, _ in examples), np.int64, n)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    owner = np.repeat(np.arange(n), sizes)
    local = np.arange(len(owner)) - starts[owner]
    pairs = np.vstack([r.pairs for _, r, _, _ in examples])
    entries = np.concatenate([r.entries for _, r, _, _ in examples])
    folds = np.fromiter((fold for fold, _, _, _ in examples), np.int64, n)
    p = np.where(folds[owner] == 0, cross[0].probability(pairs), cross[1].probability(pairs))
    # Each question's candidates by probability (ties: first-stage order), as model.apply orders them.
    order = np.lexsort((local, -p, owner))
    a, has_b = order[starts], sizes > 1
    b = order[np.minimum(starts + 1, len(order) - 1)]
    p_a, p_b = p[a], np.where(has_b, p[b], 0.0)
    # The best first-stage score among the other candidates: the best, or the second best when the best
    # is the top candidate itself.
    by_first = np.lexsort((local, -pairs[:, 2], owner))
    best, second = by_first[starts], by_first[np.minimum(starts + 1, len(order) - 1)]
    others = np.where(best != a, pairs[best, 2], np.where(has_b, pairs[second, 2], 0.0))
    char_first = np.lexsort((local, -pairs[:, 5], owner))[starts]
    unknown = np.fromiter((r.unknown for _, r, _, _ in examples), np.float64, n)
    corrected = np.fromiter((r.corrected for _, r, _, _ in examples), np.float64, n)
    content = np.fromiter((r.content_words for _, r, _, _ in examples), np.float64, n)
    confident = np.fromiter((d.confident for _, _, d, _ in examples), np.float64, n)
    latin = np.fromiter((d.script == "latin" for _, _, d, _ in examples), np.float64, n)
    listed = np.fromiter((r.out_of_scope for _, r, _, _ in examples), np.float64, n)
    rivals = np.bincount(owner, weights=(p >= p_a[owner] / 2), minlength=n) - 1
    x = np.column_stack([
        p_a, p_a - p_b, pairs[a, 2], pairs[a, 2] - others, pairs[a, 5], pairs[a, 4], (local[a] == 0),
        (char_first == a), unknown, corrected, pairs[a, 8], np.log1p(content), confident, latin, rivals,
        p_a * pairs[a, 2], p_a * (1 - unknown), listed, listed - pairs[a, 4], np.maximum(0.0, listed - pairs[a, 4]),
    ]).astype(np.float64)
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order)) - starts[owner[order]]  # each candidate's place in its question
    offered = rank < model_store.SUGGESTIONS
    x_offered = np.column_stack([x, np.bincount(owner, weights=p * offered, minlength=n)])
    right = np.fromiter((-1 if r is None else r for _, _, _, r in examples), np.int64, n)
    is_right = entries == right[owner]
    y = is_right[a].astype(int)
    y_offered = (np.bincount(owner, weights=is_right & offered, minlength=n) > 0).astype(int)
    return x, y, x_offered, y_offered
