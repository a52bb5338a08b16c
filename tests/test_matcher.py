"""The matcher on the real knowledge base: the ways residents really type."""

import numpy as np
import pytest

from bot.core.matching import policy
from bot.core.matching.engine import build_matcher
from bot.core.matching.reading import STOP_WORDS


def best(matcher, text, hint=None):
    result = matcher.match(text, hint)
    return result.candidates[0].entry_id if result.candidates else None


@pytest.mark.parametrize(
    "text, entry",
    [
        ("Что такое маслихат?", "maslikhat.role"),
        ("маслихат деген не", "maslikhat.role"),
        ("Мәслихат не істейді?", "maslikhat.role"),
        ("маслихат не истейди", "maslikhat.role"),  # without Kazakh letters
        ("mäslihat ne isteidi", "maslikhat.role"),  # 2021 Latin
        ("What does the maslikhat do?", "maslikhat.role"),
        ("what does maslihat do", "maslikhat.role"),  # х romanised as h, not kh
        ("Ауыл бюджетін кім бекітеді?", "budget.village"),
        ("auyl budjetin kim bekitedi", "budget.village"),  # informal Latin
        ("Aýyl ákimderiniń saılaýy qashan ótedi?", "akim.elections.rural"),  # 2018 Latin (acute accents)
        ("Awıl äkimderiniñ saylawı qaşan ötedi?", "akim.elections.rural"),  # 2021 Latin
        ("Auyl akimderinin sailauy qashan otedi?", "akim.elections.rural"),  # informal Latin
        ("Máslıhat ne isteıdi?", "maslikhat.role"),  # 2018 Latin
        ("акимат ответ на обращение сколько дней", "appeals.deadlines"),
        ("How long does the akimat have to answer my appeal?", "appeals.deadlines"),
        ("Әкімдікке өтінішті қалай беремін?", "appeals.file"),
    ],
)
def test_questions_find_their_entry(matcher, text, entry):
    assert best(matcher, text) == entry


@pytest.mark.parametrize("text", [
    "Aýyl ákimderiniń saılaýy qashan ótedi?", "Awıl äkimderiniñ saylawı qaşan ötedi?",
    "Auyl akimderinin sailauy qashan otedi?", "Ауыл әкімдерінің сайлауы қашан өтеді?"])
def test_every_latin_kazakh_alphabet_is_answered_alike(matcher, text):
    result = matcher.match(text)
    assert policy.decide(result) == policy.Answer("akim.elections.rural", result.confidence)


def test_maslikhat_romanised_with_h_is_answered(matcher):
    # Issue 30: "what does maslihat do" got neither an answer nor a suggestion ("maslihat" was unknown).
    result = matcher.match("what does maslihat do")
    assert policy.decide(result) == policy.Answer("maslikhat.role", result.confidence)


@pytest.mark.parametrize("text", [
    "кто утверждает бюджет района", "аудан бюджетін кім бекітеді", "кто утверждает бюджет области",
    "облыс бюджетін кім бекітеді", "who approves the regional budget"])
def test_a_budget_of_another_level_is_not_answered_with_the_village_budget(matcher, text):
    # Issue 30: every word but the level is the village budget's, and it was answered at 0.93. At most
    # it is offered (contrast.py).
    decision = policy.decide(matcher.match(text))
    assert not isinstance(decision, policy.Answer), decision


@pytest.mark.parametrize("text, entry", [
    ("кто утверждает бюджет села", "budget.village"), ("ауыл бюджетін кім бекітеді", "budget.village"),
    ("Who approves the rural district budget?", "budget.village"),
    ("кто назначает акима района", "akim.appointment")])
def test_a_level_the_entry_speaks_of_is_still_answered(matcher, text, entry):
    result = matcher.match(text)
    assert policy.decide(result) == policy.Answer(entry, result.confidence)


def test_a_typo_in_the_middle_of_a_word_is_corrected(matcher):
    assert best(matcher, "что такое маслтхат") == "maslikhat.role"


def test_question_words_alone_match_nothing(matcher):
    for text in ("что такое", "деген не", "what is", "как", "қалай"):
        assert matcher.match(text).candidates == [], text


def test_question_words_do_not_change_the_winner(matcher):
    plain = matcher.match("маслихат полномочия").candidates[0]
    wordy = matcher.match("скажите пожалуйста что такое маслихат полномочия").candidates[0]
    assert plain.entry_id == wordy.entry_id
    assert abs(plain.score - wordy.score) < 0.05


def test_stop_words_are_folded_like_the_text():
    assert "калаи" in STOP_WORDS and "кандаи" in STOP_WORDS  # қалай, қандай after folding


def test_unknown_words_lower_the_score(matcher):
    known = matcher.match("депутат маслихата").candidates[0].score
    diluted = matcher.match("депутат маслихата зарплата премия").candidates[0].score
    assert diluted < known


def test_each_entry_appears_once_and_scores_are_ordered(matcher):
    candidates = matcher.match("аким акимат маслихат бюджет").candidates
    ids = [c.entry_id for c in candidates]
    assert len(ids) == len(set(ids))
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    assert all(0 <= c.score <= 1 for c in candidates)


def test_out_of_scope_questions_are_not_answered(matcher):
    for text in ("Какой курс доллара сегодня?", "погода в Алматы завтра", "best pizza in Astana"):
        assert not isinstance(policy.decide(matcher.match(text)), policy.Answer), text


def test_index_covers_every_language_of_every_entry(kb):
    small = build_matcher(kb)
    for entry in kb.entries.values():
        for lang, text in entry.texts.items():
            assert small.match(text.questions[0], lang).candidates, (entry.id, lang)


def test_candidates_best_phrasing_equals_scoring_every_phrasing(matcher):
    """The character view scores only the candidates' phrasings; the result must be what scoring all of
    them and taking each candidate's best would give."""
    from bot.core.matching.index import group_max
    from bot.core.matching.reading import grams as _grams
    from bot.core.matching.reading import prepare

    corpus = matcher.corpus
    for question in ("Ауыл бюджетін кім бекітеді?", "как подать жалобу на акима", "what does the maslihat do"):
        words = matcher.correct(prepare(question).words)
        ranking = matcher.ranking(prepare(question).words)
        q = matcher.chars.vector(_grams(words))
        per_word = matcher.chars.grams_t[q.cols].T @ q.weights
        every = (corpus.doc_words @ per_word) / matcher.chars.doc_norms
        best = group_max(group_max(every, corpus.group_start), matcher._entry_group_start)
        assert np.allclose(ranking.pairs[:, 4], best[ranking.entries], atol=1e-6)


def test_documents_are_read_back_from_the_knowledge_base(matcher, kb):
    """The index keeps no copy of the phrasings' text; a document number leads back to its phrasing."""
    expected = [(lang, phrasing) for entry in kb.entries.values() for lang, text in entry.texts.items()
                for phrasing in (text.title, *text.questions)]
    assert matcher.n_documents == len(expected)
    assert [matcher.document(doc) for doc in range(matcher.n_documents)] == expected


def test_coverage_is_the_share_of_the_question_on_features_the_entry_has(matcher, kb):
    """Coverage is read from the groups' matrix; here it is counted again from the entries' own words."""
    from bot.core.matching.reading import features, prepare, transliterates
    from bot.core.text.normalize import clean, tokens

    def entry_features(entry):
        bag = set()
        for lang, text in entry.texts.items():
            for phrasing in (text.title, *text.questions):
                bag |= set(features(tokens(clean(phrasing), latin_kazakh=transliterates(lang))))
        return bag

    for question in ("Ауыл бюджетін кім бекітеді?", "как подать жалобу на акима в суд", "maslikhat deputy salary"):
        words = prepare(question).words
        ranking = matcher.ranking(words)
        q = matcher.words.vector(features(matcher.correct(words)))
        known = dict(zip(q.cols.tolist(), (q.weights ** 2).tolist()))
        names = {col: feature for feature in features(matcher.correct(words))
                 for col in matcher.words.vocabulary.columns([feature]).tolist() if col >= 0}
        for entry_index, coverage in zip(ranking.entries, ranking.pairs[:, 8]):
            have = entry_features(kb.entries[matcher.entry_ids[entry_index]])
            share = sum(w for col, w in known.items() if names[col] in have) / sum(known.values())
            assert coverage == pytest.approx(share, abs=1e-5), (question, matcher.entry_ids[entry_index])


def test_naive_bayes_score_is_counted_from_the_candidates_phrasings(matcher, kb):
    """The naive Bayes pair feature is read from the index's sparse matrices; here it is counted again
    from each candidate's phrasings, n-gram by n-gram."""
    import math
    from collections import Counter

    from bot.core.matching.model import PAIR_FEATURES
    from bot.core.matching.ranker import BAYES_SMOOTHING
    from bot.core.matching.reading import grams as _grams
    from bot.core.matching.reading import prepare, transliterates
    from bot.core.text.normalize import clean, tokens

    chars = matcher.chars

    def weighted(bag):
        cols = chars.vocabulary.columns(list(bag))
        return {col: count * float(chars.idf[col]) for col, count in zip(cols.tolist(), bag.values()) if col >= 0}

    def entry_text(entry):
        counts, mass = Counter(), 0.0
        for lang, text in entry.texts.items():
            for phrasing in (text.title, *text.questions):
                doc = weighted(_grams(tokens(clean(phrasing), latin_kazakh=transliterates(lang))))
                norm = math.sqrt(sum(w * w for w in doc.values())) or 1.0
                for col, w in doc.items():
                    counts[col] += w / norm
                mass += sum(doc.values()) / norm
        return counts, mass

    column = PAIR_FEATURES.index("char_bayes_gap")
    smoothing = BAYES_SMOOTHING * len(chars.vocabulary)
    for question in ("слушания по генплану", "Ауыл бюджетін кім бекітеді?", "akimat ignored my appeal"):
        words = matcher.correct(prepare(question).words)
        ranking = matcher.ranking(prepare(question).words)
        q = chars.vector(_grams(words))
        scores = []
        for entry_index in ranking.entries:
            counts, mass = entry_text(kb.entries[matcher.entry_ids[entry_index]])
            scores.append(sum(float(w) * (math.log(counts[col] + BAYES_SMOOTHING) - math.log(mass + smoothing))
                              for col, w in zip(q.cols.tolist(), q.weights)))
        expected = np.asarray(scores) - max(scores)
        assert np.allclose(ranking.pairs[:, column], expected, atol=1e-3), question


def test_question_words_count_for_matching_but_not_for_grouping_gaps():
    from bot.core.curation.features import normal_form
    from bot.core.matching.reading import features

    assert "кто" in features(("кто", "аким")) and "когда" in features(("когда", "слушания"))
    assert "как" not in features(("как", "аким"))
    assert normal_form("Кто наш аким?", "ru") == "аким"


def test_the_nearest_listed_question_is_exposed_when_it_is_nearer_than_any_phrasing(matcher, kb):
    from bot.core.matching.reading import read_phrasing

    listed = matcher.match("как оплатить налог на машину").listed_nearer
    assert listed == ("ru", "как оплатить налог на машину")
    assert kb.topic_of(*listed).id == "taxes_fines"
    assert matcher.match("Кто избирает акима села?").listed_nearer is None  # nearer its entry's phrasings
    # The index beside the score, consistent with the score alone (ListedView.best).
    words = read_phrasing("ru", "курс доллара на сегодня")
    score, at = matcher.out_of_scope_words.nearest(words)
    assert score == matcher.out_of_scope_words.best(words) and matcher.out_of_scope_text[at] == (
        "ru", "курс доллара на сегодня")
    assert matcher.out_of_scope_words.nearest(["zzzqqq"]) == (0.0, -1)


def test_a_question_near_a_topic_is_referred_and_one_near_the_flat_list_is_not(matcher, kb):
    from bot.core.matching import policy

    for question, topic in (("когда повысят пенсию", "social"), ("расскажи анекдот", None),
                            ("Кто избирает акима села?", None)):
        result = matcher.match(question)
        found = policy.referral(kb, result, policy.decide(result))
        assert (found.id if found else None) == topic, question


def test_numbers_alone_get_no_referral(matcher, kb):
    """Found by fuzzing: "9" was nearest a listed question with a 9 and got the kindergartens' referral."""
    from bot.core.matching import policy

    for text in ("9", "12 5", "2026"):
        result = matcher.match(text)
        assert policy.referral(kb, result, policy.decide(result)) is None, text
