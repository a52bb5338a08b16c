"""What the web console holds while it runs: its database connection, the areas, and the knowledge base as
the bot serves it (files plus editors' learned rows), rebuilt in a thread when another process changed it.

One SQLite connection belongs to one thread: this one is used on the event loop only; work that takes
longer (building a matcher, clustering) runs in a thread on plain values, never on this connection.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from bot.core.curation import serving
from bot.core.knowledge.areas import Areas, load_areas_or_fail
from bot.core.knowledge.loader import KnowledgeBase, knowledge_dir, load
from bot.storage import learning

log = logging.getLogger(__name__)

# How often a request may look whether another process changed what is served (a generation query).
FRESH_SECONDS = 1.0


@dataclass
class Console:
    db: Database
    web_url: str
    directory: Path = field(default_factory=knowledge_dir)
    areas: Areas | None = None
    served: serving.Served | None = None
    generation: tuple | None = None
    _checked_at: float = 0.0
    _trainer: serving.Trainer | None = None
    _kb: tuple[tuple, KnowledgeBase] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        if self.areas is None:
            self.areas = load_areas_or_fail(self.directory)

    @property
    def secure(self) -> bool:
        """Cookies are Secure when staff reach the console over https (nginx in front)."""
        return self.web_url.startswith("https://")

    async def knowledge(self, *, force: bool = False) -> serving.Served:
        """The served knowledge base, rebuilt (in a thread) when the files or the learned rows changed.

        A rebuild never waits for training: without the cached model of the new content it serves the last
        good model (an index in a fraction of a second: the page an editor saved to opens at once), and
        trains the model for the new content in the background, swapping it in when it is ready."""
        now = time.monotonic()
        if self.served is not None and not force and now - self._checked_at < FRESH_SECONDS:
            return self.served
        async with self._lock:
            self._checked_at = time.monotonic()
            rows, generation = serving.snapshot(self.db)
            if self.served is None or force or generation != self.generation:
                started = time.monotonic()
                try:
                    self.served = await asyncio.to_thread(functools.partial(serving.build, rows, self.directory,
                                                                            train=False))
                    self.generation = generation
                    log.info("console: knowledge base built, %d entries, %.2f s", len(self.served.kb.entries),
                             time.monotonic() - started)
                except serving.ReloadRefused as exc:
                    if self.served is None:
                        raise
                    log.error("console: knowledge base not rebuilt (%d errors), the previous one is shown; "
                              "first: %s", len(exc.problems), exc.problems[0])
                    return self.served
                if self.served.matcher.provisional:
                    self._train(rows, generation, asyncio.get_running_loop())
            return self.served

    def changed(self) -> None:
        """This console changed what is served (a save, a revert, an editor's action on questions): the next
        request rebuilds at once, without waiting out FRESH_SECONDS, so the editor sees their own change."""
        self._checked_at = 0.0

    def _train(self, rows: list[dict], generation: tuple, loop: asyncio.AbstractEventLoop) -> None:
        """Ask for the model trained on what is served now; swapped in unless the content changed again."""
        if self._trainer is None:
            def install(served: serving.Served, trained_for: tuple) -> None:
                if trained_for == self.generation:
                    self.served = served

            def done(served: serving.Served, trained_for: tuple) -> None:
                try:
                    loop.call_soon_threadsafe(install, served, trained_for)
                except RuntimeError:  # the console stopped meanwhile
                    pass

            self._trainer = serving.Trainer(done, self.directory)
        self._trainer.request(rows, generation)

    async def kb(self) -> KnowledgeBase:
        """The knowledge base alone, for pages that need no matcher (the entries, their editor and history):
        the files and the learned rows read again when they changed (a fraction of a second), without the
        index or the checks a full rebuild runs."""
        rows, generation = serving.snapshot(self.db)
        if self.served is not None and generation == self.generation:
            return self.served.kb
        if self._kb is None or self._kb[0] != generation:
            kb, problems = await asyncio.to_thread(load, self.directory)
            if any(p.severity == "error" for p in problems):
                return (await self.knowledge()).kb  # the served one, which refused these files
            self._kb = (generation, serving.with_learned(kb, rows))
        return self._kb[1]

    def generation_now(self) -> tuple:
        return learning.generation(self.db)
