from bot.core import policy
from bot.core.matcher import Candidate, Query, Result
from bot.core.language import Detection


def result(*scores, unknown=0.0):
    candidates = [Candidate(f"e{i}", s) for i, s in enumerate(scores)]
    return Result(Query("q", Detection("ru", True), ("q",)), candidates, unknown)


def test_clear_winner_is_answered():
    assert policy.decide(result(0.7, 0.3)) == policy.Answer("e0", 0.7)


def test_moderate_score_needs_a_clear_margin():
    low_margin = policy.ANSWER_MIN + 0.01
    assert isinstance(policy.decide(result(low_margin, low_margin - policy.MARGIN_MIN / 2)), policy.Suggest)
    assert isinstance(policy.decide(result(low_margin, low_margin - policy.MARGIN_MIN - 0.01)), policy.Answer)


def test_strong_score_needs_only_a_small_margin():
    s = policy.STRONG_MIN + 0.05
    assert isinstance(policy.decide(result(s, s - policy.STRONG_MARGIN_MIN - 0.01)), policy.Answer)
    assert isinstance(policy.decide(result(s, s - policy.STRONG_MARGIN_MIN / 2)), policy.Suggest)


def test_tie_becomes_a_suggestion_of_up_to_three():
    decision = policy.decide(result(0.5, 0.49, 0.48, 0.47))
    assert isinstance(decision, policy.Suggest)
    assert decision.entry_ids == ("e0", "e1", "e2")


def test_far_candidates_are_not_suggested():
    decision = policy.decide(result(0.5, 0.49, 0.2))
    assert decision.entry_ids == ("e0", "e1")


def test_low_score_is_no_match():
    assert isinstance(policy.decide(result(policy.SUGGEST_MIN - 0.01)), policy.NoMatch)
    assert isinstance(policy.decide(result()), policy.NoMatch)


def test_mostly_unknown_question_is_not_answered_even_with_a_good_score():
    assert isinstance(policy.decide(result(0.7, 0.2, unknown=policy.UNKNOWN_MAX + 0.1)), policy.Suggest)
