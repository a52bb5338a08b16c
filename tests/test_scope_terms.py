"""Words that mark a question as not ours (knowledge/out_of_scope.toml `terms`)."""

from bot.core.matching import policy
from bot.core.matching.reading import read_phrasing as read
from bot.core.matching.scope_terms import ScopeTerms, carries


def test_a_term_is_carried_by_its_inflected_forms_and_one_typo_but_not_by_a_neighbour():
    for word in ("мажилис", "мажилиса", "мажилистин", "мажилс"):
        assert carries(word, "мажилис"), word
    assert not carries("маслихат", "мажилис")
    # A short term must begin the word: "сенат" is in "сенатор", never inside another word.
    assert carries("сенаторов", "сенат") and not carries("арсенат", "сенат")


def test_a_term_no_phrasing_uses_is_applied_and_one_a_phrasing_uses_is_reported():
    phrasing_words = read("ru", "когда выборы в маслихат как жаловаться на акима")
    terms = ScopeTerms({"ru": ["мажилис", "жалованье"], "en": ["prime minister"]}, phrasing_words, read)
    assert [term for term, _ in terms.applied] == ["мажилис", "prime minister"]
    # "жалованье" (pay) begins as "жаловаться" (complain), which a phrasing has: applied, it would hold
    # back every complaint.
    assert terms.unused == [("ru", "жалованье", "жаловатся")]


def test_a_question_carries_a_term_in_any_script_and_a_phrase_needs_all_its_words():
    terms = ScopeTerms({"ru": ["мажилис"], "en": ["prime minister"]}, read("ru", "выборы в маслихат"), read)
    assert terms.found(read("ru", "Когда следующие выборы в мажилис?")) == "мажилис"
    assert terms.found(read("ru", "vybory v mazhilis kogda")) == "мажилис"  # Latin letters, read as Cyrillic
    assert terms.found(read("en", "who is the prime minister")) == "prime minister"
    assert terms.found(read("en", "what is a prime example")) is None
    assert terms.found(read("ru", "когда выборы в маслихат")) is None


def test_the_real_terms_are_applied_and_none_is_in_a_phrasing(matcher, kb):
    applied = {term for term, _ in matcher.scope_terms.applied}
    assert {"мәжіліс", "мажилис", "mazhilis"} <= applied
    assert matcher.scope_terms.unused == []
    phrasings = [(e.id, q) for e in kb.entries.values() for lang, t in e.texts.items()
                 for q in (t.title, *t.questions) if matcher.scope_terms.found(read(lang, q))]
    assert phrasings == []


def test_a_question_with_a_term_is_not_answered_though_its_other_words_are_an_entrys(matcher):
    """"Когда следующие выборы в мажилис" is a maslikhat-elections phrasing with one word changed: the
    learned decision was sure of it (0.57), and no listed question is nearer."""
    local = matcher.match("Когда следующие выборы в маслихат?")
    assert isinstance(policy.decide(local), policy.Answer) and local.candidates[0].entry_id == "maslikhat.elections"
    national = matcher.match("Когда следующие выборы в мажилис?")
    assert national.signals["out_of_scope_term"] == 1.0 and national.confidence == 0.0
    assert not isinstance(policy.decide(national), policy.Answer)
    for question in ("How much does a maslikhat deputy earn?", "ауыл әкімінің жалақысы қанша"):
        assert not isinstance(policy.decide(matcher.match(question)), policy.Answer), question
