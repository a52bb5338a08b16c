"""The slow part of answering an update (bot/core/dialogue/base.py, Slow) runs in a worker thread, never
on the event loop: every resident's reply waits on the loop, and an editor's /gaps over 5,000 gaps
stalled them all for 5.8 s when it ran there.

One worker thread, so two editors pressing at once compute one after the other and memory stays that
of one grouping. The thread reads through a connection of its own (bot/storage/db.py, reader), opened
for each piece of work: a connection belongs to one thread. A database in memory (tests, `qogam ask`)
has no file to open a second connection to: there the work runs on the loop, as the terminal chat does.

The thread runs at the lowest scheduling priority (nice 19, Linux schedules threads one by one): when
the loop and the worker both want a CPU, the loop gets it, and the worker takes what residents leave.
With the worker at normal priority, residents' p99 latency during /gaps over 20,000 gaps was 286 and
490 ms above the baseline in two runs on our shared 2-core machine (load average 4-5); at nice 19,
33 to 192 ms in three runs at the same load (bench/telegram_gaps.py; docs/benchmarks.md). The worker
still shares the interpreter lock with the loop: CPU-bound Python in it gives the loop the lock every
5 ms (sys.getswitchinterval), which costs a resident's reply a few milliseconds on an idle machine.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from bot.core.dialogue.base import Slow
from bot.storage.db import Database, file_of, reader

# Niceness of the worker thread: the lowest priority (19) on Linux.
NICE = 19


class Worker:
    def __init__(self, db: Database):
        self.db = db
        self.path = file_of(db)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qogam-slow", initializer=_yield_to_loop)

    async def run(self, slow: Slow) -> object:
        """slow.compute's result, computed in the worker thread."""
        if self.path is None:
            return slow.compute(self.db)
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._compute, slow)

    def _compute(self, slow: Slow) -> object:
        with reader(self.path) as db:
            return slow.compute(db)


def _yield_to_loop() -> None:
    """Lower this thread's priority (raising niceness needs no privilege); where threads have no
    priority of their own, it simply stays as it is."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    except (OSError, AttributeError):
        pass
