"""The three learned parts of the matcher, applied with numpy, and how they are saved to a file.

- The re-ranker: P(candidate is the entry asked for) from PAIR_FEATURES.
- The decision: P(the top candidate is right) from DECISION_FEATURES.
- The suggestion: P(the entry asked for is among the first SUGGESTIONS candidates), from the same
  features and the probability mass of those candidates. Two likely neighbours ("как подать жалобу на
  акима": filing an appeal, or challenging a refusal) make the first uncertain but the pair a safe offer.

All three are logistic regressions fitted by Newton's method in numpy (bot/core/matching/training.py) on
the knowledge base alone. Applying one is a dot product and a sigmoid. The cache is keyed by content_hash:
every phrasing, its entry and language, and MODEL_VERSION, which the file also holds, so that a model of
another knowledge base but the same features can serve while the right one trains (engine.py).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.core.text.language import Detection

if TYPE_CHECKING:
    from bot.core.matching.result import Ranking

log = logging.getLogger(__name__)

# Bump when features, training data or the candidates change: old cache files are then ignored, and no
# longer serve even as the last good model while a new one trains (engine.build_matcher).
# 6: trained in bulk from the index's tables, fitted by Newton's method (the same features).
# 7: English words read "kh" as "h" (normalize.fold): the training questions' readings changed.
MODEL_VERSION = 7

# Candidates offered as "did you mean" at most (policy.MAX_SUGGESTIONS): a phone screen shows three
# buttons without scrolling.
SUGGESTIONS = 3

# Cosine with one phrasing at which the question's content words are that phrasing's (float rounding).
EXACT = 0.999

# Per candidate (matcher.Matcher.ranking builds them in this order).
PAIR_FEATURES = (
    "word_phrase",       # best cosine with one phrasing, word and prefix features
    "word_centroid",     # cosine with the entry's centroid in its best language
    "first_stage",       # their mean: today's score
    "first_stage_gap",   # first_stage minus the best candidate's (<= 0)
    "char_phrase",       # best cosine with one phrasing, character 2-5-grams
    "char_centroid",     # cosine with the centroid, character 2-5-grams
    "char_phrase_gap",   # minus the best candidate's
    "char_centroid_gap",
    "coverage",          # share of the question's known weight on features the entry has
    "first_stage_rank",  # 1 / (1 + rank in the first stage)
    "char_bayes_gap",    # naive Bayes log-likelihood of the question's n-grams, minus the best candidate's
)

# For the re-ranked top candidate.
DECISION_FEATURES = (
    "probability",       # the re-ranker's probability of the top candidate
    "margin",            # minus the runner-up's
    "first_stage",       # today's score of the top candidate
    "first_stage_margin",  # minus the best other candidate's first-stage score
    "char_centroid",
    "char_phrase",
    "stages_agree",      # the first stage ranked the same entry first (1/0)
    "char_agrees",       # the character view ranks it first too (1/0)
    "unknown_share",     # weight on words the knowledge base does not know, after typo correction
    "corrected_share",   # share of content words that were read as typos of known words
    "coverage",
    "content_words",     # log(1 + content words): one-word questions are less certain
    "language_sure",     # the detector was sure of the language (1/0)
    "latin",             # written in Latin letters (1/0)
    "rivals",            # candidates with at least half the top probability, minus one
    # Products, which a linear model cannot form itself: a confident re-ranker means little when the
    # question barely matches at all (one candidate with a score of 0.07 is "first" by default).
    "probability_x_first_stage",
    "probability_x_known",  # probability x (1 - unknown_share)
    # How close the question is to one the knowledge base does not answer (knowledge/out_of_scope.toml),
    # and by how much closer than to the top candidate's best phrasing: "как оплатить налог на машину"
    # shares "налог" with the village budget's revenue but is nearer "как заплатить налог на имущество".
    "out_of_scope",
    "out_of_scope_lead",
    "out_of_scope_closer",  # the lead when positive: only a question nearer a listed one is pushed down
)

# For the first SUGGESTIONS candidates together.
SUGGESTION_FEATURES = DECISION_FEATURES + (
    "offered_probability",  # the re-ranker's probabilities of those candidates, summed
)


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression on standardised features."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class Model:
    reranker: Logistic
    decision: Logistic
    suggestion: Logistic
    # What training measured, for the log and `qogam eval`.
    info: dict


def decision_features(ranking: Ranking, order: np.ndarray, probabilities: np.ndarray,
                      detection: Detection) -> np.ndarray:
    pairs = ranking.pairs
    a = order[0]
    p_a = probabilities[a]
    p_b = probabilities[order[1]] if len(order) > 1 else 0.0
    others = np.delete(pairs[:, 2], a)
    return np.array([
        p_a, p_a - p_b, pairs[a, 2], pairs[a, 2] - (others.max() if len(others) else 0.0),
        pairs[a, 5], pairs[a, 4], float(a == 0), float(np.argmax(pairs[:, 5]) == a),
        ranking.unknown, ranking.corrected, pairs[a, 8], math.log1p(ranking.content_words),
        float(detection.confident), float(detection.script == "latin"),
        float((probabilities >= p_a / 2).sum() - 1),
        p_a * pairs[a, 2], p_a * (1 - ranking.unknown),
        ranking.out_of_scope, ranking.out_of_scope - pairs[a, 4], max(0.0, ranking.out_of_scope - pairs[a, 4]),
    ])


def suggestion_features(decision_x: np.ndarray, order: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    return np.append(decision_x, probabilities[order[:SUGGESTIONS]].sum())


@dataclass(frozen=True)
class Applied:
    order: np.ndarray  # candidates, best first
    probabilities: np.ndarray  # the re-ranker's, per candidate
    confidence: float  # P(the first candidate is right)
    offered: float  # P(the entry asked for is among the first SUGGESTIONS)
    signals: dict[str, float]  # the decision's inputs, for the log


def apply(model: Model | None, ranking: Ranking, detection: Detection,
          out_of_scope_term: str | None = None, contrast: Callable[[int], object] | None = None) -> Applied:
    """out_of_scope_term: a word of the question that marks it as not ours (scope_terms), if any.
    contrast: given an entry index, whether the question names a level beside a word that the entry's
    phrasings put beside another level (contrast.py); such an entry is never answered, at most offered."""
    if model is None:
        return _ranking_only(ranking, out_of_scope_term)
    probabilities = model.reranker.probability(ranking.pairs)
    exact = ranking.pairs[:, 0] >= EXACT
    # A question whose words are exactly an editor's phrasing is that entry's question: editors teach
    # the bot this way (learned phrasings), so it outranks any learned estimate. Between two entries with
    # the same words (reordered phrasings, which kb check reports) the one whose other phrasings fit wins.
    order = np.lexsort((np.arange(len(probabilities)), -probabilities, -ranking.pairs[:, 2] * exact, ~exact))
    x = decision_features(ranking, order, probabilities, detection)
    x_offered = suggestion_features(x, order, probabilities)
    if exact[order[0]]:
        confidence = offered = 1.0
    elif ranking.out_of_scope >= EXACT:
        # Its content words are exactly a question the knowledge base lists as not answered: editors
        # teach "not our topic" the same way they teach a phrasing.
        confidence = offered = 0.0
    else:
        confidence = float(model.decision.probability(x[None, :])[0])
        offered = max(confidence, float(model.suggestion.probability(x_offered[None, :])[0]))
        if listed_nearer(ranking) or out_of_scope_term is not None:
            # The nearest labelled question is one the knowledge base does not answer, or the question
            # names what the knowledge base lists as not its topic (scope_terms: the Mazhilis, an
            # official's pay): never an answer, at most "did you mean". The decision's inputs
            # (out_of_scope...) see the list too, but a linear model weighs it against a confident
            # re-ranker ("Мәжіліс сайлауы қашан" shares "сайлау" with maslikhat elections and was
            # answered at 0.76).
            confidence = 0.0
    contrasted = not exact[order[0]] and contrast is not None and bool(contrast(int(ranking.entries[order[0]])))
    if contrasted:
        # "кто утверждает бюджет района" has every word of the village budget's "кто утверждает бюджет села"
        # but the level: the re-ranker, which weighs words, not what they modify, was sure of it (0.93).
        confidence = 0.0
    signals = {name: round(float(v), 4) for name, v in zip(SUGGESTION_FEATURES, x_offered)}
    signals["exact"] = float(exact[order[0]])
    signals["out_of_scope_words"] = round(ranking.out_of_scope_words, 4)
    signals["out_of_scope_term"] = float(out_of_scope_term is not None)
    signals["contrast"] = float(contrasted)
    return Applied(order, probabilities, confidence, offered, signals)


def _ranking_only(ranking: Ranking, out_of_scope_term: str | None) -> Applied:
    """Without a model (a fresh installation in its first seconds, while the model trains in the
    background): the first stage's order and scores, never sure enough to answer, except a question
    whose words are exactly an entry's phrasing (as with a model). "Did you mean" is offered by the
    first-stage score itself, so the policy offers candidates scoring at least policy.SUGGEST_MIN."""
    scores = ranking.pairs[:, 2]
    order = np.lexsort((np.arange(len(scores)), -scores))
    exact = bool(len(scores)) and bool(ranking.pairs[order[0], 0] >= EXACT)
    if exact:
        confidence = offered = 1.0
    elif ranking.out_of_scope >= EXACT or not len(scores):
        confidence = offered = 0.0
    else:
        confidence, offered = 0.0, float(scores[order[0]])
    return Applied(order, scores, confidence, offered, {"ranking_only": 1.0,
                                                        "out_of_scope_term": float(out_of_scope_term is not None)})


def listed_nearer(ranking: Ranking) -> bool:
    """Whether the question is nearer, by the first stage's word cosine, a question the knowledge base
    lists as not answered than any phrasing of its candidates: a nearest-neighbour vote between the
    phrasings and knowledge/out_of_scope.toml, so editors teach "not our topic" by listing questions as
    they teach a topic by adding phrasings. Measured on the knowledge base alone (phrasings asked as if
    unseen, with typo and chatty copies), it holds back 1.3% of in-scope questions and 46% of listed
    ones asked as if unlisted; on the dev set's tuning split, none of 286 in-scope questions and 44 of
    58 out of scope."""
    return bool(len(ranking.pairs)) and ranking.out_of_scope_words > float(ranking.pairs[:, 0].max())


def content_hash(doc_text: Iterable[tuple[str, str]], entry_ids: list[str]) -> str:
    digest = hashlib.sha256(f"v{MODEL_VERSION}\n".encode())
    for entry_id in entry_ids:
        digest.update(entry_id.encode() + b"\n")
    for lang, text in doc_text:
        digest.update(f"{lang}\t{text}\n".encode())
    return digest.hexdigest()[:32]


PARTS = ("reranker", "decision", "suggestion")


def save(model: Model, path: Path) -> None:
    arrays = {}
    for name in PARTS:
        part: Logistic = getattr(model, name)
        arrays.update({f"{name}_mean": part.mean, f"{name}_scale": part.scale, f"{name}_coef": part.coef,
                       f"{name}_intercept": np.array([part.intercept])})
    arrays["info"] = np.array([repr(model.info)])
    arrays["version"] = np.array([MODEL_VERSION])
    # 0700, parents too (mkdir -p would give them the umask's 0755): by default the cache is in the data
    # directory, which this may be the first to create, and which holds residents' questions.
    for folder in reversed([path.parent, *path.parent.parents]):
        if not folder.exists():
            folder.mkdir(mode=0o700, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(temporary, **arrays)
    os.replace(temporary, path)  # another process never reads half a file


def load(path: Path) -> Model:
    import ast

    with np.load(path, allow_pickle=False) as data:
        parts = {name: Logistic(data[f"{name}_mean"], data[f"{name}_scale"], data[f"{name}_coef"],
                                float(data[f"{name}_intercept"][0])) for name in PARTS}
        info = ast.literal_eval(str(data["info"][0]))
        version = int(data["version"][0]) if "version" in data.files else None
    if version != MODEL_VERSION:
        raise ValueError(f"model version {version}, not {MODEL_VERSION}")
    expected = [len(PAIR_FEATURES), len(DECISION_FEATURES), len(SUGGESTION_FEATURES)]
    if [len(parts[name].coef) for name in PARTS] != expected:
        raise ValueError("feature count changed")
    return Model(**parts, info=info)
