"""Words that mark a question as outside the knowledge base's scope (knowledge/out_of_scope.toml, `terms`).

Qogam answers about local government. A few things residents name in the same breath belong to the
national level or to nobody's remit here: the Mazhilis, the Senate, the Kurultai, the Prime Minister, an
official's pay. Such a question often shares every other word with an entry ("когда следующие выборы в
мажилис" is "когда следующие выборы в маслихат" with one word changed), so neither the learned decision
nor the nearest-neighbour vote against the listed questions holds it back: the one word that matters is
a word no phrasing has. A question with a listed term is never answered, at most offered as "did you
mean". Editors keep the list, as they keep the questions.

A term that some phrasing uses is not applied: the knowledge base then answers questions with that word,
and `kb check` warns so the editor removes one or the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Kazakh and Russian inflect by endings ("мажилиса", "мәжілістің", "сенатқа", "зарплату"): a word carries a
# term when it begins with the term's first STEM letters, or with the whole term give or take one typo
# ("мажилс", "зарплта"). Six letters leave room for an ending after most stems while "маслихат" and
# "мажилис" share only two; a term shorter than that ("сенат", "earn") must begin the word exactly, since
# one typo in five letters would let too many words in.
STEM = 6
TYPOS = 1
# Words whose carried terms are remembered (a few MiB at most).
MEMO = 50_000


def carries(word: str, term: str) -> bool:
    """Whether a normalised question word is a form of a normalised one-word term."""
    if len(term) < STEM:
        return word.startswith(term)
    if word[:STEM] == term[:STEM]:
        return True
    return len(word) >= len(term) - TYPOS and Levenshtein.distance(word[:len(term)], term) <= TYPOS


class ScopeTerms:
    """The terms of every language, each read by `reader` (language, text -> normalised words) as the
    matcher reads a phrasing in that language, so a Russian question typed in Latin letters ("vybory v
    mazhilis") meets the Cyrillic term. A term of several words ("prime minister") needs all of them."""

    def __init__(self, terms: Mapping[str, Iterable[str]], phrasing_words: Iterable[str],
                 reader: Callable[[str, str], list[str]]):
        vocabulary = _Vocabulary(phrasing_words)
        self.applied: list[tuple[str, tuple[str, ...]]] = []
        self.unused: list[tuple[str, str, str]] = []  # (lang, term, the phrasing words that carry it)
        for lang, listed in terms.items():
            for term in listed:
                parts = tuple(reader(lang, term))
                if not parts:
                    continue
                # A phrase is used when each of its words is, not necessarily in one phrasing: a cheap,
                # cautious test ("prime" is in no phrasing, so "prime minister" applies).
                carriers = [vocabulary.carrier(part) for part in parts]
                if all(carriers):
                    self.unused.append((lang, term, " ".join(carriers)))  # type: ignore[arg-type]
                else:
                    self.applied.append((term, parts))
        self._parts = sorted({p for _, parts in self.applied for p in parts})
        self._memo: dict[str, frozenset[str]] = {}

    def found(self, words: Iterable[str]) -> str | None:
        """The first listed term the question's words carry, as the editor wrote it, or None."""
        carried: set[str] = set()
        for word in words:
            carried |= self._carried(word)
        for term, parts in self.applied:
            if all(p in carried for p in parts):
                return term
        return None

    def _carried(self, word: str) -> frozenset[str]:
        """The terms' words this word carries, remembered per word: comparing each word with every term
        (a fuzzy comparison each) was a tenth of a question's time."""
        got = self._memo.get(word)
        if got is None:
            if len(self._memo) >= MEMO:
                self._memo.clear()
            got = self._memo[word] = frozenset(p for p in self._parts if carries(word, p))
        return got


class _Vocabulary:
    """The phrasings' words, searched for a term by sets and one C-speed fuzzy scan rather than a Python
    loop per word: at 250 times the knowledge base there are some 100,000 distinct words."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words))
        self._starts: dict[tuple[int, int], dict[str, str]] = {}

    def _by_start(self, n: int, shorter: int = 0) -> dict[str, str]:
        """Each word's first n letters (words of n - shorter letters or more) -> a word with them."""
        key = (n, shorter)
        if key not in self._starts:
            starts: dict[str, str] = {}
            for word in self.words:
                if len(word) >= n - shorter:
                    starts.setdefault(word[:n], word)
            self._starts[key] = starts
        return self._starts[key]

    def carrier(self, term: str) -> str | None:
        """A phrasing word that carries the term (see `carries`), or None."""
        if len(term) < STEM:
            return self._by_start(len(term)).get(term)
        word = self._by_start(STEM).get(term[:STEM])
        if word is not None:
            return word
        starts = self._by_start(len(term), TYPOS)
        best = process.extractOne(term, starts.keys(), scorer=Levenshtein.distance, score_cutoff=TYPOS)
        return starts[best[0]] if best is not None else None
