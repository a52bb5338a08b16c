"""Words that change what is asked although every other word fits: the level a question names (a village, a
district, a region) when the entry speaks of that word at another level.

"кто утверждает бюджет района" (who approves the district budget) shares all its words with the village
budget's phrasings ("кто утверждает бюджет села", "районный маслихат утверждает бюджет села"), and the
re-ranker and the decision, which weigh words and n-grams, not what they modify, answered it with the
village budget at 0.93. What tells them apart is which level word stands beside the word they share: the
entry says "бюджет села", never "бюджет района". So each entry's phrasings are read for the pairs (level,
neighbouring word, side): the nearest content word before and after each level word (the modifier comes
before the head in Kazakh and English, "аудан бюджеті", "district budget", and after it in a Russian
genitive, "бюджет района"). A question has a contrast with an entry when it puts a level beside a word
that the entry's phrasings put beside another level on the same side, and never beside this one. Such a
question is not answered with that entry, at most offered it ("did you mean"), as with a question nearer
a listed out-of-scope one (model.apply).

The level words are the administrative levels residents name, in the three languages, as reading.py reads
them (folded, Latin Kazakh transliterated); the pairs come from the phrasings, so editors teach the
contrast by how they phrase an entry, as they teach everything else.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable

from bot.core.matching.reading import is_content_word

# Folded stems of the words for each level (a word is of a level when it begins with one of them). Village
# covers the rural district (ауылдық округ, сельский округ, "rural district" names both levels, and its
# phrasings say so); a city is left out: "город районного значения" is a level of its own that names one.
LEVELS: dict[str, tuple[str, ...]] = {
    "village": ("ауил", "село", "села", "селе", "селу", "селом", "сельск", "сельс", "посел", "кент", "village",
                "rural", "auyl", "aul"),
    "district": ("аудан", "раион", "district", "audan", "raion", "rayon"),
    "region": ("облис", "област", "region", "oblast", "oblys"),
}
# An entry speaks of a word at its level(s) when at least this many of its phrasings in the language put
# the word beside a level: an entry that names "районный маслихат" once and "областной маслихат" once
# (maslikhat.role) covers maslikhats of every level, and one that says "бюджет села" in many of its
# phrasings (budget.village) is about the village's. Set on the knowledge base alone: each phrasing that
# names a level, asked as if its entry's other phrasings were all there is, meets a contrast with its own
# entry for 110 of 986 at 1, 40 at 2, 23 at 3, 20 at 4 (entries about akims of every level that name the
# village's more often); 3 is where that stops falling fast.
MIN_PHRASINGS = 3
# Words are compared by their first letters, as the index's prefixes compare them (reading.PREFIX_LENGTHS).
KEY_LENGTH = 4


# Remembered per word: building the contrasts reads some 100,000 words of phrasings (250 entries: 1.4 s of
# a 2.2 s rebuild went to scanning the stems), and words repeat.
@functools.lru_cache(maxsize=1 << 16)
def level_of(word: str) -> str | None:
    for level, stems in LEVELS.items():
        if any(word.startswith(stem) for stem in stems):
            return level
    return None


def _key(word: str) -> str:
    return word[:KEY_LENGTH]


def level_pairs(words: Iterable[str]) -> set[tuple[str, str, int]]:
    """(level, neighbouring content word's key, side) for each level word: side -1 for the nearest content
    word before it that names no level, +1 for the one after it."""
    content = [w for w in words if is_content_word(w)]
    levels = [level_of(w) for w in content]
    pairs = set()
    for i, level in enumerate(levels):
        if level is None:
            continue
        for side in (-1, 1):
            j = i + side
            while 0 <= j < len(content) and levels[j] is not None:
                j += side
            if 0 <= j < len(content):
                pairs.add((level, _key(content[j]), side))
    return pairs


class Contrasts:
    """Each entry's (level, neighbour, side) pairs, from its phrasings in each language (a side means
    another thing in each: "ауыл бюджетін аудандық мәслихат" has "бюджет" before the district, as a
    Russian "бюджет района" has, but it is the village's budget)."""

    def __init__(self, phrasings: Iterable[tuple[int, str, str]], read: Callable[[str, str], list[str]]):
        """phrasings: (entry index, language, text); read: how a phrasing is read (reading.read_phrasing)."""
        # Per entry and language, (neighbour, side) -> the levels it stands beside, with how many phrasings.
        self._beside: dict[tuple[int, str], dict[tuple[str, int], Counter[str]]] = {}
        for entry, lang, text in phrasings:
            for level, key, side in level_pairs(read(lang, text)):
                self._beside.setdefault((entry, lang), {}).setdefault((key, side), Counter())[level] += 1

    def contrast(self, words: Iterable[str], entry: int, lang: str) -> tuple[str, str, int] | None:
        """A (level, neighbour, side) of the question (written in `lang`) that the entry's phrasings in
        that language have only with another level, or None."""
        beside = self._beside.get((entry, lang))
        if not beside:
            return None
        for level, key, side in sorted(level_pairs(words)):
            levels = beside.get((key, side))
            if levels and not levels[level] and levels.total() >= MIN_PHRASINGS:
                return level, key, side
        return None
