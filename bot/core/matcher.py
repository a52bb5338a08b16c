"""Find the knowledge-base entries closest to a question.

Every phrasing of every entry, in all three languages, is indexed after the same normalisation as the
question. A text becomes a bag of features: each content word plus its prefixes of 4, 5 and 6 letters. The
prefixes stand in for a stemmer in two very different morphologies at once (Russian endings, Kazakh
suffix chains: "әкімдікке" shares "аким", "акимди" with "әкімдік"), and they absorb typos at the end of
a word. Words carry TF-IDF weights, so the rare topic words decide and the question words ("что
такое", "деген не", "what is") are dropped as stopwords and never dominate.

Two similarities are combined for each entry:
- the best cosine against a single phrasing (precise when a resident asks almost as an editor wrote);
- the cosine against the entry's centroid in one language, all its phrasings together (generalises to
  new combinations of the entry's words).
The entry's score is a weighted sum of the two. Scores lie in [0, 1].

Words the index has never seen are matched to known words by rapidfuzz (edit similarity), which catches
typos in the middle of a word ("маслиxат", "мслихат").
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.knowledge import KnowledgeBase
from bot.core.language import Detection, detect
from bot.core.normalize import clean, fold, tokens

log = logging.getLogger(__name__)

# 5 is the length of many Russian stems (ответ|а, выбор|ы, жалоб|а) and Kazakh roots with a vowel
# (өтін|іш folds to отин-иш); 4 and 6 catch shorter and longer ones. (4, 6) and (4, 5, 6, 7) rank the dev
# set within one question of this; see README "How it works".
PREFIX_LENGTHS = (4, 5, 6)
# Weight of the centroid similarity against the best single phrasing (tuned on the dev set).
CENTROID_WEIGHT = 0.5
# Edit similarity (0-100) above which an unknown word is read as a typo of a known one. 85 accepts one
# wrong letter in a 7-letter word and rejects unrelated words of similar shape.
TYPO_SIMILARITY = 85
# Shorter words are too ambiguous to correct ("суд" vs "сут").
TYPO_MIN_LENGTH = 5
# Each feature keeps only its highest-weighted documents (impact-ordered postings). A feature found in
# thousands of documents adds little to any one of them; cutting its list bounds the work per question
# on a large knowledge base (10,000 entries: see bench/). The real knowledge base has no list this long,
# so its results are exact.
MAX_POSTINGS = 2000

_STOP_WORDS_RAW = """
что такое это как кто где когда какой какая какое какие каким каких какую каком сколько почему зачем ли
можно нужно надо мне меня мой моя мои я мы вы ты он она они его ее их в во на по для и или а но у с со о об
от до из за к ко не же бы то есть быть будет был была было этот эта эти тот та те там тут здесь чем чего
чему кем кого кому куда если при про все весь свой свои наш наши ваш просто пожалуйста подскажите скажите
расскажите объясните хочу хотел хотела знать узнать значит означает вообще такой который которая которые
ну вот уже еще очень также так всё ещё
деген қандай қалай қайда кім кімге кімнің неге неше қанша қашан ма ме ба бе па пе мен бен пен және
бұл осы сол ол олар біз сіз менің маған үшін туралы керек болады бола ғой да де ғана еді әлде
немесе айтыңызшы түсіндіріңіз білгім келеді білу нені неден ше
what is are was were the a an how who whom where when why which do does did can could should would will
i my me we our you your it its this that these those to of in on for with and or about there be been have
has had get please tell explain know want need any some if so us
kazakhstan казахстан казахстане казахстана қазақстан қазақстанда рк
простыми словами кратко коротко подробно қарапайым тілмен қысқаша simple simply words short briefly
"""
STOP_WORDS = frozenset(fold(w) for w in _STOP_WORDS_RAW.split())


def features(words: list[str]) -> Counter[str]:
    """Content words and their prefixes, counted."""
    bag: Counter[str] = Counter()
    for word in words:
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            continue
        bag[word] += 1
        for n in PREFIX_LENGTHS:
            if len(word) > n:
                bag[word[:n]] += 1
    return bag


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Result:
    """Ranked candidates, and how much of the question the knowledge base does not know at all
    (share of the question vector's weight on unknown words, 0..1)."""

    query: "Query"
    candidates: list[Candidate]
    unknown_share: float


@dataclass(frozen=True)
class Query:
    """A question after cleaning, language detection and normalisation."""

    text: str
    detection: Detection
    words: tuple[str, ...]


def transliterates(lang: str) -> bool:
    """Latin words in Kazakh or Russian text are read as Kazakh (e-Otinish, egov, or a whole question
    typed in Latin Kazakh); English text keeps its Latin words."""
    return lang in ("kk", "ru")


def prepare(text: str, hint: str | None = None) -> Query:
    cleaned = clean(text)
    detection = detect(cleaned, hint)
    return Query(cleaned, detection, tuple(tokens(cleaned, latin_kazakh=transliterates(detection.lang))))


class _Index:
    """Sparse unit vectors with an inverted index: feature -> [(doc, weight)]."""

    def __init__(self, bags: list[Counter[str]], idf: dict[str, float]):
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, bag in enumerate(bags):
            vector = {f: (1 + math.log(tf)) * idf[f] for f, tf in bag.items()}
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            for f, w in vector.items():
                self.postings[f].append((doc, w / norm))
        for f, docs in self.postings.items():
            if len(docs) > MAX_POSTINGS:
                docs.sort(key=lambda item: -item[1])
                del docs[MAX_POSTINGS:]

    def cosine(self, query: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for f, qw in query.items():
            for doc, w in self.postings.get(f, ()):
                scores[doc] += qw * w
        return scores


class Matcher:
    """Index of a knowledge base; `match` ranks entries for a question."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        phrase_bags: list[Counter[str]] = []
        self._phrase_entry: list[str] = []
        centroid_bags: list[Counter[str]] = []
        self._centroid_entry: list[str] = []
        self.vocabulary: set[str] = set()
        for entry in kb.entries.values():
            for lang, text in entry.texts.items():
                centroid: Counter[str] = Counter()
                for phrasing in (text.title, *text.questions):
                    words = tokens(clean(phrasing), latin_kazakh=transliterates(lang))
                    self.vocabulary.update(words)
                    bag = features(words)
                    phrase_bags.append(bag)
                    self._phrase_entry.append(entry.id)
                    centroid.update(bag)
                centroid_bags.append(centroid)
                self._centroid_entry.append(entry.id)
        # IDF over the centroids (one document per entry and language): a feature found in every topic
        # says nothing about which topic is meant.
        df: Counter[str] = Counter()
        for bag in centroid_bags:
            df.update(bag.keys())
        n = len(centroid_bags)
        self.idf = {f: math.log((n + 1) / (d + 1)) + 1.0 for f, d in df.items()}
        # A word never seen in the knowledge base is as rare as a word can be: it keeps its full weight in
        # the question's norm, so "курс евро" next to "маслихат" lowers the similarity, as it should.
        self.unknown_idf = math.log(n + 1) + 1.0
        self._phrases = _Index(phrase_bags, self.idf)
        self._centroids = _Index(centroid_bags, self.idf)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            if len(word) >= TYPO_MIN_LENGTH - 1:
                self._by_initial[word[0]].append(word)

    def correct(self, words: tuple[str, ...]) -> list[str]:
        """Replace unknown words that look like a typo of a known one (also used to group gaps)."""
        out = []
        for word in words:
            known = word in self.vocabulary or any(
                word[:n] in self.idf for n in PREFIX_LENGTHS[1:] if len(word) > n
            )
            if known or len(word) < TYPO_MIN_LENGTH or word in STOP_WORDS:
                out.append(word)
                continue
            best = process.extractOne(
                word, self._by_initial.get(word[0], ()), scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY
            )
            out.append(best[0] if best else word)
        return out

    def vector(self, words: tuple[str, ...]) -> dict[str, float]:
        bag = features(self.correct(words))
        vector = {f: (1 + math.log(tf)) * self.idf.get(f, self.unknown_idf) for f, tf in bag.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {f: w / norm for f, w in vector.items()}

    def rank(self, query: Query, limit: int = 5) -> list[Candidate]:
        """Entries by descending score, each entry once."""
        return self.rank_words(query.words, limit)

    def rank_words(self, words: tuple[str, ...], limit: int = 5) -> list[Candidate]:
        """The same, for words already normalised (tokens of a cleaned text)."""
        return self._rank(self.vector(words), limit)

    def _rank(self, q: dict[str, float], limit: int) -> list[Candidate]:
        if not q:
            return []
        best_phrase: dict[str, float] = defaultdict(float)
        for doc, score in self._phrases.cosine(q).items():
            eid = self._phrase_entry[doc]
            best_phrase[eid] = max(best_phrase[eid], score)
        best_centroid: dict[str, float] = defaultdict(float)
        for doc, score in self._centroids.cosine(q).items():
            eid = self._centroid_entry[doc]
            best_centroid[eid] = max(best_centroid[eid], score)
        combined = {
            eid: (1 - CENTROID_WEIGHT) * best_phrase[eid] + CENTROID_WEIGHT * best_centroid[eid]
            for eid in best_phrase.keys() | best_centroid.keys()
        }
        ranked = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Candidate(eid, min(1.0, round(score, 4))) for eid, score in ranked]

    def match(self, text: str, hint: str | None = None, limit: int = 5) -> Result:
        query = prepare(text, hint)
        result = self._match(query, limit)
        if query.detection.script == "latin" and not query.detection.confident:
            # Latin text that reads equally well as English or as Latin Kazakh: try the other reading
            # and keep whichever the knowledge base recognises better.
            other_lang = "en" if query.detection.lang == "kk" else "kk"
            other = Query(query.text, Detection(other_lang, False, "latin"),
                          tuple(tokens(query.text, latin_kazakh=transliterates(other_lang))))
            alternative = self._match(other, limit)
            if alternative.candidates and (not result.candidates or
                                           alternative.candidates[0].score > result.candidates[0].score):
                result = alternative
        return result

    def _match(self, query: Query, limit: int) -> Result:
        q = self.vector(query.words)
        unknown = sum(w * w for f, w in q.items() if f not in self.idf)
        return Result(query, self._rank(q, limit), round(unknown, 4))
