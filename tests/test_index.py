"""The sparse index's own parts, on small made-up data."""

import numpy as np

from bot.core.index import Vocabulary


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
