"""Issue 27 ("Instant"): how long residents and editors wait for what the bot prepares.

1. Full rebuild, real knowledge base, nothing cached: index + training the three models (median of 5).
2. One learned phrasing: an editor's check and storing it (resolve.add_as_phrasing on a cluster of one
   question, in the process, with the served matcher), and how long until a running bot serves it
   (the real knowledge watch of bot/telegram/app.py, with its reload, on a real SQLite file).
3. `qogam run` on a fresh data directory and an empty model cache: from starting the process to the
   first reply to a question waiting at a fake Bot API (tests/telegram/fakes.py), median of 3.
4. `qogam kb check` with an empty model cache (cold: it trains), median of 3.

Wall-clock seconds depend on what else the machine runs; each figure also gives the CPU seconds the
process used (process_time, or the child's rusage), which is what the wall time is with a core free.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.core.knowledge.loader import load_or_fail
from bot.core.matching.engine import build_matcher

REPO = Path(__file__).resolve().parents[1]
REBUILDS = 5
RUNS = 3
QUESTION = "Что такое маслихат?"
LEARNED = "номер секретаря акима"  # unanswered today; akim.find answers it once learned


def rebuild() -> tuple[list[float], list[float]]:
    kb = load_or_fail()
    walls, cpus = [], []
    for _ in range(REBUILDS):
        with tempfile.TemporaryDirectory() as cache:
            wall, cpu = time.perf_counter(), time.process_time()
            build_matcher(kb, cache_dir=Path(cache))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return walls, cpus


async def learned_phrasing(directory: Path) -> dict:
    """Check and store one phrasing as `qogam gaps resolve` and /gaps do, then wait for a running bot's
    watch to serve it."""
    from bot.core.curation import resolve, serving
    from bot.core.curation.clustering import open_clusters
    from bot.core.dialogue.router import Conversation
    from bot.core.knowledge.glossary import load_glossary
    from bot.core.matching import policy
    from bot.storage import gaps
    from bot.storage.db import open_db
    from bot.telegram import app

    cache = directory / "models"
    os.environ["QOGAM_MODEL_CACHE"] = str(cache)
    kb = load_or_fail()
    matcher = build_matcher(kb)  # trained and cached, as a running bot has it
    bot_db = open_db(directory / "qogam.db")
    conversation = Conversation(kb, matcher, bot_db)
    editor_db = open_db(directory / "qogam.db")  # the editor's own connection, as another process has
    gaps.record(editor_db, user_key="bench:1", channel="console", lang="ru", question=LEARNED,
                status=gaps.UNANSWERED, candidates=[])
    stopping, asked = asyncio.Event(), asyncio.Event()
    watch = asyncio.create_task(app._knowledge_watch(conversation, stopping, asked))
    await asyncio.sleep(0.2)
    glossary = load_glossary()[0]
    learned, _ = serving.snapshot(editor_db)
    served_kb, served_matcher = serving.load_served(learned, train=False)
    [cluster] = open_clusters(editor_db, served_matcher, glossary)
    started = time.perf_counter()
    outcome = resolve.add_as_phrasing(editor_db, served_kb, served_matcher, glossary, cluster, "akim.find",
                                      by="bench")
    applied = time.perf_counter() - started
    assert outcome.added, outcome.refused
    while not isinstance(policy.decide(conversation.matcher.match(LEARNED)), policy.Answer):
        await asyncio.sleep(0.02)
        if time.perf_counter() - started > 60:
            break
    live = time.perf_counter() - started
    # The model of the grown knowledge base trains behind the answers; let it finish before measuring more.
    while conversation.matcher.provisional and time.perf_counter() - started < 300:
        await asyncio.sleep(0.2)
    stopping.set()
    await watch
    bot_db.close()
    editor_db.close()
    return {"check_and_apply": applied, "live": live}


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_reply() -> tuple[list[float], list[float]]:
    sys.path.insert(0, str(REPO))
    from tests.telegram import fakes

    walls, cpus = [], []
    for _ in range(RUNS):
        api = fakes.FakeBotAPI()
        with tempfile.TemporaryDirectory() as directory, fakes.FakeBotAPIServer(api) as server:
            env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
            env.update(TELEGRAM_BOT_TOKEN=fakes.TOKEN, TELEGRAM_API_BASE_URL=server.base_url,
                       QOGAM_DATA_DIR=str(Path(directory) / "data"),
                       QOGAM_MODEL_CACHE=str(Path(directory) / "models"), NO_PROXY="127.0.0.1")
            api.push(fakes.message(QUESTION))
            before = child_cpu()
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                api.wait_for(lambda a: len(a.sent()) >= 1, timeout=120)
                walls.append(time.perf_counter() - started)
            finally:
                proc.kill()
                proc.wait()
            # CPU of the whole process until killed: an upper bound for the first reply's.
            cpus.append(child_cpu() - before)
    return walls, cpus


def kb_check() -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as directory:
            env = {**os.environ, "QOGAM_DATA_DIR": directory, "QOGAM_MODEL_CACHE": str(Path(directory) / "m")}
            before = child_cpu()
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bot", "kb", "check"], cwd=REPO, env=env, check=True,
                           capture_output=True)
            walls.append(time.perf_counter() - started)
            cpus.append(child_cpu() - before)
    return walls, cpus


def figures(walls: list[float], cpus: list[float]) -> str:
    return (f"median {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
            f"(wall {min(walls):.2f}-{max(walls):.2f} s)")


def main() -> None:
    print(f"full rebuild, real knowledge base, nothing cached ({REBUILDS} runs): {figures(*rebuild())}")
    with tempfile.TemporaryDirectory() as directory:
        learned = asyncio.run(learned_phrasing(Path(directory)))
    print(f"one learned phrasing: checked and stored in {learned['check_and_apply']:.2f} s, answered by the "
          f"running bot {learned['live']:.2f} s after the editor's action")
    print(f"qogam run, fresh data directory, no model cache: first reply after start ({RUNS} runs): "
          f"{figures(*first_reply())}")
    print(f"qogam kb check, no model cache ({RUNS} runs): {figures(*kb_check())}")


if __name__ == "__main__":
    main()
