from bot.core.matching import policy
from bot.core.matching.result import Candidate, Query, Result
from bot.core.text.language import Detection


def result(confidence, *probabilities, offered=None):
    candidates = [Candidate(f"e{i}", p) for i, p in enumerate(probabilities)]
    return Result(Query("q", Detection("ru", True), ("q",)), candidates, 0.0, confidence,
                  offered=confidence if offered is None else offered)


def test_a_confident_first_candidate_is_answered():
    assert policy.decide(result(policy.ANSWER_MIN, 0.9, 0.3)) == policy.Answer("e0", policy.ANSWER_MIN)


def test_below_the_cut_the_likely_candidates_are_suggested():
    decision = policy.decide(result(policy.ANSWER_MIN - 0.01, 0.6, 0.5, 0.4, 0.3))
    assert decision == policy.Suggest(("e0", "e1", "e2"), policy.ANSWER_MIN - 0.01)


def test_unlikely_candidates_are_not_suggested():
    decision = policy.decide(result(policy.SUGGEST_CONFIDENCE_MIN, 0.6, policy.SUGGEST_MIN - 0.01))
    assert decision.entry_ids == ("e0",)


def test_likely_neighbours_are_suggested_though_neither_is_sure():
    # Two candidates of 0.7 each: the first is a coin toss, but the entry is very likely one of them.
    decision = policy.decide(result(0.05, 0.7, 0.68, 0.01, offered=policy.SUGGEST_CONFIDENCE_MIN))
    assert decision == policy.Suggest(("e0", "e1"), 0.05)
    assert isinstance(policy.decide(result(0.05, 0.7, 0.68, offered=policy.SUGGEST_CONFIDENCE_MIN - 0.01)),
                      policy.NoMatch)


def test_low_confidence_is_no_match_even_with_candidates():
    assert isinstance(policy.decide(result(policy.SUGGEST_CONFIDENCE_MIN - 0.01, 0.9)), policy.NoMatch)
    assert isinstance(policy.decide(result((policy.SUGGEST_CONFIDENCE_MIN + policy.ANSWER_MIN) / 2,
                                           policy.SUGGEST_MIN - 0.01)), policy.NoMatch)
    assert isinstance(policy.decide(result(1.0)), policy.NoMatch)


def test_every_decision_is_logged_with_its_inputs(caplog):
    import logging

    r = result(0.9, 0.8, 0.1)
    r.signals["probability"] = 0.8
    with caplog.at_level(logging.DEBUG, logger="bot.core.matching.policy"):
        policy.decide(r)
    assert ("decision=Answer confidence=0.900" in caplog.text and "offered=0.900" in caplog.text
            and "'probability': 0.8" in caplog.text)
