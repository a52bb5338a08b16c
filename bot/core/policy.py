"""The decision: answer, offer "did you mean", or admit we do not know.

Following Rasa's fallback rule, an answer needs both a score above a threshold and a lead over the
runner-up: two entries that fit equally well are a question for the resident, not a guess. Every
decision is logged at debug level with the numbers behind it.

Thresholds were tuned on eval/dev_questions.tsv with `qogam eval` (see README, "Matching").
A false answer (a confident, wrong legal answer) costs a resident more than a suggestion, so ANSWER_MIN
is set where the false-answer rate on the dev set stays under 3% rather than where accuracy peaks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.matcher import Result

log = logging.getLogger(__name__)

# Cosine-based scores in [0, 1] (see matcher.py). Two ways to an answer: a moderate score with a clear
# lead over the runner-up, or a high score with a small lead (high scores are rarely wrong on the dev
# set; low scores with a small lead are where neighbouring entries get confused).
ANSWER_MIN = 0.30
MARGIN_MIN = 0.10
STRONG_MIN = 0.55
STRONG_MARGIN_MIN = 0.03
# When more than half of the question's weight is on words the knowledge base has never seen ("какая
# зарплата у депутата маслихата"), the topic words that did match are not enough for a confident answer.
UNKNOWN_MAX = 0.5
# Below this nothing is close enough even to suggest.
SUGGEST_MIN = 0.22
# A suggestion must be within this distance of the best score to be worth a button.
SUGGEST_BAND = 0.15
MAX_SUGGESTIONS = 3


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


def decide(result: Result) -> Decision:
    candidates = result.candidates
    best = candidates[0].score if candidates else 0.0
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    margin = best - runner_up
    confident = (best >= ANSWER_MIN and margin >= MARGIN_MIN) or (best >= STRONG_MIN and margin >= STRONG_MARGIN_MIN)
    if confident and result.unknown_share <= UNKNOWN_MAX:
        decision: Decision = Answer(candidates[0].entry_id, best)
    elif best >= SUGGEST_MIN:
        ids = tuple(
            c.entry_id for c in candidates[:MAX_SUGGESTIONS]
            if c.score >= SUGGEST_MIN and best - c.score <= SUGGEST_BAND
        )
        decision = Suggest(ids, best)
    else:
        decision = NoMatch(best)
    log.debug(
        "decision=%s best=%.3f runner_up=%.3f margin=%.3f unknown=%.2f (answer: >=%.2f with margin >=%.2f, or "
        ">=%.2f with margin >=%.2f; unknown <=%.2f; suggest >=%.2f) top=%s",
        type(decision).__name__, best, runner_up, margin, result.unknown_share, ANSWER_MIN, MARGIN_MIN,
        STRONG_MIN, STRONG_MARGIN_MIN, UNKNOWN_MAX, SUGGEST_MIN,
        [(c.entry_id, c.score) for c in candidates[:MAX_SUGGESTIONS]],
    )
    return decision


def describe(decision: Decision) -> tuple[str, str | None, tuple[str, ...]]:
    """(status, answered entry, suggested entries), as `qogam ask --json` and `qogam eval` report them."""
    if isinstance(decision, Answer):
        return "answered", decision.entry_id, ()
    if isinstance(decision, Suggest):
        return "suggested", None, decision.entry_ids
    return "unanswered", None, ()
