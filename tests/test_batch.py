"""The tables (bot/core/matching/batch.py) rank as counting from the candidates' phrasings did: the same
candidates and the same pair features, for questions asked as in training (a phrasing left out, its
entry hidden, a listed question left out) and as residents ask, one at a time and in a batch."""

import random

import numpy as np
import pytest

from bot.core.matching import training
from bot.core.matching.ranker import Matcher
from bot.core.matching.reading import reading
from bot.core.text.language import detect
from bot.core.text.normalize import clean


@pytest.fixture(scope="module")
def trainable(kb):
    return Matcher(kb, for_training=True)


def questions(matcher: Matcher) -> list:
    rng = random.Random(3)
    asked = []

    def read(text, leave_out=None, listed=None, hide=None):
        cleaned = clean(text)
        question = matcher.read(reading(cleaned, detect(cleaned)), leave_out, listed)
        if question is not None:
            question.hide_entry = hide
            asked.append(question)

    for doc in rng.sample(range(matcher.n_documents), 40):
        lang, text = matcher.document(doc)
        for variant in training.variants(lang, text, rng):
            read(variant, leave_out=doc)
        read(text, leave_out=doc, hide=matcher.group_entry[matcher.corpus.doc_group[doc]])
        read(training.out_of_scope(text, rng), leave_out=doc)
    for i in rng.sample(range(len(matcher.out_of_scope_text)), 10):
        read(matcher.out_of_scope_text[i][1], listed=i)
    for text in ("Что такое маслихат?", "как подать жалобу на акима", "what does the maslihat do", "зарплата акима"):
        read(text)
    return asked


def test_the_tables_rank_as_the_candidates_phrasings_do(trainable):
    assert trainable.tables is not None
    asked = questions(trainable)
    batch = trainable.tables.rank(asked)
    one_by_one = [trainable.tables.rank([question])[0] for question in asked[:60]]
    counted = [trainable._candidate_ranking(question) for question in asked]
    assert len(asked) > 200
    for got, alone, expected in zip(batch, one_by_one + [None] * len(asked), counted):
        assert np.array_equal(got.entries, expected.entries)
        assert np.allclose(got.pairs, expected.pairs, atol=1e-4)
        assert got.out_of_scope == pytest.approx(expected.out_of_scope, abs=1e-5)
        assert got.out_of_scope_words == pytest.approx(expected.out_of_scope_words, abs=1e-5)
        if alone is not None:  # a question alone goes through the one-question paths
            # atol as above (it was 1e-5): the naive Bayes gap is the difference of two float32 sums of 10 to
            # 40, whose rounding is some 4e-6 each; reading "kh" as "h" in English (issue 30) made one
            # question's gap differ by 1.1e-5 between the two paths (-0.058518 and -0.058529).
            assert np.array_equal(alone.entries, got.entries) and np.allclose(alone.pairs, got.pairs, atol=1e-4)


def test_a_question_read_with_remembered_words_is_the_vector_of_its_features(matcher):
    """Words' feature columns are remembered (index.WordColumns); the vectors must stay what a bag of
    the question's features gives, repeats and unknown features included."""
    from bot.core.matching.reading import features, grams

    for text in ("маслихат маслихат депутаты", "qwertyzz маслихат qwertyzz", "how do I file an appeal"):
        words = matcher.correct(reading(clean(text), detect(clean(text))))
        for view, bag in ((matcher.words, features(words)), (matcher.chars, grams(words))):
            expected, got = view.vector(bag), view.read([words])[0]
            order_expected, order_got = np.argsort(expected.cols), np.argsort(got.cols)
            assert np.array_equal(expected.cols[order_expected], got.cols[order_got])
            assert np.allclose(expected.weights[order_expected], got.weights[order_got], atol=1e-6)
            assert got.unknown == pytest.approx(expected.unknown, abs=1e-6)
