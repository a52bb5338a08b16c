"""Group residents' unanswered questions, so that one question typed twenty ways, in three languages,
is one line for editors.

A question is read as a bag of words and glossary concepts (features.py), the bags are weighted by IDF
and joined by average linkage on cosine distance, cut at DISTANCE (grouping.py), in memory linear in the
number of questions (linkage.py: 20,000 gaps in 0.8 s of CPU and 125 MB at the peak, where SciPy's full
distance matrix took 44 s of CPU and 10.8 GB, for the same groups; docs/benchmarks.md). (The entries the
matcher ranks closest were tried as a third kind of feature: they changed nothing on the labelled set,
whose questions are, like real gaps, far from every entry, and cost a ranking per question.)

A cluster's size is the number of residents who asked, not of rows: one resident who asks the same thing
25 times is one voice (issue 32). Its closest entries are ranked when first read, not for every cluster.

Figures (bench/clustering.py, bench/clustering_scale.py, eval/gap_clusters.tsv): docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core.curation.features import Reader
from bot.core.curation.grouping import group
from bot.core.knowledge.glossary import Glossary, load_glossary
from bot.core.matching.ranker import Matcher
from bot.core.text.hygiene import scrub
from bot.storage import gaps as gap_log
from bot.storage import learning
from bot.storage.gaps import Gap

# Average cosine distance at which groups stop joining. 0.9 scores best on the halves (ARI 0.78 / 0.76)
# but merges different needs once all 41 are together (pairwise precision 0.58); at 0.8 precision is
# 0.82 on the whole set for an ARI 0.07 lower on the halves. A merged cluster is worse for editors than a
# split one: they would add one need's questions as phrasings of another's entry.
DISTANCE = 0.8
# "Most asked recently": clusters are ordered by how many residents asked in the last week.
RECENT_DAYS = 7
SAMPLES = 3
# Closest entries shown for a cluster, from the mean score over up to this many of its questions (its
# newest): at about 1.7 ms a ranking, 34 ms for a cluster, ranked when the cluster is first read.
CANDIDATES = 3
CANDIDATE_QUESTIONS = 20


@dataclass
class Cluster:
    """A group of open gaps. Its id is the id of its first question, so it stays the same while new
    questions join it, and any of its questions' ids finds it again. Its counts are of residents (a gap's
    `asker`); `questions` counts its rows."""

    gaps: list[Gap]
    # Residents who asked in the last week.
    recent: int = 0
    # Ranks the closest entries when they are first read (cluster_gaps sets it); see `candidates`.
    rank: Callable[[list[Gap]], list[tuple[str, float]]] | None = field(default=None, repr=False, compare=False)
    _candidates: list[tuple[str, float]] | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> int:
        return self.gaps[0].id

    @property
    def size(self) -> int:
        """Residents who asked (a gap whose resident is unknown counts as one)."""
        return people(self.gaps)

    @property
    def questions(self) -> int:
        return len(self.gaps)

    @property
    def first(self) -> str:
        return min(g.created_at for g in self.gaps)

    @property
    def last(self) -> str:
        return max(g.created_at for g in self.gaps)

    @property
    def langs(self) -> dict[str, int]:
        """Residents who asked in each language."""
        return {lang: people(g for g in self.gaps if g.lang == lang) for lang in ("kk", "ru", "en")}

    @property
    def candidates(self) -> list[tuple[str, float]]:
        """The closest entries, ranked on first use: most clusters are never opened."""
        if self._candidates is None:
            self._candidates = self.rank(self.gaps) if self.rank is not None else []
        return self._candidates

    @candidates.setter
    def candidates(self, value: list[tuple[str, float]]) -> None:
        self._candidates = value

    def samples(self, n: int = SAMPLES) -> list[str]:
        """Up to n different questions, one per language first (the newest of each), then the newest."""
        chosen: list[str] = []
        newest = sorted(self.gaps, key=lambda g: (g.created_at, g.id), reverse=True)
        for lang in ("kk", "ru", "en"):
            text = next((g.question for g in newest if g.lang == lang), None)
            if text and text not in chosen:
                chosen.append(text)
        for g in newest:
            if len(chosen) >= n:
                break
            if g.question not in chosen:
                chosen.append(g.question)
        # Scrubbed again for the editors who read them: rows stored before scrubbing existed.
        return list(dict.fromkeys(scrub(text) for text in chosen))[:n]

    def as_dict(self) -> dict:
        """The shape of `qogam gaps --clusters --json` (a contract): `size` and `langs` count residents,
        `questions` the rows."""
        return {"id": self.id, "size": self.size, "questions": self.questions, "langs": self.langs,
                "first": self.first, "last": self.last, "samples": self.samples(),
                "candidates": [{"entry": e, "score": s} for e, s in self.candidates]}


def people(gaps: Iterable[Gap]) -> int:
    """Distinct residents among these gaps; a gap without a known resident counts as one."""
    return len({("asker", g.asker) if g.asker is not None else ("gap", g.id) for g in gaps})


def cluster_gaps(gaps: list[Gap], matcher: Matcher, glossary: Glossary, *, ignored: list[tuple[str, str]] = (),
                 now: dt.datetime | None = None, read: Reader | None = None) -> list[Cluster]:
    """Clusters of these gaps, asked by the most residents recently first. A cluster that an ignored
    question's form joins is left out: editors said such questions are not for the knowledge base.
    `read`: the Reader to use (one that lends an earlier grouping's readings, cache.py)."""
    read = read if read is not None else Reader(matcher, glossary)
    bags = [read(g.question, g.lang) for g in gaps]
    ignored_bags = [read(form, lang) for form, lang in ignored]
    labels = group(bags + ignored_bags, DISTANCE)
    hidden = set(labels[len(gaps):])
    members: dict[int, list[Gap]] = {}
    for gap, label in zip(gaps, labels):
        if label not in hidden:
            members.setdefault(label, []).append(gap)
    since = ((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=RECENT_DAYS)).isoformat(timespec="seconds")
    clusters = []
    for items in members.values():
        items.sort(key=lambda g: g.id)
        recent = people(g for g in items if g.created_at >= since)
        clusters.append(Cluster(items, recent=recent, rank=lambda gs: closest_entries(gs, matcher)))
    # Residents, not rows: one resident asking 25 times does not put a cluster first.
    clusters.sort(key=lambda c: (c.recent, c.size, c.last), reverse=True)
    return clusters


def open_clusters(db: Database, matcher: Matcher, glossary: Glossary | None = None) -> list[Cluster]:
    """The clusters of every open gap (unanswered, or "none of these"), most asked recently first. (A
    running bot keeps them between an editor's screens: cache.py.)"""
    glossary = glossary if glossary is not None else load_glossary()[0]
    return cluster_gaps(gap_log.with_status(db), matcher, glossary, ignored=learning.ignored_forms(db),
                        now=clock_now())


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
