"""Residents' reply latency while an editor opens /gaps over many open gaps, through the real Telegram
Application with a fake Bot API (as bench/telegram.py), on a real SQLite file.

20,000 open gaps from 3,000 residents (eval/gap_clusters.tsv with typos, bench/clustering_scale.py) are
stored; residents then ask the dev set's questions, a new resident every INTERVAL seconds, each update
handled as it arrives (`process_update` as a task, as the inbox hands them over). A resident's latency is
from its arrival to its reply being sent. First a baseline window without the editor, then ROUNDS times:
a new gap (so the clusters are grouped again, nothing cached) and the editor's /gaps, with residents
arriving until the editor's listing is sent. "Added" is the p99 during /gaps minus the baseline's.

    python -m bench.telegram_gaps [--gaps 20000] [--rounds 5] [--interval 0.02]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Update

from bench.clustering_scale import make_gaps
from bench.matching import questions
from bot.core import roles
from bot.core.dialogue.router import Conversation
from bot.core.knowledge.loader import load_or_fail
from bot.core.matching.engine import build_matcher
from bot.storage import gaps as gap_log
from bot.storage.db import open_db, transaction
from bot.telegram.app import build_application
from tests.telegram import fakes

EDITOR = 555
# A resident's question every 20 ms: 50 a second, above Telegram's 30 messages a second for a whole bot.
INTERVAL = 0.02
BASELINE_SECONDS = 5.0
ROUNDS = 5


def store_gaps(db, n: int) -> None:
    gaps, _ = make_gaps(n, "typos")
    with transaction(db):  # one commit for all
        for i, gap in enumerate(gaps):
            gap_log.record(db, user_key=f"tg:{10_000 + i % 3000}", channel="telegram", lang=gap.lang,
                           question=gap.question, status=gap_log.UNANSWERED, candidates=[])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def measure(directory: Path, n_gaps: int, rounds: int, interval: float = INTERVAL) -> dict:
    kb = load_or_fail()
    db = open_db(directory / "bench.db")
    store_gaps(db, n_gaps)
    conversation = Conversation(kb, build_matcher(kb), db)
    gc.freeze()  # as `qogam run` does once the index is built (bot/cli/_common.py)
    roles.grant(db, conversation.areas, f"tg:{EDITOR}", roles.EDITOR, None, by="cli:bench")
    api = fakes.FakeBotAPI()
    application = build_application(conversation, fakes.TOKEN, request=fakes.FakeRequest(api),
                                    updates_request=fakes.FakeRequest(api))
    texts = itertools.cycle(questions())
    residents = itertools.count(100_000)
    latencies: list[tuple[float, float]] = []  # (arrival, seconds)
    windows: list[tuple[float, float]] = []  # while the editor's /gaps was being answered
    editor_seconds: list[float] = []
    async with application:
        bot = application.bot

        async def resident(arrived: float) -> None:
            update = Update.de_json(fakes.message(next(texts), user_id=next(residents)), bot)
            await application.process_update(update)
            latencies.append((arrived, time.perf_counter() - arrived))

        async def residents_until(done: asyncio.Event | None, seconds: float | None = None) -> None:
            """Residents arrive on a fixed schedule, whatever the loop is doing: a resident's latency runs
            from its time on the schedule, so a loop held up by other work shows in it."""
            started, tasks = time.perf_counter(), []
            for k in itertools.count():
                arrival = started + k * interval
                await asyncio.sleep(max(0.0, arrival - time.perf_counter()))
                if done.is_set() if done else time.perf_counter() - started >= seconds:
                    break
                tasks.append(asyncio.create_task(resident(arrival)))
            await asyncio.gather(*tasks)

        async def editor(done: asyncio.Event) -> None:
            update = Update.de_json(fakes.command("/gaps", user_id=EDITOR, language_code="en"), bot)
            started = time.perf_counter()
            await application.process_update(update)
            editor_seconds.append(time.perf_counter() - started)
            windows.append((started, time.perf_counter()))
            done.set()

        ticks: list[tuple[float, float]] = []  # (when, seconds since the tick before): the loop's stalls
        ticking = asyncio.Event()

        async def ticker() -> None:
            last = time.perf_counter()
            while not ticking.is_set():
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                ticks.append((last, now - last))
                last = now

        for _ in range(50):  # warm up: the matcher's first answers, PTB's first updates
            await resident(time.perf_counter())
        latencies.clear()
        tick_task = asyncio.create_task(ticker())
        baseline_started = time.perf_counter()
        await residents_until(None, BASELINE_SECONDS)
        baseline = [s for _, s in latencies]
        for round_ in range(rounds):
            gap_log.record(db, user_key="tg:1", channel="telegram", lang="ru", question=f"новый вопрос {round_}",
                           status=gap_log.UNANSWERED, candidates=[])
            done = asyncio.Event()
            await asyncio.gather(editor(done), residents_until(done))
        ticking.set()
        await tick_task
        during = [s for arrived, s in latencies[len(baseline):]
                  if any(start <= arrived <= end for start, end in windows)]
        stalls = ([s for at, s in ticks if at < windows[0][0] and at >= baseline_started],
                  [s for at, s in ticks if any(start <= at <= end for start, end in windows)])
    db.close()
    listings = [p["text"] for p in api.sent() if int(p["chat_id"]) == EDITOR]
    assert len(listings) == rounds and all("open questions" in t for t in listings), listings[:1]
    return {"gaps": n_gaps, "baseline": baseline, "during": during, "editor": editor_seconds, "stalls": stalls}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.telegram_gaps")
    parser.add_argument("--gaps", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--interval", type=float, default=INTERVAL, help="seconds between residents")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        r = asyncio.run(measure(Path(directory), args.gaps, args.rounds, args.interval))
    ms = [1000 * s for s in r["baseline"]], [1000 * s for s in r["during"]]
    print(f"residents' replies while an editor opens /gaps over {r['gaps']} open gaps (fake Bot API, "
          f"a resident every {args.interval * 1000:.0f} ms)")
    for name, values in (("without /gaps", ms[0]), ("during /gaps", ms[1])):
        print(f"  {name:<14} {len(values)} replies: p50 {statistics.median(values):.1f} ms, "
              f"p99 {percentile(values, 0.99):.1f} ms, max {max(values):.1f} ms")
    print(f"  p99 added {percentile(ms[1], 0.99) - percentile(ms[0], 0.99):.1f} ms; the editor's /gaps took "
          + ", ".join(f"{s:.2f}" for s in r["editor"]) + " s")
    quiet, busy = ([1000 * s for s in part] for part in r["stalls"])
    print(f"  the event loop's longest wait between 1 ms ticks: {max(quiet):.1f} ms without /gaps, "
          f"{max(busy):.1f} ms during (p99 {percentile(quiet, 0.99):.1f} / {percentile(busy, 0.99):.1f} ms)")


if __name__ == "__main__":
    main()
