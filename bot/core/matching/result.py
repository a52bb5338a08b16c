"""What ranking a question produces: the query as read, the candidates with their probabilities, the
result the policy decides on, and the ranking's features the learned models see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.core.text.language import Detection


@dataclass(frozen=True)
class Candidate:
    """An entry and the re-ranker's probability that it is the one asked for (0..1)."""

    entry_id: str
    score: float


@dataclass(frozen=True)
class Query:
    """A question after cleaning, language detection and normalisation."""

    text: str
    detection: Detection
    words: tuple[str, ...]

    @property
    def has_letters(self) -> bool:
        """Whether a word of it has a letter: numbers alone ("9", a flat number) ask nothing."""
        return any(any(ch.isalpha() for ch in word) for word in self.words)


@dataclass(frozen=True)
class Result:
    """Ranked candidates; `confidence` is P(the first candidate is right) from the decision model,
    `offered` P(the entry asked for is among the first three), which is at least `confidence`;
    `unknown_share` is how much of the question the knowledge base does not know at all (share of the
    question vector's weight on unknown words, 0..1); `signals` are the decision's inputs, for the log."""

    query: Query
    candidates: list[Candidate]
    unknown_share: float
    confidence: float = 0.0
    signals: dict[str, float] = field(default_factory=dict, compare=False)
    offered: float = 0.0
    # The listed question (knowledge/out_of_scope.toml, as kb.out_of_scope holds it: language and text) that
    # is nearest the question by the first stage's word cosine, when it is nearer than any phrasing of the
    # candidates (model.listed_nearer); None otherwise. The dialogue refers a resident to its topic.
    listed_nearer: tuple[str, str] | None = None


@dataclass
class Ranking:
    """Everything the two models see about one question (also used to build their training data)."""

    entries: np.ndarray          # candidate entry indexes, first-stage order
    pairs: np.ndarray            # candidates x PAIR_FEATURES
    unknown: float
    corrected: float
    content_words: int
    out_of_scope: float = 0.0    # best character cosine with a question the knowledge base does not answer
    out_of_scope_words: float = 0.0  # best word cosine with one, weighed as the first stage weighs words
    out_of_scope_nearest: int = -1  # which one (an index into Matcher.out_of_scope_text), -1 for none
