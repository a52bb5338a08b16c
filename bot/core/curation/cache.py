"""The clusters of every open gap, as a running bot keeps them between an editor's screens.

Pressing through /gaps (a page, a cluster, an action) must not group every open gap again while
nothing changed, so the last result is kept with what it was computed from: the open gaps (their count,
newest id and last change), the ignored questions, the matcher and glossary served, and the hour
("asked in the last week" moves with the clock).

`compute` only reads (the database it is given, and the last result): a transport may run it in a worker
thread with a connection of that thread's own and hand the result back with `using`, for the dialogue
call that answers the editor (bot/core/dialogue/base.py, Slow). `get` is the plain synchronous way, for
the terminal chat and the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core.curation.clustering import Cluster, cluster_gaps
from bot.core.curation.features import Reader
from bot.core.knowledge.glossary import Glossary
from bot.core.matching.ranker import Matcher
from bot.storage import gaps as gap_log
from bot.storage import learning

# What a result was computed from, the clusters, and the questions' readings (lent to the next grouping).
Result = tuple[tuple, list[Cluster], Reader]


class ClusterCache:
    def __init__(self):
        self._last: Result | None = None
        self._pinned: list[Cluster] | None = None

    def compute(self, db: Database, matcher: Matcher, glossary: Glossary) -> Result:
        """The clusters of the open gaps in `db`: the last result if nothing changed since, else new ones
        (reading again only the questions the last grouping had not read). Changes nothing here (see
        `keep`), so it may run in another thread."""
        now = clock_now()
        ignored = learning.ignored_forms(db)
        key = (gap_log.signature(db), len(ignored), id(matcher), id(glossary), now.date(), now.hour)
        last = self._last
        if last is not None and last[0] == key:
            return last
        read = Reader(matcher, glossary, earlier=last[2] if last is not None else None)
        clusters = cluster_gaps(gap_log.with_status(db), matcher, glossary, ignored=ignored, now=now, read=read)
        return key, clusters, read.done()

    def keep(self, result: Result) -> None:
        self._last = result

    def forget(self) -> None:
        """A new matcher is served: the kept clusters rank their closest entries with the old one, and
        would keep it in memory (about 100 MB) until the next /gaps."""
        self._last = None

    @contextmanager
    def using(self, result: Result) -> Iterator[None]:
        """Inside: `get` answers with this result (computed elsewhere for the update being answered),
        even if a gap was added since; it is also kept for the next screens."""
        self.keep(result)
        self._pinned = result[1]
        try:
            yield
        finally:
            self._pinned = None

    def get(self, db: Database, matcher: Matcher, glossary: Glossary) -> list[Cluster]:
        if self._pinned is not None:
            return self._pinned
        result = self.compute(db, matcher, glossary)
        self.keep(result)
        return result[1]
