"""How a question is read for grouping: a bag of features of two kinds.

- its words, after the matcher's own normalisation (Kazakh letters folded, Latin Kazakh transliterated,
  typos of the knowledge base's words corrected when a matcher is given), cut to their first PREFIX
  letters like the matcher's stems;
- the glossary's concepts (knowledge/glossary.toml), which carry a question across languages: "жер
  учаскесі", "земельный участок" and "land plot" share the concept `land`.
Words are read as typed by the glossary (with its own typo tolerance) before the matcher's correction,
which only knows the knowledge base's words.

Unanswered questions (clustering.py) and residents' questions for a hearing (hearings/questions.py) are
both read here.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.core.knowledge.glossary import Glossary
from bot.core.matching.ranker import Matcher
from bot.core.matching.reading import STOP_WORDS, transliterates
from bot.core.text.normalize import LATIN, clean, tokens

# "[NAME]", "[PHONE]": what redaction put in place of personal data is not part of a question's words.
PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
# Letters of a word kept as its feature, as the matcher's longest common stems (see matcher.py).
PREFIX = 5
# Words shorter than this are not read the other way (Latin as Kazakh, or as English).
OTHER_READING_MIN = 4
WORD, CONCEPT = "w:", "c:"


class Reader:
    """Reads questions into features (see `features`), remembering each word's reading and each text's
    bag: 20,000 gaps hold a few thousand different words, and many texts asked more than once.

    `earlier`, a Reader of the same matcher and glossary, lends the bags it read: the open gaps change a
    few at a time, so grouping them again reads only the new ones (20,000 gaps: 0.56 s of CPU read from
    scratch). Only what is read again is kept, so a reader holds the texts of its last grouping."""

    def __init__(self, matcher: Matcher | None, glossary: Glossary, earlier: Reader | None = None):
        self.matcher, self.glossary = matcher, glossary
        self._words: dict[str, tuple[str, list[str]]] = {}
        self._concepts: dict[str, list[str]] = {}
        self._bags: dict[tuple[str, str], Counter[str]] = {}
        same = earlier is not None and earlier.matcher is matcher and earlier.glossary is glossary
        self._earlier = earlier._bags if same else {}

    def __call__(self, text: str, lang: str) -> Counter[str]:
        key = (lang, text)
        bag = self._bags.get(key)
        if bag is None:
            bag = self._earlier.get(key)
            if bag is None:
                bag = self._read(text, lang)
            self._bags[key] = bag
        return bag

    def done(self) -> Reader:
        """Drop the earlier reader's bags (those read again are this reader's now)."""
        self._earlier = {}
        return self

    def _read(self, text: str, lang: str) -> Counter[str]:
        cleaned = clean(PLACEHOLDER.sub(" ", text))
        bag: Counter[str] = Counter()
        for typed in tokens(cleaned, latin_kazakh=transliterates(lang)):
            word, concepts = self._word(typed)
            if word in STOP_WORDS or len(word) < 2:
                continue
            bag[WORD + word[:PREFIX]] += 1
            for concept in concepts:
                bag[CONCEPT + concept] += 1
        if LATIN.search(cleaned):
            # Latin letters read both ways: English, and Kazakh or Russian typed in Latin ("jer uchaskesi",
            # "kak poluchit zemlyu"); the glossary's concepts of either reading count. Short words are left
            # out of the second reading: English "it" read as Kazakh is "ит", a dog.
            for word in tokens(cleaned, latin_kazakh=not transliterates(lang)):
                if word not in STOP_WORDS and len(word) >= OTHER_READING_MIN:
                    for concept in self._concept(word):
                        bag[CONCEPT + concept] = max(bag[CONCEPT + concept], 1)
        return bag

    def _word(self, typed: str) -> tuple[str, list[str]]:
        """The word as the matcher corrects it, and its concepts. The glossary reads the word as typed
        first: the matcher corrects towards the knowledge base's words, and "прописаться", unknown there,
        would become "подписаться". (The matcher's correction reads one word at a time.)"""
        known = self._words.get(typed)
        if known is None:
            [word] = self.matcher.correct((typed,)) if self.matcher is not None else [typed]
            known = self._words[typed] = (word, self._concept(typed) or self._concept(word))
        return known

    def _concept(self, word: str) -> list[str]:
        found = self._concepts.get(word)
        if found is None:
            found = self._concepts[word] = self.glossary.concepts(word)
        return found


def features(text: str, lang: str, matcher: Matcher | None, glossary: Glossary) -> Counter[str]:
    """The bag of a question's features (see the module's docstring)."""
    return Reader(matcher, glossary)(text, lang)


def normal_form(text: str, lang: str) -> str:
    """How an ignored question is remembered: its normalised words (already redacted, and without the
    redaction's placeholders), no stop words."""
    words = tokens(clean(PLACEHOLDER.sub(" ", text)), latin_kazakh=transliterates(lang))
    return " ".join(w for w in words if w not in STOP_WORDS) or " ".join(words)
