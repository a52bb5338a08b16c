"""Reloading the knowledge base while the bot answers (issue figure: under 1 s, no update lost or failed).

1. The reload itself, on the real knowledge base with 100 learned phrasings: read, validate (the
   loader and the content checks), add the phrasings, build the matcher with the last good model (the
   model of the grown knowledge base trains afterwards, behind the answers). Ten runs: median and slowest.
2. Under load: the real Application and inbox (as `qogam run` has them) with a fake Bot API take 600
   residents' questions while the knowledge base is reloaded 10 times, as SIGHUP or the watch does it (the
   build in a thread, then one swap). Counted: updates done, failed, set aside, and the longest stall
   of the event loop, measured by a 10 ms heartbeat.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.telegram import make_updates
from bot.core.curation import serving as learning
from bot.core.dialogue.router import Conversation
from bot.core.knowledge.loader import load_or_fail
from bot.core.matching.engine import build_matcher
from bot.storage import inbox as stored_inbox
from bot.storage import learning as learned
from bot.storage.db import open_db
from bot.telegram.app import build_application, build_inbox, reload_knowledge
from tests.telegram import fakes

LEARNED = 100
RELOADS = 10
UPDATES = 600


def learn(db, kb) -> None:
    """100 phrasings, as editors would add them: real questions of one entry, reworded, on others."""
    entries = list(kb.entries.values())
    for n in range(LEARNED):
        entry = entries[n % len(entries)]
        text = entry.texts["ru"].questions[0] + f" вариант {n}"
        learned.add_phrasing(db, entry_id=entry.id, lang="ru", text=text, cluster_id=n, by="bench")


def reload_times(db) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each reload."""
    times, cpu = [], []
    for _ in range(RELOADS):
        started, cpu_started = time.perf_counter(), time.process_time()
        rows, _ = learning.snapshot(db)
        learning.build(rows, train=False)  # as the running bot reloads: the model trains after, in a thread
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return times, cpu


async def under_load(directory: Path) -> dict:
    kb = load_or_fail()
    db = open_db(directory / "load.db")
    learn(db, kb)
    conversation = Conversation(kb, build_matcher(kb), db)
    api = fakes.FakeBotAPI()
    application = build_application(conversation, fakes.TOKEN, request=fakes.FakeRequest(api),
                                    updates_request=fakes.FakeRequest(api))
    inbox = build_inbox(application, conversation)
    stopping = asyncio.Event()
    stall = 0.0

    async def heartbeat() -> None:
        nonlocal stall
        loop = asyncio.get_running_loop()
        while not stopping.is_set():
            before = loop.time()
            await asyncio.sleep(0.01)
            stall = max(stall, loop.time() - before - 0.01)

    async with application:
        runner = asyncio.create_task(inbox.run(stopping))
        beat = asyncio.create_task(heartbeat())
        updates = make_updates(UPDATES)
        reloads = 0
        for start in range(0, UPDATES, UPDATES // RELOADS):
            await inbox.accept(updates[start:start + UPDATES // RELOADS])
            reloads += await reload_knowledge(conversation, "bench")
        for _ in range(600):
            counts = stored_inbox.counts(db)
            if counts.get("pending", 0) == 0 and counts.get("handled", 0) == 0:
                break
            await asyncio.sleep(0.05)
        stopping.set()
        await asyncio.gather(runner, beat)
    counts = stored_inbox.counts(db)
    failed = len(stored_inbox.failed(db))
    db.close()
    return {"reloads": reloads, "done": counts.get("done", 0), "failed": failed,
            "pending": counts.get("pending", 0) + counts.get("handled", 0), "stall": stall}


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        db = open_db(Path(directory) / "reload.db")
        learn(db, load_or_fail())
        times, cpu = reload_times(db)
        print(f"knowledge reload (real knowledge base + {LEARNED} learned phrasings, {RELOADS} runs): "
              f"median {statistics.median(times):.2f} s, slowest {max(times):.2f} s; CPU median "
              f"{statistics.median(cpu):.2f} s")
        figures = asyncio.run(under_load(Path(directory)))
    print(f"  under load: {UPDATES} updates while reloading {figures['reloads']} times: {figures['done']} done, "
          f"{figures['failed']} failed, {figures['pending']} left; longest event-loop stall "
          f"{figures['stall'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
