"""Updates per second through the real Telegram Application, with a fake Bot API at the HTTP boundary.

Residents' questions from the dev set (Kazakh, Russian, English, in turn) go through
`Application.process_update`: PTB parses the update, our handler matches and renders, PTB serialises
sendMessage and the fake request answers it at once. So the figures are our cost plus PTB's, without
the network and without the AIORateLimiter, which `qogam run` adds and which holds sending to
Telegram's ~30 messages a second anyway. The database is a real SQLite file in WAL mode.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Update

from bench.matching import questions
from bot.core.dialogue.router import Conversation
from bot.core.knowledge.loader import load_or_fail
from bot.core.matching.engine import build_matcher
from bot.storage.db import open_db
from bot.telegram.app import build_application
from tests.telegram import fakes

UPDATES = 3000
WARM_UP = 200
# Updates in flight at once in the concurrent run, as PTB's polling loop would hand them over.
IN_FLIGHT = 64


def make_updates(count: int) -> list[dict]:
    texts = itertools.cycle(questions())
    # A different resident for each update, as in real traffic; the flood throttle is per resident.
    return [fakes.message(next(texts), user_id=100_000 + n, language_code=("kk", "ru", "en")[n % 3])
            for n in range(count)]


async def measure(directory: Path) -> dict:
    kb = load_or_fail()
    conversation = Conversation(kb, build_matcher(kb), open_db(directory / "bench.db"))
    api = fakes.FakeBotAPI()
    application = build_application(conversation, fakes.TOKEN, request=fakes.FakeRequest(api),
                                    updates_request=fakes.FakeRequest(api))
    async with application:
        bot = application.bot
        for update in make_updates(WARM_UP):
            await application.process_update(Update.de_json(update, bot))
        updates = [Update.de_json(u, bot) for u in make_updates(UPDATES)]

        latencies, cpu = [], []
        started, cpu_started = time.perf_counter(), time.process_time()
        for update in updates:
            t0, c0 = time.perf_counter(), time.thread_time()
            await application.process_update(update)
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
        sequential = len(updates) / (time.perf_counter() - started)
        # What one process does with a core of its own: updates per CPU second (this machine may run
        # other work beside the benchmark).
        per_cpu_second = len(updates) / (time.process_time() - cpu_started)

        updates = [Update.de_json(u, bot) for u in make_updates(UPDATES)]
        started = time.perf_counter()
        for i in range(0, len(updates), IN_FLIGHT):
            await asyncio.gather(*(application.process_update(u) for u in updates[i:i + IN_FLIGHT]))
        concurrent = len(updates) / (time.perf_counter() - started)
    conversation.db.close()
    latencies.sort()
    cpu.sort()
    assert len(api.sent()) >= 2 * UPDATES, "every update should have been answered"
    return {
        "updates": len(updates), "sequential": sequential, "concurrent": concurrent,
        "p50": statistics.median(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1],
        "max": latencies[-1], "per_cpu_second": per_cpu_second, "cpu_p50": statistics.median(cpu),
        "cpu_p99": cpu[int(len(cpu) * 0.99) - 1],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        figures = asyncio.run(measure(Path(directory)))
    print(f"telegram application, {figures['updates']} text updates (kk/ru/en) with a fake Bot API: "
          f"{figures['sequential']:.0f} updates/s one at a time, {figures['concurrent']:.0f} updates/s "
          f"with {IN_FLIGHT} in flight; per update p50 {figures['p50']:.2f} ms, p99 {figures['p99']:.2f} ms, "
          f"max {figures['max']:.1f} ms; CPU: {figures['per_cpu_second']:.0f} updates per CPU second one at a "
          f"time, per update p50 {figures['cpu_p50']:.2f} ms, p99 {figures['cpu_p99']:.2f} ms")


if __name__ == "__main__":
    main()
