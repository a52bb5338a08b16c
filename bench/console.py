"""The web console under load: page times with 20,000 open gaps and 250 entries, the live checks as an editor
types, and how soon a saved entry is served by a running bot.

Set-up (not timed): a copy of the knowledge base grown to 250 entries (each real entry copied with its
phrasings given a word of its own, so no phrasing is in two entries), 20,000 unanswered questions from
eval/gap_clusters.tsv with typos (kk/ru/en), an editor signed in through a real link. Then, through
aiohttp's test client on a real SQLite file:
- each page ROUNDS times; p50 and p95 per page (the first /gaps after the gaps changed clusters them, in a
  worker thread; that one is reported apart, the rest are served from the clusters kept until the gaps
  change, as editors browse);
- /entries/check (the live checks) with the editor's form, ROUNDS times;
- a save: the POST, then how long a bot process's reload takes to serve the new file (the bot notices a
  save within its 1 s watch: bot/telegram/app.py WATCH_SECONDS), measured by building what it serves with
  the last good model (serving.build(train=False): the path a reload takes, training behind it).

    python -m bench.console [--gaps 20000] [--entries 250] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import tomlkit

from bench.clustering import read_set
from bot.core import sessions
from bot.core.curation import serving
from bot.storage import gaps, roles
from bot.storage.db import open_db
from bot.telegram.app import WATCH_SECONDS
from bot.web.app import make_app
from bot.web.console import Console

REPO = Path(__file__).resolve().parents[1]
PAGES = ("/gaps", "/entries", "/entries/appeals.deadlines", "/entries/new", "/stats", "/entries?q=аким")


def grow(knowledge: Path, entries: int) -> None:
    """Copy entry files until there are `entries`, each copy's id and phrasings marked as its own."""
    originals = [p for p in sorted(knowledge.rglob("*.toml")) if p.parent != knowledge]
    copy = 0
    while len([p for p in knowledge.rglob("*.toml") if p.parent != knowledge]) < entries:  # entries are in folders
        copy += 1
        for path in originals:
            if len([p for p in knowledge.rglob("*.toml") if p.parent != knowledge]) >= entries:
                return
            doc = tomlkit.parse(path.read_text(encoding="utf-8"))
            doc["id"] = f"{doc['id']}.c{copy}"
            for lang, mark in (("kk", "нұсқа"), ("ru", "вариант"), ("en", "copy")):
                table = doc[lang]
                table["title"] = f"{table['title']} {mark}{copy}"
                table["questions"] = [f"{q} {mark}{copy}" for q in table["questions"]]
            (path.parent / f"{doc['id']}.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    i = rng.randrange(len(words))
    if len(words[i]) > 4:
        j = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:j] + words[i][j + 1:]
    return " ".join(words)


def fill_gaps(db, count: int) -> None:
    rng = random.Random(7)
    rows = read_set()
    for n in range(count):
        _, lang, question = rows[n % len(rows)]
        gaps.record(db, user_key=f"tg:{100_000 + n % 5000}", channel="tg", lang=lang,
                    question=typo(question, rng) if n >= len(rows) else question, status=gaps.UNANSWERED,
                    candidates=[])


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


async def measure(directory: Path, rounds: int) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    db = open_db(directory / "qogam.db")
    roles.grant(db, "tg:1", "editor", None, "bench")
    state = Console(db, "http://127.0.0.1:8080", directory=directory / "knowledge")
    started = time.perf_counter()
    await state.knowledge()
    print(f"console's knowledge base: {len(state.served.kb.entries)} entries, first build "
          f"{time.perf_counter() - started:.1f} s")
    async with TestClient(TestServer(make_app(state))) as client:
        token = sessions.issue_link(db, "tg:1", by="bench")
        await client.post(f"/login/{token}", allow_redirects=False)
        started = time.perf_counter()
        response = await client.get("/gaps")
        assert response.status == 200
        print(f"/gaps the first time after the gaps changed (clustering {db['gaps'].count} gaps in a thread): "
              f"{time.perf_counter() - started:.2f} s")
        for path in PAGES:
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                response = await client.get(path)
                await response.read()
                times.append((time.perf_counter() - started) * 1000)
                assert response.status == 200, path
            p50, p95 = percentiles(times)
            print(f"  {path:<32} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        page = await (await client.get("/entries/appeals.deadlines")).text()
        form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
        form.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.DOTALL))
        form = {key: html.unescape(value) for key, value in form.items()}
        form["category"] = "appeals"
        answer = form["ru.answer"]
        times = []
        for n in range(rounds):
            form["ru.answer"] = f"{answer} (правка {n})"  # as the editor types
            started = time.perf_counter()
            response = await client.post("/entries/check", data=form, headers={"X-CSRF-Token": form["csrf"]})
            await response.json()
            times.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(times)
        print(f"  {'/entries/check (live checks)':<32} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        form["ru.answer"] = answer
        form["en.title"] = "Deadlines for appeals (benchmark)"
        started = time.perf_counter()
        response = await client.post("/entries/appeals.deadlines", data=form, allow_redirects=False)
        saved = time.perf_counter() - started
        assert response.status == 303, await response.text()
        rows, _ = serving.snapshot(db)
        started, cpu = time.perf_counter(), time.process_time()
        served = serving.build(rows, directory / "knowledge", train=False)
        rebuild, rebuild_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert "benchmark" in served.kb.entries["appeals.deadlines"].texts["en"].title
        print(f"save: POST {saved * 1000:.0f} ms; a running bot serves it after its watch notices "
              f"(<= {WATCH_SECONDS:.0f} s) and a reload with the last good model ({rebuild:.2f} s here, "
              f"{rebuild_cpu:.2f} s of CPU): "
              f"<= {WATCH_SECONDS + rebuild:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gaps", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        shutil.copytree(REPO / "knowledge", directory / "knowledge")
        grow(directory / "knowledge", args.entries)
        fill_gaps(open_db(directory / "qogam.db"), args.gaps)
        print(f"{args.entries} entries, {args.gaps} open gaps")
        asyncio.run(measure(directory, args.rounds))


if __name__ == "__main__":
    main()
