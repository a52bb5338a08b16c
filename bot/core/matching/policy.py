"""The decision: answer, offer "did you mean", or admit we do not know.

The matcher (bot/core/matching/ranker.py) gives, for a question, its candidates with the re-ranker's probability
that each is the entry asked for, and `confidence`: a calibrated P(the top candidate is right) from a
logistic regression trained on the knowledge base alone (bot/core/matching/training.py). Its inputs
(model.DECISION_FEATURES, 20 of them) are:
- probability: the re-ranker's probability of the top candidate; margin: minus the runner-up's;
- first_stage, first_stage_margin: the TF-IDF word-and-prefix score of the top candidate and its lead
  over the best other candidate (the score the hand-set rules used to read alone);
- char_centroid, char_phrase: its character 2-5-gram cosines (centroid, best phrasing);
- stages_agree, char_agrees: whether the first stage and the character view put the same entry first;
- unknown_share: weight on words the knowledge base does not know after typo correction (fuzzy, so a
  typo is not "unknown"); corrected_share: share of content words read as typos;
- coverage: share of the question's weight on features the top entry has;
- content_words: log(1 + number of content words); language_sure; latin; rivals: other candidates with
  at least half the top candidate's probability;
- two products (probability x first_stage, probability x known share), which a linear model cannot form;
- out_of_scope: the best character cosine with a question the knowledge base lists as not answered
  (knowledge/out_of_scope.toml); out_of_scope_lead: minus the top candidate's char_phrase;
  out_of_scope_closer: that lead when positive. A question whose content words are exactly a listed one
  gets confidence 0, as one that is exactly an entry's phrasing gets 1; so does one nearer a listed
  question than any phrasing of its candidates, by the first stage's word cosine (model.listed_nearer:
  a nearest-neighbour vote that the linear model could not make, since it weighed a confident re-ranker
  more than the list), and so does one with a word the list names as not ours, such as the Mazhilis or
  an official's pay (bot/core/matching/scope_terms.py), whatever its other words.
A third logistic regression, over the same inputs and the first three candidates' summed probability
(model.SUGGESTION_FEATURES), gives `offered`: P(the entry asked for is among them), for "did you mean".
The re-ranker's own inputs (model.PAIR_FEATURES) include a naive Bayes score of the question's character
n-grams under each candidate's phrasings, which tells neighbouring entries apart (bot/core/matching/ranker.py).
Every decision is logged at debug level with these numbers.

The cut points below are the only numbers set on labelled questions: the tuning split of
eval/dev_questions.tsv (`qogam eval eval/dev_questions.tsv --split tune --sweep`), never the reporting
split. A confident wrong legal answer costs a resident more than a suggestion, so ANSWER_MIN is set by
the wrong-answer rate on the tuning split, not where accuracy peaks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.knowledge.loader import KnowledgeBase, OutOfScopeTopic
from bot.core.matching.model import SUGGESTIONS
from bot.core.matching.result import Result

log = logging.getLogger(__name__)

# P(top entry is right) at or above which the bot answers. On the tuning split (345 questions; a question
# that asks two things accepts either entry, eval/README.md) the sweep gave: 0.40 → 92.3% answered right,
# 2.9% wrong; 0.45 → 92.3%, 2.6%; 0.50 → 90.6%, 2.0%; 0.55 → 88.5%, 2.0%; 0.65 → 84.3%, 2.0%; 0.75 →
# 76.6%, 1.5%; 0.85 → 64.0%, 1.2%. From 0.50 to 0.65 the wrong answers stay the same 7 confident ones
# while right answers fall; fewer would cost 31 right answers for one wrong. Counting a wrong legal
# answer as costing a resident k unanswered questions, 0.50 is the best cut for any k from 3 to 20.
ANSWER_MIN = 0.50
# Below ANSWER_MIN, "did you mean" is offered when P(the entry asked for is among the first three
# candidates) is at least SUGGEST_CONFIDENCE_MIN, with the candidates the re-ranker gives at least
# SUGGEST_MIN; otherwise the question is a gap for editors. That probability, not P(the first is right),
# because two likely neighbours make the first a coin toss but the pair a good offer ("как подать жалобу
# на акима": filing an appeal or challenging a refusal, 0.75 and 0.64, offered at 0.26). On the tuning
# split (`--sweep`), of the questions not answered, 0.25 offers suggestions to 6 of 56 out of scope and
# finds the entry for 17 of 23 in scope (0.20: 9 and 17; 0.35: 4 and 15; 0.10: 16 and 18): the highest cut
# that still finds 17. Re-swept 2026-12-08 (issue 30, "offer what it found"; MODEL_VERSION 7): 0.25 offers
# to 5 of 56 out of scope and finds 18 of 23 (0.20: 7 and 18; 0.15: 10 and 19; 0.30: 4 and 15), so it
# stays. Tried and dropped: the runner-up's own match as suggestion features (0.25: 5 and 16 of 22).
SUGGEST_CONFIDENCE_MIN = 0.25
SUGGEST_MIN = 0.20
MAX_SUGGESTIONS = SUGGESTIONS


@dataclass(frozen=True)
class Answer:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Suggest:
    entry_ids: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class NoMatch:
    score: float


Decision = Answer | Suggest | NoMatch


def offerable(result: Result) -> tuple[str, ...]:
    """The candidates "did you mean" offers, when it is offered."""
    return tuple(c.entry_id for c in result.candidates[:MAX_SUGGESTIONS] if c.score >= SUGGEST_MIN)


def decide(result: Result) -> Decision:
    candidates = result.candidates
    confidence = result.confidence
    if candidates and confidence >= ANSWER_MIN:
        decision: Decision = Answer(candidates[0].entry_id, confidence)
    elif candidates and result.offered >= SUGGEST_CONFIDENCE_MIN and candidates[0].score >= SUGGEST_MIN:
        decision = Suggest(offerable(result), confidence)
    else:
        decision = NoMatch(confidence)
    log.debug(
        "decision=%s confidence=%.3f (answer >= %.2f) offered=%.3f (suggest >= %.2f) signals=%s top=%s",
        type(decision).__name__, confidence, ANSWER_MIN, result.offered, SUGGEST_CONFIDENCE_MIN, result.signals,
        [(c.entry_id, c.score) for c in candidates[:MAX_SUGGESTIONS]],
    )
    return decision


def referral(kb: KnowledgeBase, result: Result, decision: Decision) -> OutOfScopeTopic | None:
    """The out-of-scope topic whose referral a question gets instead of "did you mean" or "no answer": when
    it is not answered and is nearer one of the topic's listed questions than any phrasing of its candidates
    (Result.listed_nearer, the vote model.listed_nearer makes; it already holds such a question back from an
    answer). It replaces "did you mean" too: on the tuning split the two questions that had both were out of
    scope (a Mazhilis election, a deputy's pay) and were offered maslikhat entries, and "потерял
    удостоверение личности" was offered the akim's reception hours. A question nearest a question of the
    flat lists, or one an editor marked not our topic, has no topic and keeps today's reply. No number is
    set here: the vote is the matcher's own."""
    if isinstance(decision, Answer) or result.listed_nearer is None:
        return None
    # A message of numbers alone ("9", a house number) is near whatever listed question has that number:
    # no word of it says where the resident should go.
    if not result.query.has_letters:
        return None
    return kb.topic_of(*result.listed_nearer)


def describe(decision: Decision) -> tuple[str, str | None, tuple[str, ...]]:
    """(status, answered entry, suggested entries), as `qogam ask --json` and `qogam eval` report them."""
    if isinstance(decision, Answer):
        return "answered", decision.entry_id, ()
    if isinstance(decision, Suggest):
        return "suggested", None, decision.entry_ids
    return "unanswered", None, ()
