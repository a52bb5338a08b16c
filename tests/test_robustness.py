"""Arbitrary text through the core: always one of three outcomes, never an exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.matching import policy
from bot.core.replies import Person
from bot.core.text.redact import redact

NASTY = st.sampled_from(["\u200b", "\u200f", "\u202e", "\x00", "\x1b[31m", "\ufeff", "🇰🇿", "👍🏽", "\n", "\t",
                         "ә", "Ң", "ı", "ş", "ё", "а", "a", "ﬁ", "𝔞", "٣", "\u0301"])
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(NASTY, st.text(max_size=5)), max_size=60).map("".join),
    st.just(""),
    st.just("маслихат " * 1250),  # 10,000 characters
    st.just("😀" * 10_000),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, hint=st.sampled_from([None, "kk", "ru", "en", "de", ""]))
def test_match_and_decide_never_fail(matcher, text, hint):
    result = matcher.match(text, hint)
    decision = policy.decide(result)
    assert isinstance(decision, (policy.Answer, policy.Suggest, policy.NoMatch))
    assert result.query.detection.lang in ("kk", "ru", "en")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_conversation_always_replies(conversation, text):
    replies = conversation.ask(Person("fuzz:1", "test", "ru"), text)
    assert len(replies) == 1 and replies[0].text.strip()
    assert replies[0].outcome in {"answered", "suggested", "unanswered", "empty", "not_ours", "small_talk"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.text(max_size=80))
def test_any_button_data_gets_a_reply(conversation, data):
    assert conversation.press(Person("fuzz:2", "test", None), data)


@given(text=st.text(max_size=200))
def test_redaction_never_grows_digits(text):
    out = redact(text)
    assert sum(c.isdigit() for c in out) <= sum(c.isdigit() for c in text)
