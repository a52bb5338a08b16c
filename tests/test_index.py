"""The sparse index's own parts, on small made-up data."""

import numpy as np

from bot.core.index import Corpus, ListedView, Vocabulary, WordView
from bot.core.matcher import word_features


def test_a_vocabulary_finds_each_features_column_and_nothing_else():
    features = ["маслихат", "масл", "аким", "akim", " а", "ім "]
    vocabulary = Vocabulary(features)
    assert len(vocabulary) == len(features)
    assert vocabulary.columns(features).tolist() == list(range(len(features)))
    assert vocabulary.columns(["аким", "мәслихат", "", "масл"]).tolist() == [2, -1, -1, 1]
    assert "akim" in vocabulary and "akimat" not in vocabulary
    assert vocabulary.columns([]).dtype == np.int64 and len(vocabulary.columns([])) == 0


def test_an_empty_vocabulary_knows_nothing():
    vocabulary = Vocabulary([])
    assert len(vocabulary) == 0
    assert vocabulary.columns(["аким", "b"]).tolist() == [-1, -1]
    assert "аким" not in vocabulary


def _view(docs):
    return WordView(Corpus(docs, range(len(docs)), len(docs)), word_features)


def test_a_listed_question_is_weighed_as_the_knowledge_base_weighs_words():
    """"аким" is in every phrasing, so a question sharing only it with a listed one is far from it; a word
    the phrasings lack ("мажилис") weighs the most and brings the listed question near."""
    reference = _view([("аким", "выборы"), ("аким", "бюджет"), ("аким", "жалоба")])
    listed = ListedView([("зарплата", "аким"), ("выборы", "мажилис")], word_features, reference)
    assert listed.best(("аким", "полномочия")) < 0.1
    assert listed.best(("выборы", "мажилис")) > 0.99
    # A word neither has still counts in the question's length.
    assert 0.5 < listed.best(("выборы", "мажилис", "когда")) < 0.9
    assert listed.best(("выборы", "мажилис"), leave_out=1) == 0.0
    assert listed.best(()) == 0.0
