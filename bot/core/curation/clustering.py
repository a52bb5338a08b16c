"""Group residents' unanswered questions, so that one question typed twenty ways, in three languages,
is one line for editors.

A question becomes a sparse vector of two kinds of features:
- its words, after the matcher's own normalisation (Kazakh letters folded, Latin Kazakh transliterated,
  typos of known words corrected), cut to their first PREFIX letters like the matcher's stems;
- the glossary's concepts (knowledge/glossary.toml), which carry a question across languages: "жер
  учаскесі", "земельный участок" and "land plot" share the concept `land`.
(The entries the matcher ranks closest were tried as a third kind: they changed nothing on the labelled
set, whose questions are, like real gaps, far from every entry, and cost a ranking per question.)
Each kind is weighted by IDF over the questions being grouped, so a word every gap contains ("акимат")
says little. Questions are then joined by average-linkage hierarchical clustering (scipy) on cosine
distance, cut at DISTANCE: a question joins a group when it is, on average, close to all its members,
not just to one of them, which keeps chains of loosely related questions apart. Words are read as typed
by the glossary (with its own typo tolerance) before the matcher's correction, which only knows the
knowledge base's words.

Figures (bench/clustering.py, eval/gap_clusters.tsv): see the README, "For editors".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core.knowledge.glossary import Glossary, load_glossary
from bot.core.matching.ranker import Matcher
from bot.core.matching.reading import STOP_WORDS, transliterates
from bot.core.text.hygiene import scrub
from bot.core.text.normalize import LATIN, clean, tokens
from bot.storage import gaps as gap_log
from bot.storage import learning
from bot.storage.gaps import Gap

# "[NAME]", "[PHONE]": what redaction put in place of personal data is not part of a question's words.
PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
# Letters of a word kept as its feature, as the matcher's longest common stems (see matcher.py).
PREFIX = 5
# Weights of the two kinds of features, and the cut (tuned on the tuning half of eval/gap_clusters.tsv:
# concepts at 1.5-3 and cuts of 0.85-0.93 score within 0.01 ARI of each other there).
WORD_WEIGHT = 1.0
CONCEPT_WEIGHT = 2.0
# Words shorter than this are not read the other way (Latin as Kazakh, or as English).
OTHER_READING_MIN = 4
# Average cosine distance at which groups stop joining. 0.9 scores best on the halves (ARI 0.78 / 0.76)
# but merges different needs once all 41 are together (pairwise precision 0.58); at 0.8 precision is
# 0.82 on the whole set for an ARI 0.07 lower on the halves. A merged cluster is worse for editors than a
# split one: they would add one need's questions as phrasings of another's entry.
DISTANCE = 0.8
# "Most asked recently": clusters are ordered by how often they were asked in the last week.
RECENT_DAYS = 7
SAMPLES = 3
# Closest entries shown for a cluster, from the mean score over up to this many of its questions.
CANDIDATES = 3
CANDIDATE_QUESTIONS = 20


@dataclass
class Cluster:
    """A group of open gaps. Its id is the id of its first question, so it stays the same while new
    questions join it, and any of its questions' ids finds it again."""

    gaps: list[Gap]
    candidates: list[tuple[str, float]] = field(default_factory=list)
    recent: int = 0

    @property
    def id(self) -> int:
        return self.gaps[0].id

    @property
    def size(self) -> int:
        return len(self.gaps)

    @property
    def first(self) -> str:
        return min(g.created_at for g in self.gaps)

    @property
    def last(self) -> str:
        return max(g.created_at for g in self.gaps)

    @property
    def langs(self) -> dict[str, int]:
        counts = Counter(g.lang for g in self.gaps)
        return {lang: counts.get(lang, 0) for lang in ("kk", "ru", "en")}

    def samples(self, n: int = SAMPLES) -> list[str]:
        """Up to n different questions, one per language first (the newest of each), then the newest."""
        chosen: list[str] = []
        newest = sorted(self.gaps, key=lambda g: (g.created_at, g.id), reverse=True)
        for lang in ("kk", "ru", "en"):
            text = next((g.question for g in newest if g.lang == lang), None)
            if text and text not in chosen:
                chosen.append(text)
        chosen += [g.question for g in newest if g.question not in chosen]
        # Scrubbed again for the editors who read them: rows stored before scrubbing existed.
        return list(dict.fromkeys(scrub(text) for text in chosen))[:n]

    def as_dict(self) -> dict:
        """The shape of `qogam gaps --clusters --json` (a contract)."""
        return {"id": self.id, "size": self.size, "langs": self.langs, "first": self.first, "last": self.last,
                "samples": self.samples(), "candidates": [{"entry": e, "score": s} for e, s in self.candidates]}


def features(text: str, lang: str, matcher: Matcher, glossary: Glossary) -> Counter[str]:
    """The bag of a question's features (see the module's docstring)."""
    cleaned = clean(PLACEHOLDER.sub(" ", text))
    raw = tuple(tokens(cleaned, latin_kazakh=transliterates(lang)))
    words = matcher.correct(raw)
    bag: Counter[str] = Counter()
    for word, typed in zip(words, raw):
        if word in STOP_WORDS or len(word) < 2:
            continue
        bag["w:" + word[:PREFIX]] += 1
        # The glossary reads the word as typed first: the matcher corrects towards the knowledge base's
        # words, and "прописаться", unknown there, would become "подписаться".
        for concept in glossary.concepts(typed) or glossary.concepts(word):
            bag["c:" + concept] += 1
    if LATIN.search(cleaned):
        # Latin letters read both ways: English, and Kazakh or Russian typed in Latin ("jer uchaskesi",
        # "kak poluchit zemlyu"); the glossary's concepts of either reading count. Short words are left
        # out of the second reading: English "it" read as Kazakh is "ит", a dog.
        other = tokens(cleaned, latin_kazakh=not transliterates(lang))
        for word in other:
            if word not in STOP_WORDS and len(word) >= OTHER_READING_MIN:
                for concept in glossary.concepts(word):
                    bag["c:" + concept] = max(bag["c:" + concept], 1)
    return bag


_WEIGHTS = {"w": WORD_WEIGHT, "c": CONCEPT_WEIGHT}


def group(bags: list[Counter[str]], distance: float = DISTANCE) -> list[int]:
    """A group label per bag (labels numbered from 0 in order of first appearance)."""
    if not bags:
        return []
    if len(bags) == 1:
        return [0]
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import csr_matrix

    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    columns = {f: i for i, f in enumerate(df)}
    rows, cols, values = [], [], []
    for r, bag in enumerate(bags):
        for f, tf in bag.items():
            idf = math.log((n + 1) / (df[f] + 1)) + 1.0
            rows.append(r)
            cols.append(columns[f])
            values.append(_WEIGHTS[f[0]] * (1 + math.log(tf)) * idf)
    matrix = csr_matrix((values, (rows, cols)), shape=(n, len(columns)))
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    matrix = csr_matrix(matrix.multiply(1 / norms[:, None]))
    similarity = (matrix @ matrix.T).toarray()
    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    condensed = distances[np.triu_indices(n, k=1)]
    labels = fcluster(linkage(condensed, method="average"), t=distance, criterion="distance")
    renumber: dict[int, int] = {}
    return [renumber.setdefault(int(label), len(renumber)) for label in labels]


def cluster_gaps(gaps: list[Gap], matcher: Matcher, glossary: Glossary, *, ignored: list[tuple[str, str]] = (),
                 now: dt.datetime | None = None) -> list[Cluster]:
    """Clusters of these gaps, most asked recently first. A cluster that an ignored question's form
    joins is left out: editors said such questions are not for the knowledge base."""
    bags = [features(g.question, g.lang, matcher, glossary) for g in gaps]
    ignored_bags = [features(form, lang, matcher, glossary) for form, lang in ignored]
    labels = group(bags + ignored_bags)
    hidden = set(labels[len(gaps):])
    members: dict[int, list[Gap]] = {}
    for gap, label in zip(gaps, labels):
        if label not in hidden:
            members.setdefault(label, []).append(gap)
    since = ((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=RECENT_DAYS)).isoformat(timespec="seconds")
    clusters = []
    for items in members.values():
        items.sort(key=lambda g: g.id)
        cluster = Cluster(items, recent=sum(g.created_at >= since for g in items))
        cluster.candidates = closest_entries(items, matcher)
        clusters.append(cluster)
    clusters.sort(key=lambda c: (c.recent, c.size, c.last), reverse=True)
    return clusters


def open_clusters(db: Database, matcher: Matcher, glossary: Glossary | None = None) -> list[Cluster]:
    """The clusters of every open gap (unanswered, or "none of these"), most asked recently first.
    The last result is kept with the database, with what it was computed from: pressing through an
    editor's screens does not cluster every open gap again while nothing changed."""
    glossary = glossary if glossary is not None else load_glossary()[0]
    now = clock_now()
    ignored = learning.ignored_forms(db)
    key = (gap_log.signature(db), len(ignored), id(matcher), id(glossary), now.date(), now.hour)
    last = getattr(db, "_qogam_clusters", None)
    if last is not None and last[0] == key:
        return last[1]
    clusters = cluster_gaps(gap_log.with_status(db), matcher, glossary, ignored=ignored, now=now)
    db._qogam_clusters = (key, clusters)
    return clusters


def find(clusters: list[Cluster], cluster_id: int) -> Cluster | None:
    """The cluster with this id, or the one that holds the question with this id (it may have joined
    another since the editor saw it)."""
    for cluster in clusters:
        if cluster.id == cluster_id or any(g.id == cluster_id for g in cluster.gaps):
            return cluster
    return None


def closest_entries(gaps: list[Gap], matcher: Matcher) -> list[tuple[str, float]]:
    """The entries the matcher finds closest to the cluster's questions, by mean score."""
    sample = gaps[-CANDIDATE_QUESTIONS:]
    totals: Counter[str] = Counter()
    for gap in sample:
        for c in matcher.match(gap.question, hint=gap.lang).candidates:
            totals[c.entry_id] += c.score
    return [(e, round(total / len(sample), 3)) for e, total in totals.most_common(CANDIDATES)]


def normal_form(text: str, lang: str) -> str:
    """How an ignored question is remembered: its normalised words (already redacted, and without the
    redaction's placeholders), no stop words."""
    words = tokens(clean(PLACEHOLDER.sub(" ", text)), latin_kazakh=transliterates(lang))
    return " ".join(w for w in words if w not in STOP_WORDS) or " ".join(words)
