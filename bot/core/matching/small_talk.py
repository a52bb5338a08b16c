"""Recognising small talk: a message that is only a greeting, thanks, an acknowledgement, "who are you", a
goodbye or an insult ("Привет!", "рахмет 🙏", "ясно, спасибо", "sen kimsin ozi"), never a message with a real
question in it ("Здравствуйте, как подать жалобу на акима?").

The phrases are content (knowledge/small_talk.toml, bot/core/knowledge/small_talk.py). A message and the
phrases are read as the matcher reads a phrasing in each language (reading.read_phrasing: Kazakh letters
folded, Latin Kazakh transliterated, punctuation and emoji dropped), and a run of three or more of the same
letter is one ("спасибооо", "hellooo"). Then, per language, the message is small talk when
1. the whole of it is one of the phrases, or within one typo of one of six letters or more ("пасиба"); or
2. it is a chain of phrases (each matched the same way) and filler words ("ясно, спасибо", "ты бот или
   человек"), where a filler is a stop word of the matcher ("привет, подскажите"), a particle ("өзі", "ну",
   "тебя", the "re" of "you're"), or any other word of a small-talk phrase of that language ("рахмет сізге
   көп": "көп" is a word of "көп рахмет"); or
3. it has no phrase but consists of fillers, with at least two words of one kind's phrases that are not stop
   words or particles ("are you a real person": "real", "person").
Any other word (a content word: "акима", "жалобу", "бюджет") means there is a question, and the message goes to
the knowledge base. The kind is the first phrase's (the first of rule 2's chain: "ясно, спасибо" is ack), or
the kind with most of rule 3's words.

Measured on eval/small_talk.tsv and eval/small_talk_not.tsv by `qogam eval-small-talk` (docs/matching.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.core.knowledge.loader import KnowledgeBase
from bot.core.matching.reading import STOP_WORDS, read_phrasing
from bot.core.text.language import LANGUAGES
from bot.core.text.normalize import fold

# A phrase this long (letters and spaces, as read) may be matched with one typo; a shorter one must be exact
# ("салам" is not "салат", "ясно" is not "ясли").
TYPO_MIN_CHARS = 6
# Longer messages are never small talk: nobody thanks in thirteen words without saying something else.
MAX_WORDS = 12
# Words that carry no content in a chat message and that the matcher's stop words lack: Kazakh particles and
# "you" forms, Russian particles and "you" forms, English chat forms and the pieces an apostrophe leaves
# ("you're" reads as "you" "re").
_PARTICLES_RAW = """
    өзі өзің өзіңіз ғой ау ей енді иә әрине жә сен саған сені сенің сізге сізді сіздің
    ну ой эх ах да же ж тебя тебе тобой вас вам вами ваш
    u ur r ya oh ah well yeah yes then too very lol re s m ll ve d
"""
PARTICLES = frozenset(fold(w) for w in _PARTICLES_RAW.split())
_RUNS = re.compile(r"(\w)\1{2,}")


@dataclass(frozen=True)
class Recognised:
    """A small-talk message: its kind, and the languages whose phrases it matched (the reply's language is
    chosen among them)."""

    kind: str
    langs: tuple[str, ...]


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    text: str
    kind: str


class Recognizer:
    """The small talk of a knowledge base. The words of its entries' phrasings are never read as a typo of a
    small-talk phrase: "акимат" is one letter from "ақымақ" (idiot), and "что умеет" from "что умеешь"."""

    def __init__(self, kb: KnowledgeBase):
        small_talk = kb.small_talk
        self.known: frozenset[str] = frozenset(
            word for entry in kb.entries.values() for lang, text in entry.texts.items()
            for phrasing in (text.title, *text.questions) for word in _read(lang, phrasing))
        self.phrases: dict[str, list[_Phrase]] = {lang: [] for lang in LANGUAGES}
        # language -> word -> the kinds whose phrases use it (content words only: rule 3's evidence)
        self.vocabulary: dict[str, dict[str, set[str]]] = {lang: {} for lang in LANGUAGES}
        self.words: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        for kind, texts in (small_talk.kinds.items() if small_talk else ()):
            for lang, text in texts.items():
                for phrase in text.phrases:
                    words = tuple(_read(lang, phrase))
                    if not words:
                        continue
                    self.phrases[lang].append(_Phrase(words, " ".join(words), kind))
                    self.words[lang].update(words)
                    for word in words:
                        if word not in STOP_WORDS and word not in PARTICLES:
                            self.vocabulary[lang].setdefault(word, set()).add(kind)
        for lang in LANGUAGES:
            # Longest first: "спасибо большое" before "спасибо".
            self.phrases[lang].sort(key=lambda p: -len(p.words))
        self._coverable: dict[tuple[str, str], bool] = {}

    def recognise(self, text: str) -> Recognised | None:
        """The kind of small talk `text` is, or None when it is not small talk (a question, or nothing)."""
        found: dict[str, tuple[int, int, str]] = {}  # language -> (rule, typos, kind)
        for lang in LANGUAGES:
            words = tuple(_RUNS.sub(r"\1", w) for w in _read(lang, text))
            if not words or len(words) > MAX_WORDS or not all(self._may_cover(lang, w) for w in words):
                continue
            for rule, match in enumerate((self._whole, self._chain, self._words), 1):
                matched = match(lang, words)
                if matched:
                    found[lang] = (rule, *matched)
                    break
        if not found:
            return None
        # The kinds agree in nearly every case ("ok" is ack in all three languages). When they do not, the
        # stronger rule wins ("привет бот" is a Russian greeting phrase, and in the Kazakh reading only "бот"
        # and a stop word), then the fewer typos ("hi bot" is an English phrase, and one letter from the
        # Russian reading of "ты бот"), then the language listed first. The reply is in one of the languages
        # that read it as that kind.
        _, _, kind = min(found.values(), key=lambda f: f[:2])
        return Recognised(kind, tuple(lang for lang, f in found.items() if f[2] == kind))

    # -- the three rules ---------------------------------------------------------------------------------

    def _whole(self, lang: str, words: tuple[str, ...]) -> tuple[int, str] | None:
        """Rule 1: (typos, kind) of the phrase the whole message is, an exact one before one with a typo."""
        near = None
        for phrase in self.phrases[lang]:
            typos = self._typos(words, phrase)
            if typos == 0:
                return 0, phrase.kind
            if typos is not None and near is None:
                near = typos, phrase.kind
        return near

    def _typos(self, words: tuple[str, ...], phrase: _Phrase) -> int | None:
        """0 when the words are the phrase, 1 when one typo apart (a long enough phrase, and no word of the
        knowledge base's phrasings read as another), else None."""
        typos = _typos(" ".join(words), phrase.text)
        if typos and any(w in self.known for w in words if w not in phrase.words):
            return None
        return typos

    def _chain(self, lang: str, words: tuple[str, ...]) -> tuple[int, str] | None:
        """Rule 2: the cover of the words by phrases and fillers with the most words in phrases, then the
        fewest typos; (its typos, the kind of its first phrase)."""
        n = len(words)
        # best[i]: (words in phrases, -typos, kinds in order) for words[i:], or None when they cannot be covered
        best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * n + [(0, 0, ())]
        for i in range(n - 1, -1, -1):
            options = []
            if self._filler(lang, words[i]) and best[i + 1] is not None:
                options.append(best[i + 1])
            for phrase in self.phrases[lang]:
                j = i + len(phrase.words)
                if j > n or best[j] is None:
                    continue
                typos = self._typos(words[i:j], phrase)
                if typos is not None:
                    covered, minus, kinds = best[j]
                    options.append((covered + j - i, minus - typos, (phrase.kind, *kinds)))
            best[i] = max(options, key=lambda o: (o[0], o[1])) if options else None
        result = best[0]
        return (-result[1], result[2][0]) if result and result[2] else None

    def _words(self, lang: str, words: tuple[str, ...]) -> tuple[int, str] | None:
        """Rule 3: only fillers, two or more of them words of one kind's phrases."""
        if not all(self._filler(lang, w) for w in words):
            return None
        evidence: Counter[str] = Counter()
        for word in dict.fromkeys(words):
            for kind in sorted(self.vocabulary[lang].get(word, ())):
                evidence[kind] += 1
        if not evidence:
            return None
        kind, count = max(evidence.items(), key=lambda item: item[1])
        return (0, kind) if count >= 2 else None

    def _may_cover(self, lang: str, word: str) -> bool:
        """Whether a word can be part of small talk at all: a filler, or one typo from a word of a phrase (and
        not a word of the knowledge base). A question's content words fail here at once, so a message with
        one is never compared with every phrase (`kb check` reads all 3,300 phrasings through here)."""
        key = (lang, word)
        if key not in self._coverable:
            self._coverable[key] = self._filler(lang, word) or (
                word not in self.known and len(word) >= 3 and process.extractOne(
                    word, self.words[lang], scorer=Levenshtein.distance, score_cutoff=1) is not None)
        return self._coverable[key]

    def _filler(self, lang: str, word: str) -> bool:
        return word in STOP_WORDS or word in PARTICLES or word in self.words[lang]


def _read(lang: str, text: str) -> list[str]:
    return read_phrasing(lang, text)


@lru_cache(maxsize=4096)
def _typos(text: str, phrase: str) -> int | None:
    """0 when equal, 1 when one typo apart and the phrase is long enough to allow one, else None."""
    if text == phrase:
        return 0
    if len(phrase) >= TYPO_MIN_CHARS and Levenshtein.distance(text, phrase, score_cutoff=1) <= 1:
        return 1
    return None
