"""The slow part of answering an update (bot/core/dialogue/base.py, Slow) runs in a worker thread, never
on the event loop: every resident's reply waits on the loop, and an editor's /gaps over 5,000 gaps
stalled them all for 5.8 s when it ran there.

One worker thread, so two editors pressing at once compute one after the other and memory stays that
of one grouping. The thread reads through a connection of its own (bot/storage/db.py, reader), opened
for each piece of work: a connection belongs to one thread. A database in memory (tests, `qogam ask`)
has no file to open a second connection to: there the work runs on the loop, as the terminal chat does.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot.core.dialogue.base import Slow
from bot.storage.db import Database, file_of, reader


class Worker:
    def __init__(self, db: Database):
        self.db = db
        self.path = file_of(db)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qogam-slow")

    async def run(self, slow: Slow) -> object:
        """slow.compute's result, computed in the worker thread."""
        if self.path is None:
            return slow.compute(self.db)
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._compute, slow)

    def _compute(self, slow: Slow) -> object:
        with reader(self.path) as db:
            return slow.compute(db)
